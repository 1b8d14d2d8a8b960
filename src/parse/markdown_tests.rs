//! Tests of `markdown`: whole bodies rendered, their HTML, links, ids and diagnostics.

use super::*;

fn md(body: &str) -> (Rendered, Vec<String>) {
    let text = format!("+++\ntitle = \"x\"\n+++\n{body}");
    let lines = LineIndex::new(&text);
    let (r, d) = render("content/g/s.md", &text, 20, &lines, Settings::default());
    (r, d.iter().map(ToString::to_string).collect())
}

#[test]
fn raw_html_images_and_links_are_checked_where_written() {
    let (r, d) = md("<p><img src=\"a.png\"> <a href=\"javascript:x()\">j</a></p>\n\nSee <a href=\"s2.md\">two</a>.\n");
    let targets: Vec<(String, u32, u32)> = r.links.iter().map(|l| (l.written.clone(), l.pos.line, l.pos.col)).collect();
    // The body starts on line 4; `javascript:` is left to the sanitizer, which says so.
    assert_eq!(targets, [("a.png".to_string(), 4, 14), ("s2.md".to_string(), 6, 14)]);
    assert!(matches!(&r.links[0].target, LinkTarget::Asset { .. }), "{:?}", r.links[0].target);
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].contains("6:14") && d[0].contains("[raw-html-link]"), "{d:?}");
    assert!(
        d[1].starts_with("content/g/s.md:4:31: warning: raw HTML was sanitized: removed `<a href>` to `javascript:`"),
        "{d:?}"
    );
}

#[test]
fn footnote_ids_never_meet_heading_ids() {
    // A heading `1` once shared its id with the footnote `[^1]`.
    let (r, d) = md("## 1\n\nA note[^1] and another[^x].\n\n[^x]: Second.\n[^1]: First.\n");
    assert!(d.is_empty(), "{d:?}");
    assert!(r.html.contains("<h2 id=\"1\">"), "{}", r.html);
    assert!(r.html.contains("<a href=\"#fn:1\">1</a>"), "{}", r.html);
    assert!(r.html.contains("<a href=\"#fn:2\">2</a>"), "{}", r.html);
    assert!(r.html.contains("id=\"fn:1\"><sup class=\"footnote-definition-label\">1</sup>"), "{}", r.html);
    assert!(r.html.contains("id=\"fn:2\"><sup class=\"footnote-definition-label\">2</sup>"), "{}", r.html);
    assert_eq!(r.anchors, ["1", "fn:1", "fn:2"]);
}

#[test]
fn headings_get_unique_ids_and_a_toc() {
    let (r, _) = md("# Top\n## On a Mac\n## On a Mac\n### Custom {#mine}\n");
    assert!(
        r.html.contains("<h2 id=\"on-a-mac\">On a Mac <a class=\"heading-anchor\" href=\"#on-a-mac\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("id=\"on-a-mac-1\""));
    assert!(r.html.contains("id=\"mine\""));
    assert_eq!(r.anchors, vec!["top", "on-a-mac", "on-a-mac-1", "mine"]);
    let toc: Vec<_> = r.toc.iter().map(|t| (t.level, t.id.as_str())).collect();
    assert_eq!(toc, vec![(2, "on-a-mac"), (2, "on-a-mac-1"), (3, "mine")]);
}

#[test]
fn links_to_markdown_are_rewritten_and_recorded() {
    let (r, d) = md(
        "[a](other.md) [b](../h/step.md#x-y) [c](./) [d](_index.md) [e](pic.png) [f](#here) [g](https://e.org/x.md)\n",
    );
    assert!(d.is_empty(), "{d:?}");
    for href in [
        "href=\"other.html\"",
        "href=\"../h/step.html#x-y\"",
        "href=\"./index.html\"",
        "href=\"index.html\"",
        "href=\"pic.png\"",
        "href=\"#here\"",
        "href=\"https://e.org/x.md\"",
    ] {
        assert!(r.html.contains(href), "{href} in {}", r.html);
    }
    let targets: Vec<_> = r.links.iter().map(|l| l.target.clone()).collect();
    assert_eq!(
        targets,
        vec![
            LinkTarget::Page { source: "content/g/other.md".into(), anchor: None },
            LinkTarget::Page { source: "content/h/step.md".into(), anchor: Some("x-y".into()) },
            LinkTarget::Page { source: "content/g/_index.md".into(), anchor: None },
            LinkTarget::Page { source: "content/g/_index.md".into(), anchor: None },
            LinkTarget::Asset { source: "content/g/pic.png".into() },
            LinkTarget::Anchor("here".into()),
            LinkTarget::External("https://e.org/x.md".into()),
        ]
    );
    assert_eq!(r.links[1].pos, Pos::new(4, 15));
}

