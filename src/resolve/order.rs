//! The generated step order of one guide.
//!
//! A topological order of the `after` graph in which, among the steps that are
//! ready, the lowest `order` comes first; steps without `order` come after those with
//! one, by risk (safe, caution, destructive), then title, then slug. Mistakes (a
//! cycle, an unknown step in `after`, a duplicate `order`) are errors; a safer step
//! after a destructive one is a warning. The order is always complete, even with
//! errors, so that every other check can still run.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use crate::diagnostics::{closest, Diagnostic};
use crate::model::{Risk, StepMeta};

/// What ordering needs to know of a step.
pub struct StepInfo<'a> {
    pub slug: &'a str,
    pub source: &'a str,
    pub meta: &'a StepMeta,
}

/// Returns the indices of `steps` in step order, and the diagnostics.
pub fn order(steps: &[StepInfo<'_>]) -> (Vec<usize>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let by_slug: HashMap<&str, usize> = steps.iter().enumerate().map(|(i, s)| (s.slug, i)).collect();

    duplicate_orders(steps, &mut diagnostics);

    // Edges: before -> after.
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    let mut waiting_on = vec![0usize; steps.len()];
    let mut edges = BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        for before in &step.meta.after {
            match by_slug.get(before.value.as_str()) {
                Some(&b) if edges.insert((b, i)) => {
                    followers[b].push(i);
                    waiting_on[i] += 1;
                }
                Some(_) => {}
                None => {
                    let mut message = format!("`after` names `{}`, which is not a step of this guide", before.value);
                    if let Some(close) = closest(&before.value, steps.iter().map(|s| s.slug)) {
                        message.push_str(&format!("; did you mean `{close}`?"));
                    }
                    diagnostics.push(Diagnostic::error(step.source, before.pos, "unknown-step", message));
                }
            }
        }
    }

    let key = |i: usize| {
        let m = steps[i].meta;
        (m.order.is_none(), m.order.as_ref().map_or(0, |o| o.value), m.risk, m.title.as_str(), steps[i].slug)
    };
    let mut ready: BinaryHeap<Reverse<(_, usize)>> =
        (0..steps.len()).filter(|&i| waiting_on[i] == 0).map(|i| Reverse((key(i), i))).collect();
    let mut result = Vec::with_capacity(steps.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        result.push(i);
        for &f in &followers[i] {
            waiting_on[f] -= 1;
            if waiting_on[f] == 0 {
                ready.push(Reverse((key(f), f)));
            }
        }
    }

    if result.len() < steps.len() {
        let stuck: Vec<usize> = (0..steps.len()).filter(|&i| waiting_on[i] > 0).collect();
        report_cycles(steps, &stuck, &followers, &mut diagnostics);
        let mut rest = stuck;
        rest.sort_by_key(|&i| key(i));
        result.extend(rest);
    }

    risk_warnings(steps, &result, &mut diagnostics);
    (result, diagnostics)
}

