//! The generated step order of one guide.
//!
//! A topological order of the `after` graph in which, among the steps that are
//! ready, the lowest `order` comes first; steps without `order` come after those with
//! one, by risk (safe, caution, destructive), then title, then slug. Mistakes (a
//! cycle, an unknown step in `after`, a duplicate `order`) are errors; a safer step
//! after a destructive one is a warning. The order is always complete, even with
//! errors, so that every other check can still run.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

use crate::diagnostics::{closest, Code, Diagnostic};
use crate::model::{Located, Risk, StepMeta};

/// What ordering needs to know of a step.
pub struct StepInfo<'a> {
    pub slug: &'a str,
    pub source: &'a str,
    pub meta: &'a StepMeta,
    /// The slugs `after` names, as written.
    pub after: &'a [Located<String>],
}

/// The step order of a guide and what `after` names.
pub struct Ordered {
    /// Indices of the steps, in step order.
    pub order: Vec<usize>,
    /// For each step, the steps its `after` names (indices into the input, in the
    /// order written; unknown slugs left out).
    pub after: Vec<Vec<usize>>,
}

/// Orders `steps`. `drafts` are the slugs of the guide's steps this build leaves out
/// (an `after` that names one gets its own message).
pub fn order(steps: &[StepInfo<'_>], drafts: &[&str]) -> (Ordered, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let by_slug: HashMap<&str, usize> = steps.iter().enumerate().map(|(i, s)| (s.slug, i)).collect();

    duplicate_orders(steps, &mut diagnostics);

    // Edges: before -> after.
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    let mut waiting_on = vec![0usize; steps.len()];
    let mut edges = BTreeSet::new();
    let mut after = vec![Vec::new(); steps.len()];
    for (i, step) in steps.iter().enumerate() {
        for before in step.after {
            match by_slug.get(before.value.as_str()) {
                Some(&b) => {
                    after[i].push(b);
                    if edges.insert((b, i)) {
                        followers[b].push(i);
                        waiting_on[i] += 1;
                    }
                }
                None if drafts.contains(&before.value.as_str()) => {
                    let message = format!(
                        "`after` names `{}`, a draft that this build leaves out (build with --drafts, or remove it from `after`)",
                        before.value
                    );
                    diagnostics.push(Diagnostic::error(step.source, before.pos, Code::UnknownStep, message));
                }
                None => {
                    let mut message = format!("`after` names `{}`, which is not a step of this guide", before.value);
                    if let Some(close) = closest(&before.value, steps.iter().map(|s| s.slug)) {
                        message.push_str(&format!("; did you mean `{close}`?"));
                    }
                    diagnostics.push(Diagnostic::error(step.source, before.pos, Code::UnknownStep, message));
                }
            }
        }
    }

    let key = |i: usize| {
        let m = steps[i].meta;
        (m.order.is_none(), m.order.as_ref().map_or(0, |o| o.value), m.risk.value, m.title.as_str(), steps[i].slug)
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
    (Ordered { order: result, after }, diagnostics)
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
                diagnostics.push(Diagnostic::error(step.source, order.pos, Code::DuplicateOrder, message));
            }
            None => {
                first_with.insert(order.value, i);
            }
        }
    }
}

/// Reports each cycle once: one message per strongly connected component of the
/// stuck steps (Tarjan's algorithm, linear in steps and `after` entries), naming a
/// cycle through its first step by slug, and any other step caught in it.
fn report_cycles(steps: &[StepInfo<'_>], stuck: &[usize], followers: &[Vec<usize>], diagnostics: &mut Vec<Diagnostic>) {
    let mut components = components(steps.len(), stuck, followers);
    // A component of one step is a cycle only when the step comes after itself.
    components.retain(|c| c.len() > 1 || followers[c[0]].contains(&c[0]));
    for component in components {
        let inside: BTreeSet<usize> = component.iter().copied().collect();
        let start = *component.iter().min_by_key(|&&i| steps[i].slug).expect("a component has steps");
        // The shortest way from `start` along the arrows back to it, in reading order
        // ("a, then b, then ... a").
        let mut came_from: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(i) = queue.pop_front() {
            for &f in &followers[i] {
                if f == start {
                    last = Some(i);
                    break 'search;
                }
                if inside.contains(&f) && !came_from.contains_key(&f) {
                    came_from.insert(f, i);
                    queue.push_back(f);
                }
            }
        }
        let mut cycle = vec![last.expect("a component of two or more steps has a cycle through each")];
        while cycle[cycle.len() - 1] != start {
            cycle.push(came_from[&cycle[cycle.len() - 1]]);
        }
        cycle.reverse();
        let name = |i: usize| format!("`{}` ({})", steps[i].slug, steps[i].source);
        let names: Vec<String> = cycle.iter().map(|&i| name(i)).collect();
        let mut message = format!(
            "the steps' `after` lists form a cycle, so none of them can come first: {} -> back to `{}`; remove one `after` entry",
            names.join(" -> "),
            steps[start].slug
        );
        let on_cycle: BTreeSet<usize> = cycle.iter().copied().collect();
        let mut others: Vec<usize> = component.iter().copied().filter(|i| !on_cycle.contains(i)).collect();
        if !others.is_empty() {
            others.sort_by_key(|&i| steps[i].slug);
            let others: Vec<String> = others.into_iter().map(name).collect();
            message.push_str(&format!(" (also caught in it: {})", others.join(", ")));
        }
        // Report at the `after` entry of the first step that names the step before it.
        let prev = cycle[cycle.len() - 1];
        let pos =
            steps[start].after.iter().find(|a| a.value == steps[prev].slug).map_or(steps[start].meta.pos, |a| a.pos);
        diagnostics.push(Diagnostic::error(steps[start].source, pos, Code::OrderCycle, message));
    }
}

/// The strongly connected components among `nodes` (iterative Tarjan), each sorted.
fn components(n: usize, nodes: &[usize], followers: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let member: Vec<bool> = {
        let mut m = vec![false; n];
        nodes.iter().for_each(|&i| m[i] = true);
        m
    };
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for &root in nodes {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its followers)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut at)) = work.last_mut() {
            if let Some(&w) = followers[v].get(*at) {
                *at += 1;
                if !member[w] {
                    continue;
                }
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                out.push(component);
            }
        }
    }
    out.sort();
    out
}