#[test]
fn escaping_links_are_errors_and_scripts_are_inert() {
    let (r, d) = md("[a](../../x.md) [b](/etc/passwd) [c](%2e%2e/%2e%2e/x.md) [d](..\\x.md) [e](JavaScript:alert(1)) [f](DATA:text/html,x)\n");
    assert_eq!(d.len(), 6, "{d:?}");
    assert!(d[0].starts_with("content/g/s.md:4:1: error: link `../../x.md` escapes the site"), "{}", d[0]);
    assert!(d[4].contains("warning") && d[4].contains("javascript"), "{}", d[4]);
    assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
}

#[test]
fn alerts_code_and_raw_html() {
    let (r, d) = md(
        "> [!WARNING]\n> Careful\n\n```rust\nfn x() {}\n```\n\n<img src=x onerror=alert(1)><script>alert(1)</script>\n",
    );
    assert!(
        r.html.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<pre class=\"code\" data-lang=\"rust\">"));
    assert!(!r.html.contains("onerror") && !r.html.contains("<script"), "{}", r.html);
    assert!(d.iter().any(|m| m.contains("raw-html-removed")), "{d:?}");
}

#[test]
fn sections_hold_plain_text() {
    let (r, _) = md("Intro *text*.\n\n## Next\nMore `code` here.\n");
    assert_eq!(r.sections[0].text, "Intro text.");
    assert_eq!(r.sections[1].heading.as_ref().unwrap().id, "next");
    assert_eq!(r.sections[1].text, "More code here.");
}

#[test]
fn raw_html_over_several_lines_or_in_capitals_is_checked() {
    let (r, d) = md("<p>\n<IMG\n  SRC=\"shot.png\"\n  alt=\"x\">\n<a\nhref=\"../h/\">h</a>\n</p>\n");
    let links: Vec<_> = r.links.iter().map(|l| (l.written.as_str(), l.pos.line, l.pos.col)).collect();
    assert_eq!(links, [("shot.png", 6, 8), ("../h/", 9, 7)]);
    assert!(matches!(&r.links[0].target, LinkTarget::Asset { source } if source == "content/g/shot.png"));
    assert_eq!(d.len(), 1, "{d:?}"); // `../h/` would stay a folder URL
    assert!(d[0].contains("[raw-html-link]"), "{d:?}");
}

#[test]
fn raw_html_keeps_table_alignment_and_app_links() {
    let (r, d) =
        md("| a | b |\n|--:|:-:|\n| 1<br>x | 2 |\n\n[Wi-Fi settings](ms-settings:network-wifi) <!-- TODO -->\n");
    assert!(d.is_empty(), "{d:?}");
    assert!(r.html.contains("<th style=\"text-align: right\">a</th>"), "{}", r.html);
    assert!(r.html.contains("<td style=\"text-align: center\">2</td>"), "{}", r.html);
    assert!(r.html.contains("href=\"ms-settings:network-wifi\""), "{}", r.html);
    assert!(!r.html.contains("TODO"), "{}", r.html);
}

#[test]
fn what_sanitizing_removes_is_named_where_it_is_written() {
    let (r, d) = md(
        "Intro.\n\n<a href=\"slack://open\" target=\"_blank\">s</a> <a href=\"made-up:x\">m</a>\n\n[n](made-up:y)\n",
    );
    assert!(r.html.contains("href=\"slack://open\""), "{}", r.html);
    assert!(!r.html.contains("target") && !r.html.contains("made-up"), "{}", r.html);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d[0].starts_with("content/g/s.md:8:1: warning: link `made-up:y` uses `made-up:`"), "{d:?}");
    assert!(d[0].ends_with("[unknown-scheme]"), "{d:?}");
    assert!(
        d[1].starts_with(
            "content/g/s.md:6:24: warning: raw HTML was sanitized: removed the `target` attribute of `<a>`"
        ),
        "{d:?}"
    );
    assert!(
        d[2].starts_with("content/g/s.md:6:55: warning: raw HTML was sanitized: removed `<a href>` to `made-up:`"),
        "{d:?}"
    );
}

