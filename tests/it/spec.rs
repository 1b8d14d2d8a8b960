//! The CommonMark 0.31.2 and GFM 0.29 spec examples (tests/spec/), each as the body of
//! a step, with and without `allow_raw_html`: remedy's HTML must be pulldown-cmark's
//! (same options) apart from what remedy changes on purpose, listed here:
//!
//! 1. Headings get an id and a link to themselves (`<h2 id="x">T <a class=
//!    "heading-anchor" ...>#</a></h2>`), and only `{#id}` and `{.class}` attributes
//!    are kept: compared without ids, anchors and other attributes.
//! 2. Link destinations go through `destination::classify`: `x.md` becomes `x.html`,
//!    and `javascript:`-like links, schemes not on the list and paths that leave
//!    `content/` become `#`. The reference applies the same function.
//! 3. Code blocks are highlighted (`<pre class="code" data-lang>`, `<span>`s):
//!    compared by their text.
//! 4. Without `allow_raw_html`, a body with raw HTML is sanitized: the reference is
//!    sanitized by the same function. `sanitizing_keeps_markdown_markup` checks that
//!    sanitizing never changes what Markdown itself produces.
//! 5. Smart punctuation is on in both (remedy always renders with it).
//! 6. remedy writes headings and code blocks as finished HTML, so one that opens a
//!    list item or block quote follows `<li>` with no line break: whitespace between
//!    tags is compared without line breaks.
//!
//! Examples that differ for another reason are listed in `KNOWN` with the reason; a
//! difference not listed fails the test.

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag};
use remedy::model::SourceFile;
use remedy::parse::destination::{classify, Classified};
use remedy::parse::{markdown, parse_page, sanitize};

use crate::support::{repo_root, strip_tags};

/// Differences other than the on-purpose ones: (spec, example number, why).
const KNOWN: &[(&str, usize, &str)] = &[];

struct Example {
    spec: &'static str,
    number: usize,
    markdown: String,
}

fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for spec in ["commonmark-0.31.2.txt", "gfm-0.29.txt"] {
        let text = std::fs::read_to_string(repo_root().join("tests/spec").join(spec)).expect("spec file");
        let fence = "`".repeat(32);
        let mut lines = text.lines();
        let mut number = 0;
        while let Some(line) = lines.next() {
            if !(line.starts_with(&fence) && line[32..].trim_start().starts_with("example")) {
                continue;
            }
            number += 1;
            let mut markdown = String::new();
            for l in lines.by_ref() {
                if l == "." {
                    break;
                }
                markdown.push_str(l);
                markdown.push('\n');
            }
            for l in lines.by_ref() {
                if l.starts_with(&fence) {
                    break;
                }
            }
            out.push(Example { spec, number, markdown: markdown.replace('→', "\t") });
        }
    }
    out
}

/// remedy's body HTML for `markdown` as a step.
fn remedy_html(markdown: &str, allow_raw_html: bool) -> String {
    let text = format!("+++\ntitle = \"Example\"\n+++\n{markdown}");
    let settings = markdown::Settings { allow_raw_html, link_schemes: &[], smart_punctuation: false, snippets: None };
    let (page, _) = parse_page(&SourceFile { path: "content/g/s.md".into(), text }, settings);
    page.expect("a step").body.html.clone()
}

/// pulldown-cmark's HTML, with remedy's link rewriting and sanitizing.
fn reference_html(markdown: &str, allow_raw_html: bool) -> String {
    let mut raw = false;
    let events: Vec<Event> = Parser::new_ext(markdown, markdown::options())
        .map(|e| match e {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Link { link_type, dest_url: rewrite(link_type, dest_url, false), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Image { link_type, dest_url: rewrite(link_type, dest_url, true), title, id })
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                raw = true;
                e
            }
            e => e,
        })
        .collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if raw && !allow_raw_html {
        html = sanitize::clean(&html, &[]);
    }
    html
}

