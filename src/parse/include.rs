//! Text written once and used in many pages: a shared snippet under `content/_shared/`
//! ("Open Settings, then tap your name") included where a page says so.
//!
//! The include is a paragraph that is only a link to the snippet, with the title
//! `"include"`: `[Open Settings](../_shared/open-settings.md "include")`. GitHub's
//! preview shows it as a link to the snippet, which is what a reviewer wants; remedy
//! puts the snippet's text in its place. The snippet is rendered as itself: its links
//! are relative to it, its diagnostics are at its own lines, and it may include other
//! snippets (a cycle is an error naming the chain). A step used in several guides is a
//! small step file in each guide (its own title, order and risk) that includes the
//! shared text.

use crate::diagnostics::{Code, Diagnostic, LineIndex};
use crate::model::{Rendered, Section};
use crate::parse::markdown::{self, Settings};

/// Where shared snippets live, under `content/`.
pub const SHARED: &str = "content/_shared/";

pub use crate::parse::markdown::Snippets;

/// Renders the body of `source` (from `body_offset` in `text`) with its includes.
pub fn render(
    source: &str,
    text: &str,
    body_offset: usize,
    lines: &LineIndex<'_>,
    settings: Settings<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut chain = vec![source.to_string()];
    render_with(source, text, body_offset, lines, settings, &mut chain)
}

fn render_with(
    source: &str,
    text: &str,
    body_offset: usize,
    lines: &LineIndex<'_>,
    settings: Settings<'_>,
    chain: &mut Vec<String>,
) -> (Rendered, Vec<Diagnostic>) {
    let includes = find(text, body_offset);
    if includes.is_empty() {
        return markdown::render(source, text, body_offset, lines, settings);
    }
    let mut out = Rendered::default();
    let mut diagnostics = Vec::new();
    let mut from = body_offset;
    for include in includes {
        let (part, d) = markdown::render(source, &text[..include.start], from, lines, settings);
        append(&mut out, part, None);
        diagnostics.extend(d);
        from = include.end;
        let pos = lines.pos(include.target_at);
        let Some(target) = crate::parse::destination::file_of(source, &include.target) else {
            let message = format!("`{}` is not a snippet: includes name a file under content/_shared/", include.target);
            diagnostics.push(Diagnostic::error(source, pos, Code::IncludeError, message));
            continue;
        };
        let Some(snippet) = settings.snippets.and_then(|s| s.get(&target)) else {
            let message = if target.starts_with(SHARED) {
                format!("includes `{}`, but {target} does not exist", include.target)
            } else {
                format!("`{}` is not a snippet: included files live under content/_shared/", include.target)
            };
            diagnostics.push(Diagnostic::error(source, pos, Code::IncludeError, message));
            continue;
        };
        if chain.contains(&target) {
            let message = format!("includes form a cycle: {} -> {target}", chain.join(" -> "));
            diagnostics.push(Diagnostic::error(source, pos, Code::IncludeError, message));
            continue;
        }
        chain.push(target.clone());
        let snippet_lines = LineIndex::new(snippet);
        let (part, d) = render_with(&target, snippet, 0, &snippet_lines, settings, chain);
        chain.pop();
        append(&mut out, part, Some(&target));
        diagnostics.extend(d);
    }
    let (part, d) = markdown::render(source, text, from, lines, settings);
    append(&mut out, part, None);
    diagnostics.extend(d);
    (out, diagnostics)
}

/// Adds `part` after `out`: its text after the last section's (when it starts without
/// a heading), its links marked with the file they are written in.
fn append(out: &mut Rendered, part: Rendered, file: Option<&str>) {
    out.html.push_str(&part.html);
    out.toc.extend(part.toc);
    out.anchors.extend(part.anchors);
    out.links.extend(part.links.into_iter().map(|mut l| {
        if l.in_file.is_none() {
            l.in_file = file.map(str::to_string);
        }
        l
    }));
    let mut sections = part.sections.into_iter();
    if let Some(first) = sections.next() {
        match out.sections.last_mut() {
            Some(last) if first.heading.is_none() => {
                if !last.text.is_empty() && !first.text.is_empty() {
                    last.text.push(' ');
                }
                last.text.push_str(&first.text);
            }
            _ => out.sections.push(first),
        }
    }
    out.sections.extend(sections);
    if out.sections.is_empty() {
        out.sections.push(Section::default());
    }
}

/// An include line: the byte range of the line, and the target as written.
struct Include {
    start: usize,
    end: usize,
    target: String,
    target_at: usize,
}