#[test]
fn raw_script_text_stays_out_of_toc_ids_and_search() {
    let (r, _) = md("### A <script>x()</script>\n\nB <style>p{}</style> c\n");
    assert_eq!(r.toc[0].title, "A");
    assert_eq!(r.toc[0].id, "a");
    assert_eq!(r.sections[0].text, "B c");
    assert!(!r.html.contains("x()"), "{}", r.html);
}

#[test]
fn unclosed_raw_text_and_comments_are_errors() {
    for (body, what, line) in [
        ("Text.\n\n<style>\np { color: red }\n", "`<style>` is never closed", 6),
        ("- <textarea>\n\n  x\n\nAfter.\n", "`<textarea>` is never closed", 4),
        ("> <!-- note\n\nAfter.\n", "this HTML comment is never closed", 4),
    ] {
        for allow in [false, true] {
            let text = format!("+++\ntitle = \"x\"\n+++\n{body}");
            let lines = LineIndex::new(&text);
            let settings = Settings { allow_raw_html: allow, link_schemes: &[] };
            let (_, d) = render("content/g/s.md", &text, 20, &lines, settings);
            let e = d.iter().find(|d| d.code == Code::RawHtmlUnclosed).unwrap_or_else(|| panic!("{body}: {d:?}"));
            assert!(e.message.starts_with(what) && e.pos.line == line, "{body}: {e}");
        }
    }
    let (_, d) = md("<style>p{}</style>\n\n<TEXTAREA>x</textarea >\n");
    assert!(!d.iter().any(|d| d.contains("raw-html-unclosed")), "{d:?}");
}

#[test]
fn written_ids_win_over_automatic_and_theme_ids() {
    let (r, d) = md("## Setup\n\n## Main\n\n## Other {#setup}\n\n## Last {#main}\n\n## Attrs {.x data-x=1}\n");
    assert_eq!(r.anchors, ["setup-1", "main-1", "setup", "last", "attrs"]);
    let toc: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(toc, ["setup-1", "main-1", "setup", "last", "attrs"]);
    assert!(r.html.contains("<h2 id=\"setup\">Other <a class=\"heading-anchor\" href=\"#setup\""), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"attrs\" class=\"x\">"), "{}", r.html);
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].starts_with("content/g/s.md:12:10: warning: heading attribute `data-x=1` is not supported"), "{d:?}");
    assert!(
        d[1].starts_with("content/g/s.md:10:9: error: heading id `main` cannot be used: the theme uses it"),
        "{d:?}"
    );
}

#[test]
fn a_site_can_allow_its_own_link_schemes() {
    let text = "+++\ntitle = \"x\"\n+++\n[Open](steam://run/1) <a href=\"steam://run/2\">b</a>\n";
    let lines = LineIndex::new(text);
    let schemes = ["steam".to_string()];
    let (r, d) = render("content/g/s.md", text, 20, &lines, Settings { allow_raw_html: false, link_schemes: &schemes });
    assert!(d.is_empty(), "{d:?}");
    assert!(r.html.contains("href=\"steam://run/1\"") && r.html.contains("href=\"steam://run/2\""), "{}", r.html);
    let (r, d) = render("content/g/s.md", text, 20, &lines, Settings::default());
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(!r.html.contains("steam:"), "{}", r.html);
}

#[test]
fn sanitizing_keeps_all_of_remedys_own_markup() {
    let body = "> [!TIP]\n> Tip.\n\n## Head {.c}\n\nNote[^1].\n\n- [x] done\n\n| a |\n|:-:|\n| b |\n\n```sh\nls -l\n```\n\n[^1]: Foot.\n";
    let (plain, d) = md(body);
    assert!(d.is_empty(), "{d:?}");
    let (sanitized, d) = md(&format!("{body}\n<!-- raw HTML makes the page go through the sanitizer -->\n"));
    assert!(d.is_empty(), "{d:?}");
    let normalize = |h: &str| h.replace(" />", ">").replace("/>", ">").replace("&quot;", "\"").trim().to_string();
    assert_eq!(normalize(&sanitized.html), normalize(&plain.html));
}
