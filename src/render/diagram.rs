//! A guide's flow diagram, laid out at build time: one box per step in order (risk by
//! colour class and by text), arrows from each step to the next, and each branch as a
//! curved edge to its target (a step or the help section). This module computes only
//! positions and labels (a [`Diagram`]); the theme's `macros.html` draws it as inline
//! SVG, so every title reaches the page through Tera's escaping and no script runs.

use serde::Serialize;

use crate::lang::strings::Strings;
use crate::model::{BranchTarget, Guide};
use crate::render::pages::{guide_path, relative, step_path};

/// Box size and spacing, in SVG user units.
const X: u32 = 10;
const W: u32 = 300;
const H: u32 = 48;
const GAP: u32 = 26;
/// Titles longer than this are cut (the full title is the box's `<title>`).
const MAX_TITLE: usize = 32;

#[derive(Serialize, Debug)]
pub struct Diagram {
    pub width: u32,
    pub height: u32,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Serialize, Debug)]
pub struct Node {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// Step number, or `None` for the help box.
    pub number: Option<usize>,
    pub title: String,
    pub short_title: String,
    /// `safe`, `caution`, `destructive`, or `help`.
    pub risk: &'static str,
    /// "Safe · 5 min", said in text so colour is not the only cue.
    pub detail: String,
    pub url: String,
}

#[derive(Serialize, Debug)]
pub struct Edge {
    /// An SVG path.
    pub d: String,
    /// `next` or `branch`.
    pub kind: &'static str,
    /// A branch's condition ("No computer?"); empty for `next`.
    pub label: String,
}

fn shorten(title: &str) -> String {
    if title.chars().count() <= MAX_TITLE {
        return title.to_string();
    }
    let cut: String = title.chars().take(MAX_TITLE - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The diagram of `guide` for the page at output path `from`.
pub fn diagram(guide: &Guide, from: &str, t: &Strings) -> Diagram {
    let y_of = |i: usize| 10 + i as u32 * (H + GAP);
    let mut nodes: Vec<Node> = guide
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let risk = s.meta.risk.value;
            let mut detail = t.risk(risk).to_string();
            if let Some(time) = &s.meta.time {
                detail.push_str(&format!(" · {}", t.duration(time)));
            }
            if let Some(w) = &s.meta.wait {
                detail.push_str(&format!(" + {}", t.fill("diagram_wait", &[("time", &t.duration(w))])));
            }
            Node {
                x: X,
                y: y_of(i),
                w: W,
                h: H,
                number: Some(s.number),
                title: s.meta.title.clone(),
                short_title: format!("{}. {}", s.number, shorten(&s.meta.title)),
                risk: risk.as_str(),
                detail,
                url: relative(from, &step_path(&guide.slug, &s.slug)),
            }
        })
        .collect();
    let help = guide.steps.len();
    let has_help = guide.help_anchor.is_some();
    if has_help {
        nodes.push(Node {
            x: X,
            y: y_of(help),
            w: W,
            h: H,
            number: None,
            title: t.get("diagram_help").to_string(),
            short_title: t.get("diagram_help").to_string(),
            risk: "help",
            detail: t.get("ask_for_help").to_string(),
            url: format!("{}#{}", relative(from, &guide_path(&guide.slug)), crate::resolve::HELP_ANCHOR),
        });
    }
    let mut edges = Vec::new();
    let last = if has_help { help } else { help.saturating_sub(1) };
    for i in 0..last {
        let (x, y1, y2) = (X + W / 2, y_of(i) + H, y_of(i + 1) - 4);
        edges.push(Edge { d: format!("M {x} {y1} L {x} {y2}"), kind: "next", label: String::new() });
    }
    let mut lane = 0;
    for (i, s) in guide.steps.iter().enumerate() {
        for b in &s.branches {
            let j = match b.target {
                BranchTarget::Step(j) => j,
                BranchTarget::Help if has_help => help,
                BranchTarget::Help => continue,
            };
            lane += 1;
            let out = X + W + 8 + 12 * (lane % 6) as u32;
            let (x, y1, y2) = (X + W, y_of(i) + H / 2 - 6, y_of(j) + H / 2 + 6);
            let d = format!("M {x} {y1} C {out} {y1}, {out} {y2}, {} {y2}", x + 4);
            edges.push(Edge { d, kind: "branch", label: b.when.clone() });
        }
    }
    let rows = nodes.len() as u32;
    Diagram { width: X + W + 90, height: if rows == 0 { 0 } else { 10 + rows * (H + GAP) - GAP + 10 }, nodes, edges }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut() {
        assert_eq!(shorten("Short"), "Short");
        let long = shorten("Delete the old iCloud backup and start a new one");
        assert!(long.ends_with('…') && long.chars().count() <= MAX_TITLE, "{long}");
    }
}