/// The include lines of `text[from..]`: a paragraph of its own (blank lines around it)
/// that is only `[text](target "include")`, outside fenced code.
fn find(text: &str, from: usize) -> Vec<Include> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut at = from;
    let mut previous_blank = true;
    let lines: Vec<&str> = text[from..].split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let start = at;
        at += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if indent <= 3 {
            let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
            if let Some(c) = marker {
                let run = trimmed.chars().take_while(|x| *x == c).count();
                if run >= 3 {
                    match fence {
                        None => fence = Some((c, run)),
                        Some((open, len)) if open == c && run >= len && trimmed.trim_end().chars().all(|x| x == c) => {
                            fence = None
                        }
                        _ => {}
                    }
                    previous_blank = false;
                    continue;
                }
            }
        }
        let blank = line.trim().is_empty();
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        if fence.is_none() && indent <= 3 && previous_blank && next_blank {
            if let Some((target, offset)) = include_target(trimmed.trim_end()) {
                out.push(Include { start, end: at, target, target_at: start + indent + offset });
            }
        }
        previous_blank = blank;
    }
    out
}

/// `[text](target "include")` -> the target and its offset in `line`.
fn include_target(line: &str) -> Option<(String, usize)> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find("](")?;
    let inner = &rest[close + 2..];
    let inner = inner.strip_suffix(')')?;
    let (target, title) = inner.split_once(' ')?;
    if title.trim() != "\"include\"" || target.is_empty() {
        return None;
    }
    let target_trim = target.trim_start_matches('<').trim_end_matches('>');
    Some((target_trim.to_string(), 1 + close + 2 + usize::from(target.starts_with('<'))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;
    use crate::model::LinkTarget;

    fn snippets() -> Snippets {
        let mut s = Snippets::new();
        s.insert("content/_shared/settings.md".into(), "Open **Settings**, then [your name](../g/name.md).\n".into());
        s.insert("content/_shared/outer.md".into(), "Before.\n\n[x](inner.md \"include\")\n\nAfter.\n".into());
        s.insert("content/_shared/inner.md".into(), "Inner [bad](missing.md).\n".into());
        s.insert("content/_shared/loop-a.md".into(), "[b](loop-b.md \"include\")\n".into());
        s.insert("content/_shared/loop-b.md".into(), "[a](loop-a.md \"include\")\n".into());
        s
    }

    fn run(body: &str) -> (Rendered, Vec<String>) {
        let snippets = snippets();
        let settings = Settings { snippets: Some(&snippets), ..Settings::default() };
        let lines = LineIndex::new(body);
        let (r, d) = render("content/g/s.md", body, 0, &lines, settings);
        (r, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_snippet_is_rendered_in_place_with_its_own_links() {
        let (r, d) = run("First.\n\n[Open Settings](../_shared/settings.md \"include\")\n\n## Then\n\nLast.\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(
            r.html.starts_with("<p>First.</p>\n<p>Open <strong>Settings</strong>, then <a href=\"../g/name.html\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"then\""), "{}", r.html);
        let link = &r.links[0];
        assert_eq!(link.target, LinkTarget::Page { source: "content/g/name.md".into(), anchor: None });
        assert_eq!((link.in_file.as_deref(), link.pos), (Some("content/_shared/settings.md"), Pos::new(1, 25)));
        assert!(r.sections[0].text.starts_with("First. Open Settings"), "{:?}", r.sections);
    }

    #[test]
    fn nested_snippets_cycles_and_missing_ones() {
        let (r, d) = run("[o](/_shared/outer.md \"include\")\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(r.html.contains("Inner") && r.html.contains("After."), "{}", r.html);
        assert_eq!(r.links[0].in_file.as_deref(), Some("content/_shared/inner.md"));

        let (_, d) = run("[a](../_shared/loop-a.md \"include\")\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("content/_shared/loop-b.md:1:5: error: includes form a cycle: content/g/s.md -> content/_shared/loop-a.md -> content/_shared/loop-b.md -> content/_shared/loop-a.md"), "{d:?}");

        let (_, d) = run("Text.\n\n[n](../_shared/nope.md \"include\")\n");
        assert_eq!(d, ["content/g/s.md:3:5: error: includes `../_shared/nope.md`, but content/_shared/nope.md does not exist [include-error]"]);
    }

    #[test]
    fn only_a_paragraph_of_its_own_outside_code_is_an_include() {
        for body in [
            "Text\n[o](../_shared/settings.md \"include\")\n",
            "```\n[o](../_shared/settings.md \"include\")\n```\n",
            "[o](../_shared/settings.md \"other title\")\n",
        ] {
            let (r, d) = run(body);
            assert!(d.is_empty() && !r.html.contains("<strong>Settings"), "{body}: {}", r.html);
        }
    }
}