fn duplicate_orders(steps: &[StepInfo<'_>], diagnostics: &mut Vec<Diagnostic>) {
    let mut first_with: HashMap<i64, usize> = HashMap::new();
    for (i, step) in steps.iter().enumerate() {
        let Some(order) = &step.meta.order else {
            continue;
        };
        match first_with.get(&order.value) {
            Some(&other) => {
                let message = format!(
                    "`order = {}` is also used by {}; each step of a guide needs its own order",
                    order.value, steps[other].source
                );
                diagnostics.push(Diagnostic::error(step.source, order.pos, "duplicate-order", message));
            }
            None => {
                first_with.insert(order.value, i);
            }
        }
    }
}

/// Finds each cycle among the stuck steps and names every step in it.
fn report_cycles(steps: &[StepInfo<'_>], stuck: &[usize], followers: &[Vec<usize>], diagnostics: &mut Vec<Diagnostic>) {
    let stuck_set: BTreeSet<usize> = stuck.iter().copied().collect();
    // Walk backwards along `after` (a stuck step always waits on a stuck step)
    // until a step repeats: the repeated part is a cycle.
    let mut reported: BTreeSet<BTreeSet<usize>> = BTreeSet::new();
    for &start in stuck {
        let mut path = vec![start];
        let mut seen = HashMap::from([(start, 0usize)]);
        let mut current = start;
        let cycle = loop {
            let before = (0..steps.len()).find(|&b| stuck_set.contains(&b) && followers[b].contains(&current));
            let Some(b) = before else { break None };
            if let Some(&at) = seen.get(&b) {
                break Some(path[at..].to_vec());
            }
            seen.insert(b, path.len());
            path.push(b);
            current = b;
        };
        let Some(mut cycle) = cycle else { continue };
        // `cycle` runs against the arrows (each waits on the next); turn it into
        // reading order, "a, then b, then ... a", starting at its smallest slug.
        cycle.reverse();
        let first = (0..cycle.len()).min_by_key(|&k| steps[cycle[k]].slug).expect("a cycle has steps");
        cycle.rotate_left(first);
        if !reported.insert(cycle.iter().copied().collect()) {
            continue;
        }
        let names: Vec<String> = cycle.iter().map(|&i| format!("`{}` ({})", steps[i].slug, steps[i].source)).collect();
        let message = format!(
            "the steps' `after` lists form a cycle, so none of them can come first: {} -> back to `{}`; remove one `after` entry",
            names.join(" -> "),
            steps[cycle[0]].slug
        );
        // Report at the `after` entry of the first step that names the step before it.
        let at = cycle[0];
        let prev = cycle[cycle.len() - 1];
        let pos =
            steps[at].meta.after.iter().find(|a| a.value == steps[prev].slug).map_or(steps[at].meta.pos, |a| a.pos);
        diagnostics.push(Diagnostic::error(steps[at].source, pos, "order-cycle", message));
    }
}

fn risk_warnings(steps: &[StepInfo<'_>], ordered: &[usize], diagnostics: &mut Vec<Diagnostic>) {
    let mut destructive: Option<usize> = None;
    for &i in ordered {
        let meta = steps[i].meta;
        match (destructive, meta.risk) {
            (_, Risk::Destructive) if destructive.is_none() => destructive = Some(i),
            (Some(d), risk) if risk < Risk::Destructive => {
                let message = format!(
                    "this {} step comes after the destructive step `{}` ({}); order steps from the least invasive to the most",
                    risk.as_str(),
                    steps[d].slug,
                    steps[d].source
                );
                diagnostics.push(Diagnostic::warning(steps[i].source, meta.risk_pos, "risk-order", message));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;
    use crate::model::Located;

    struct Fixture {
        slugs: Vec<String>,
        sources: Vec<String>,
        metas: Vec<StepMeta>,
    }

    /// Steps written as `slug order risk after,after`; `-` for none.
    fn fixture(spec: &[&str]) -> Fixture {
        let mut f = Fixture { slugs: vec![], sources: vec![], metas: vec![] };
        for (line, s) in spec.iter().enumerate() {
            let parts: Vec<&str> = s.split(' ').collect();
            let pos = Pos::new(line as u32 + 1, 1);
            f.slugs.push(parts[0].into());
            f.sources.push(format!("content/g/{}.md", parts[0]));
            f.metas.push(StepMeta {
                title: parts[0].to_uppercase(),
                order: parts[1].parse().ok().map(|v| Located { value: v, pos }),
                risk: match parts[2] {
                    "c" => Risk::Caution,
                    "d" => Risk::Destructive,
                    _ => Risk::Safe,
                },
                after: parts[3].split(',').filter(|a| *a != "-").map(|a| Located { value: a.into(), pos }).collect(),
                pos,
                risk_pos: pos,
                ..StepMeta::default()
            });
        }
        f
    }

    fn run(spec: &[&str]) -> (Vec<String>, Vec<String>) {
        let f = fixture(spec);
        let infos: Vec<StepInfo> = (0..f.slugs.len())
            .map(|i| StepInfo { slug: &f.slugs[i], source: &f.sources[i], meta: &f.metas[i] })
            .collect();
        let (order, diags) = order(&infos);
        (order.iter().map(|&i| f.slugs[i].clone()).collect(), diags.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn order_then_risk_then_title() {
        let (o, d) = run(&["e - d -", "b 20 s -", "a 10 s -", "c - s -", "d - c -"]);
        assert_eq!(o, ["a", "b", "c", "d", "e"]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn after_wins_over_order() {
        let (o, _) = run(&["backup 30 s -", "wifi 10 s -", "restore 5 d backup"]);
        assert_eq!(o, ["wifi", "backup", "restore"]);
    }

    #[test]
    fn a_cycle_names_every_step() {
        let (o, d) = run(&["a 1 s c", "b 2 s a", "c 3 s b", "z 4 s -"]);
        assert_eq!(o, ["z", "a", "b", "c"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("[order-cycle]"), "{}", d[0]);
        for s in ["`a` (content/g/a.md)", "`b` (content/g/b.md)", "`c` (content/g/c.md)"] {
            assert!(d[0].contains(s), "{s} in {}", d[0]);
        }
    }

    #[test]
    fn unknown_steps_and_duplicate_orders() {
        let (_, d) = run(&["a 1 s -", "b 1 s restat", "restart 2 s -"]);
        assert_eq!(
            d,
            [
                "content/g/b.md:2:1: error: `order = 1` is also used by content/g/a.md; each step of a guide needs its own order [duplicate-order]",
                "content/g/b.md:2:1: error: `after` names `restat`, which is not a step of this guide; did you mean `restart`? [unknown-step]",
            ]
        );
    }

    #[test]
    fn safer_after_destructive_warns() {
        let (_, d) = run(&["erase 1 d -", "wifi 2 s -"]);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].starts_with("content/g/wifi.md:2:1: warning: this safe step comes after the destructive step `erase`"),
            "{}",
            d[0]
        );
    }
}
