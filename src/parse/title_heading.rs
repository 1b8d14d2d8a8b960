//! A body that starts with a level-1 heading repeating the page's title (every DocFX
//! and many wiki articles do): the theme already shows the title as the page's one
//! H1, so the repeat is left out of the page and its table of contents, and a warning
//! says where it is. Its id stays on the page, so links to it still land.

use crate::diagnostics::{Code, Diagnostic, LineIndex};
use crate::model::Rendered;

/// Drops `body`'s first heading when it is an H1 that says `title` again (case and
/// surrounding spaces aside), and returns the warning. `text` is the whole file, the
/// body starting at `body_offset`.
pub fn drop_repeated_title(
    source: &str,
    title: &str,
    body: &mut Rendered,
    text: &str,
    body_offset: usize,
    lines: &LineIndex<'_>,
) -> Option<Diagnostic> {
    let first = body.sections.iter().find_map(|s| s.heading.as_ref())?;
    if first.level != 1 || !same(&first.title, title) || title.trim().is_empty() {
        return None;
    }
    let id = first.id.clone();
    let open = format!("<h1 id=\"{}\"", escape(&id));
    let start = body.html.find(&open)?;
    let end = body.html[start..].find("</h1>\n").map(|e| start + e + "</h1>\n".len())?;
    body.html.replace_range(start..end, &format!("<span id=\"{}\"></span>\n", escape(&id)));
    body.toc.retain(|t| t.id != id);
    let at = heading_line(text, body_offset).unwrap_or(body_offset);
    let message = format!(
        "the body starts with a heading that repeats the title (\"{title}\"); the page shows the title already, so this heading is left out: remove it"
    );
    Some(Diagnostic::warning(source, lines.pos(at), Code::TitleHeading, message))
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// Where the body's first `# ` heading line (or setext `===` title) starts.
fn heading_line(text: &str, body_offset: usize) -> Option<usize> {
    let mut at = body_offset;
    let mut previous: Option<usize> = None;
    for line in text[body_offset..].split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() <= 3 && (trimmed.starts_with("# ") || trimmed.trim_end() == "#") {
            return Some(at);
        }
        if trimmed.trim_end().chars().all(|c| c == '=') && !trimmed.trim().is_empty() {
            return previous;
        }
        if !line.trim().is_empty() {
            previous = Some(at);
        }
        at += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::{self, Settings};

    fn run(text: &str, title: &str) -> (Rendered, Option<String>) {
        let lines = LineIndex::new(text);
        let settings = Settings { allow_raw_html: false, link_schemes: &[], smart_punctuation: false, snippets: None };
        let (mut body, _) = markdown::render("content/g/s.md", text, 0, &lines, settings);
        let d = drop_repeated_title("content/g/s.md", title, &mut body, text, 0, &lines);
        (body, d.map(|d| d.to_string()))
    }

    #[test]
    fn a_repeated_title_is_left_out_and_named() {
        let (body, d) = run("\n# Fix Wi-Fi drops \n\nText.\n\n## Method 1\n", "Fix Wi-Fi drops");
        assert!(d
            .unwrap()
            .starts_with("content/g/s.md:2:1: warning: the body starts with a heading that repeats the title"));
        assert!(!body.html.contains("<h1"), "{}", body.html);
        assert!(body.html.contains("<span id=\"fix-wi-fi-drops\"></span>"), "{}", body.html);
        assert_eq!(body.toc.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["method-1"]);
        assert!(body.anchors.contains(&"fix-wi-fi-drops".to_string()));
        let (_, d) = run("Intro.\n\nFix Wi-Fi drops\n===\n", "fix wi-fi drops");
        assert!(d.unwrap().starts_with("content/g/s.md:3:1:"));
    }

    #[test]
    fn other_first_headings_stay() {
        for (text, title) in [("# Something else\n", "Title"), ("## Title\n", "Title"), ("Text\n", "Title")] {
            let (body, d) = run(text, title);
            assert!(d.is_none(), "{text}");
            assert_eq!(body.html.contains("<h"), text.starts_with('#'), "{text}");
        }
    }
}