/// A link destination as remedy writes it (on-purpose difference 2).
fn rewrite(link_type: LinkType, dest: CowStr<'_>, image: bool) -> CowStr<'_> {
    if link_type == LinkType::Email {
        return dest;
    }
    match classify("content/g/s.md", &dest, image, &[]) {
        Ok(Classified::External) => dest,
        Ok(Classified::Internal { href, .. }) => href.map_or(dest, Into::into),
        Err(_) => "#".into(),
    }
}

/// Removes the on-purpose differences 1 and 3 from either side.
fn normalize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.len() == 2 && name.starts_with('h') && name[1..].parse::<u8>().is_ok_and(|n| (1..=6).contains(&n)) {
            // `<hN ...>`: only the class attribute.
            out.push_str(&format!("<{name}"));
            if let Some(c) = tag.find(" class=\"") {
                let v = &tag[c + 8..];
                out.push_str(&format!(" class=\"{}\"", &v[..v.find('"').unwrap_or(v.len())]));
            }
            out.push('>');
            rest = &rest[end..];
        } else if tag.starts_with("<a class=\"heading-anchor\"") {
            let close = rest.find("</a>").map_or(rest.len(), |e| e + 4);
            if out.ends_with(' ') {
                out.pop();
            }
            rest = &rest[close..];
        } else if name == "pre" {
            // Code: its text only.
            let close = rest.find("</pre>").map_or(rest.len(), |e| e + 6);
            let inner = &rest[end..close.saturating_sub(6).max(end)];
            out.push_str("<pre>");
            out.push_str(&strip_tags(inner));
            out.push_str("</pre>");
            rest = &rest[close..];
        } else {
            out.push_str(tag);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out.replace(">\n<", "><").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'")
}

#[test]
fn spec_examples_render_as_pulldown_cmark_renders_them() {
    let examples = examples();
    assert_eq!(examples.iter().filter(|e| e.spec.starts_with("commonmark")).count(), 652);
    assert_eq!(examples.iter().filter(|e| e.spec.starts_with("gfm")).count(), 673);
    let mut failures = Vec::new();
    let mut known_seen = Vec::new();
    for e in &examples {
        for allow in [true, false] {
            let actual = normalize(&remedy_html(&e.markdown, allow));
            let expected = normalize(&reference_html(&e.markdown, allow));
            if actual != expected {
                if KNOWN.iter().any(|(s, n, _)| *s == e.spec && *n == e.number) {
                    known_seen.push((e.spec, e.number));
                    continue;
                }
                failures.push(format!(
                    "{} example {} (allow_raw_html = {allow}):\n--- markdown\n{}--- expected\n{expected}--- actual\n{actual}",
                    e.spec, e.number, e.markdown
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
    for (spec, number, _) in KNOWN {
        assert!(
            known_seen.contains(&(spec, *number)),
            "{spec} example {number} is listed in KNOWN but renders the same"
        );
    }
}

/// Sanitizing never changes what Markdown itself produces: every spec example's HTML,
/// without its raw HTML, comes through ammonia the same (once both are serialized alike).
#[test]
fn sanitizing_keeps_markdown_markup() {
    let mut failures = Vec::new();
    for e in examples() {
        // Links as remedy writes them (a scheme off the list is `#` before sanitizing).
        let events = Parser::new_ext(&e.markdown, markdown::options())
            .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
            .map(|e| match e {
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    Event::Start(Tag::Link { link_type, dest_url: rewrite(link_type, dest_url, false), title, id })
                }
                e => e,
            });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        let clean = sanitize::clean(&html, &[]);
        if serialized(&html) != serialized(&clean) {
            failures.push(format!("{} example {}:\n{}\n{}", e.spec, e.number, serialized(&html), serialized(&clean)));
        }
    }
    assert!(failures.is_empty(), "{} difference(s):\n{}", failures.len(), failures.join("\n"));
}

/// Writes HTML as html5ever's serializer does (ammonia's output): void tags without
/// `/`, `"` as text, a no-break space as `&nbsp;`.
fn serialized(html: &str) -> String {
    html.replace(" />", ">")
        .replace("/>", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace('\u{a0}', "&nbsp;")
        .trim_end()
        .to_string()
}