fn risk_warnings(steps: &[StepInfo<'_>], ordered: &[usize], diagnostics: &mut Vec<Diagnostic>) {
    let mut destructive: Option<usize> = None;
    for &i in ordered {
        let meta = steps[i].meta;
        match (destructive, meta.risk.value) {
            (_, Risk::Destructive) if destructive.is_none() => destructive = Some(i),
            (Some(d), risk) if risk < Risk::Destructive => {
                let message = format!(
                    "this {} step comes after the destructive step `{}` ({}); order steps from the least invasive to the most",
                    risk.as_str(),
                    steps[d].slug,
                    steps[d].source
                );
                diagnostics.push(Diagnostic::warning(steps[i].source, meta.risk.pos, Code::RiskOrder, message));
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
        afters: Vec<Vec<Located<String>>>,
    }

    /// Steps written as `slug order risk after,after`; `-` for none.
    fn fixture(spec: &[&str]) -> Fixture {
        let mut f = Fixture { slugs: vec![], sources: vec![], metas: vec![], afters: vec![] };
        for (line, s) in spec.iter().enumerate() {
            let parts: Vec<&str> = s.split(' ').collect();
            let pos = Pos::new(line as u32 + 1, 1);
            f.slugs.push(parts[0].into());
            f.sources.push(format!("content/g/{}.md", parts[0]));
            f.metas.push(StepMeta {
                title: parts[0].to_uppercase(),
                order: parts[1].parse().ok().map(|v| Located { value: v, pos }),
                risk: Located {
                    value: match parts[2] {
                        "c" => Risk::Caution,
                        "d" => Risk::Destructive,
                        _ => Risk::Safe,
                    },
                    pos,
                },
                pos,
                ..StepMeta::default()
            });
            f.afters
                .push(parts[3].split(',').filter(|a| *a != "-").map(|a| Located { value: a.into(), pos }).collect());
        }
        f
    }

    fn run(spec: &[&str]) -> (Vec<String>, Vec<String>) {
        let f = fixture(spec);
        let infos: Vec<StepInfo> = (0..f.slugs.len())
            .map(|i| StepInfo { slug: &f.slugs[i], source: &f.sources[i], meta: &f.metas[i], after: &f.afters[i] })
            .collect();
        let (ordered, diags) = order(&infos, &["drafty"]);
        (ordered.order.iter().map(|&i| f.slugs[i].clone()).collect(), diags.iter().map(ToString::to_string).collect())
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
    fn each_cycle_is_reported_once_with_every_step_caught_in_it() {
        // Two cycles: a -> b -> a and c -> d -> e -> c, with f caught between d and e.
        let (_, d) = run(&["a - s b", "b - s a", "c - s e", "d - s c", "e - s d,f", "f - s d", "g - s -"]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("`a` (content/g/a.md) -> `b` (content/g/b.md) -> back to `a`"), "{}", d[0]);
        assert!(d[1].contains("`c` (content/g/c.md) -> `d` (content/g/d.md) -> `e` (content/g/e.md) -> back to `c`; remove one `after` entry (also caught in it: `f` (content/g/f.md))"), "{}", d[1]);
    }

    #[test]
    fn a_long_cycle_is_linear() {
        // 20,000 steps, each after the next, the last after the first: one message.
        let n = 20_000;
        let spec: Vec<String> = (0..n).map(|i| format!("s{i} - s s{}", (i + 1) % n)).collect();
        let spec: Vec<&str> = spec.iter().map(String::as_str).collect();
        let (order, d) = run(&spec);
        assert_eq!((order.len(), d.len()), (n, 1));
    }

    #[test]
    fn after_naming_a_draft_says_so() {
        let (_, d) = run(&["a - s drafty"]);
        assert!(d[0].contains("`drafty`, a draft that this build leaves out"), "{d:?}");
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
