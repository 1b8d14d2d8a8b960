//! Sanitizing raw HTML in Markdown bodies with ammonia.
//!
//! Only bodies that contain raw HTML are sanitized (most do not), so the cost is
//! paid where it is needed. The allow-list keeps everything remedy's own Markdown
//! rendering produces (classes, ids, task-list checkboxes) and drops scripts, event
//! handlers, frames and `javascript:` URLs.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use ammonia::Builder;

fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = Builder::default();
        b.add_tags(["input", "details", "summary", "section"])
            .add_generic_attributes(["class", "id", "role", "aria-label", "aria-hidden", "title", "data-lang"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .link_rel(None);
        b
    })
}

thread_local! {
    /// What [`urls`]'s builder saw, for the thread that runs it.
    static SEEN: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The `<img src>` and `<a href>` URLs in a fragment of raw HTML, as (element, URL),
/// in order: read by ammonia's parser (the fragment's output is not used).
pub fn urls(html: &str) -> Vec<(String, String)> {
    static READER: OnceLock<Builder<'static>> = OnceLock::new();
    let reader = READER.get_or_init(|| {
        let mut b = Builder::default();
        b.attribute_filter(|element, attribute, value| {
            if matches!((element, attribute), ("img", "src") | ("a", "href")) {
                SEEN.with_borrow_mut(|seen| seen.push((element.to_string(), value.to_string())));
            }
            Some(Cow::Borrowed(value))
        });
        b
    });
    let _ = reader.clean(html);
    SEEN.with_borrow_mut(std::mem::take)
}

/// Returns the cleaned HTML and a description of what was removed
/// (`<script>`, `onerror`), in order of first appearance, each once.
pub fn clean(html: &str) -> (String, Vec<String>) {
    let b = builder();
    let cleaned = b.clean(html).to_string();
    (cleaned, removed(html))
}

/// Tag names and attributes in `html` that the allow-list drops. A scan, not a parse:
/// it names what a contributor wrote so the warning can say what went.
fn removed(html: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &[
        "a",
        "abbr",
        "acronym",
        "area",
        "article",
        "aside",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "li",
        "map",
        "mark",
        "nav",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "rtc",
        "ruby",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "time",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    ];
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices('<') {
        let name: String = lower[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !name.is_empty()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
            && !ALLOWED.contains(&name.as_str())
        {
            let item = format!("<{name}>");
            if seen.insert(item.clone()) {
                out.push(item);
            }
        }
        // Attributes of this tag: event handlers and script URLs.
        let end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
        let tag = &lower[i..end];
        for (j, _) in tag.match_indices("on") {
            let before = tag.as_bytes().get(j.wrapping_sub(1)).copied().unwrap_or(b'x');
            if before.is_ascii_whitespace() || before == b'/' || before == b'"' || before == b'\'' {
                let attr: String = tag[j..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                if attr.len() > 2 && tag[j + attr.len()..].trim_start().starts_with('=') && seen.insert(attr.clone()) {
                    out.push(attr);
                }
            }
        }
        if tag.contains("javascript:") && seen.insert("javascript: URL".into()) {
            out.push("javascript: URL".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_and_handlers_and_says_so() {
        let (clean, removed) =
            clean("<p>ok</p><img src=x onerror=alert(1)><script>alert(2)</script><iframe src=y></iframe>");
        assert!(!clean.contains("script") && !clean.contains("onerror") && !clean.contains("iframe"), "{clean}");
        assert!(clean.contains("<p>ok</p>"));
        assert_eq!(removed, vec!["onerror", "<script>", "<iframe>"]);
    }

    #[test]
    fn keeps_what_remedy_renders() {
        let html = "<h2 id=\"a\">A <a class=\"heading-anchor\" href=\"#a\" aria-label=\"Link\">#</a></h2><pre class=\"code\" data-lang=\"rust\"><code><span class=\"hl-x\">x</span></code></pre><ul><li><input disabled=\"\" type=\"checkbox\"/> t</li></ul>";
        let (clean, removed) = clean(html);
        assert!(removed.is_empty(), "{removed:?}");
        for part in
            ["id=\"a\"", "class=\"heading-anchor\"", "data-lang=\"rust\"", "class=\"hl-x\"", "type=\"checkbox\""]
        {
            assert!(clean.contains(part), "{part} in {clean}");
        }
    }
}
