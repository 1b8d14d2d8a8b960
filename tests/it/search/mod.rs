//! Search in a real browser (headless Chromium, see `browser`): the built site is
//! opened from `file://` and over http from a subfolder under a strict CSP; a
//! search shows results, the keyboard opens one, a hostile corpus and query run
//! nothing, and search can be turned off. `queries`: the labelled queries of
//! tests/search_queries*.toml find their page, and synonyms, phrases and grouped
//! sections on a site made for them. `benchmark` (ignored; run by benches/search.sh)
//! measures a big site.
//!
//! Test pages are copies of built pages (`t-*.html`) that also load a guard
//! script and, for the query runner, [`RUN_JS`]; they use search.js exactly as
//! a reader's browser does. The helpers here (a runner page, its results) are shared
//! with `search_languages`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::browser::{file_url, guarded_copy, serve, Browser, Page};
use crate::support::{build, diagnostics_text, repo_root, strip_tags};

mod benchmark;
mod queries;

pub use queries::{run_labelled, step, write_site};

/// Runs `window.__tQueries` through `remedySearch.search`, one after another;
/// writes `[{q, urls, more, ms, cold, files}]` as JSON into `<pre id="t-out">`, and
/// POSTs it to `__result` when `window.__tPost` is set. With `window.__tWarm`,
/// each query runs twice and `ms` times the second (index already loaded).
const RUN_JS: &str = r#"(function () {
  var qs = window.__tQueries || [];
  var out = [];
  function done() {
    var json = JSON.stringify(out);
    var pre = document.createElement('pre');
    pre.id = 't-out';
    pre.textContent = json;
    document.body.appendChild(pre);
    if (window.__tPost) {
      var x = new XMLHttpRequest();
      x.open('POST', '__result');
      x.send(json);
    }
  }
  function urls(rs) { return rs.map(function (r) { return r.url; }); }
  function more(rs) {
    return rs.map(function (r) { return (r.sections || []).map(function (s) { return s.url; }); });
  }
  function one(i) {
    if (i >= qs.length) return done();
    var q = qs[i];
    var t0 = performance.now();
    window.remedySearch.search(q, 10).then(function (rs) {
      var cold = performance.now() - t0;
      var files = window.remedySearch.loaded();
      if (!window.__tWarm) {
        out.push({ q: q, urls: urls(rs), more: more(rs), ms: cold, cold: cold, files: files });
        return one(i + 1);
      }
      var t1 = performance.now();
      return window.remedySearch.search(q, 10).then(function (rs2) {
        out.push({ q: q, urls: urls(rs2), more: more(rs2), ms: performance.now() - t1, cold: cold, files: files });
        one(i + 1);
      });
    }).catch(function (e) {
      out.push({ q: q, urls: [], error: String(e && e.message || e) });
      one(i + 1);
    });
  }
  window.addEventListener('load', function () { one(0); });
})();
"#;

#[derive(Debug, Deserialize)]
pub struct Ran {
    pub q: String,
    pub urls: Vec<String>,
    /// Each result's other matching sections (URLs), grouped under it.
    #[serde(default)]
    pub more: Vec<Vec<String>>,
    #[serde(default)]
    pub ms: f64,
    #[serde(default)]
    pub cold: f64,
    #[serde(default)]
    pub files: Vec<String>,
    pub error: Option<String>,
}

/// Builds the bundled guide into a temporary folder; returns it and the output path.
fn build_bundled() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outcome = build(&repo_root(), &out);
    assert!(outcome.diagnostics.is_empty(), "{}", diagnostics_text(&outcome));
    (dir, out)
}

/// Writes a query-runner page `t-NAME.html` (a copy of search.html) for `queries`.
pub fn runner_page(site: &Path, name: &str, queries: &[String], post: bool, warm: bool) -> String {
    runner_page_at(site, "search.html", name, queries, post, warm)
}

/// Like [`runner_page`], from the search page `search_page` (a path in `site`, such
/// as `fr/search.html`): the runner is written beside it, and its path returned.
pub fn runner_page_at(
    site: &Path,
    search_page: &str,
    name: &str,
    queries: &[String],
    post: bool,
    warm: bool,
) -> String {
    let data = format!(
        "window.__tQueries = {};\nwindow.__tPost = {post};\nwindow.__tWarm = {warm};\n",
        serde_json::to_string(queries).unwrap()
    );
    let folder = search_page.rsplit_once('/').map_or("", |(dir, _)| dir);
    let dir = site.join(folder);
    std::fs::write(dir.join(format!("t-{name}-data.js")), data).unwrap();
    std::fs::write(dir.join("t-run.js"), RUN_JS).unwrap();
    let page = format!("t-{name}.html");
    guarded_copy(site, search_page, &page, &[&format!("t-{name}-data.js"), "t-run.js"]);
    if folder.is_empty() {
        page
    } else {
        format!("{folder}/{page}")
    }
}

/// The runner's output in a page.
pub fn ran(page: &Page) -> Vec<Ran> {
    let json = page.text_of("t-out").unwrap_or_else(|| panic!("the runner wrote no output:\n{}", page.dom));
    serde_json::from_str(&json).unwrap()
}

pub fn assert_no_errors(page: &Page, what: &str) {
    let errors = page.errors();
    assert!(errors.is_empty(), "{what}: errors in the page: {errors:?}\nconsole: {:?}", page.console);
}

/// The results a search page shows: (href, text) of each `a.search-result`.
pub fn results(dom: &str) -> Vec<(String, String)> {
    dom.match_indices("<a class=\"search-result\" href=\"")
        .map(|(i, m)| {
            let rest = &dom[i + m.len()..];
            let href = rest[..rest.find('"').unwrap()].to_string();
            let end = rest.find("</a>").unwrap();
            let text: String = strip_tags(&rest[..end]);
            (crate::browser::unescape(&href), crate::browser::unescape(&text))
        })
        .collect()
}

#[test]
fn search_page_shows_results_from_disk() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, site) = build_bundled();
    guarded_copy(&site, "search.html", "t-search.html", &[]);
    let page = browser.open(&format!("{}?q=wifi", file_url(&site.join("t-search.html"))), 10_000);
    assert_no_errors(&page, "search.html?q=wifi from disk");
    let found = results(&page.dom);
    assert!(!found.is_empty(), "no results:\n{}", page.dom);
    let (href, text) = &found[0];
    assert_eq!(href, "icloud-backup/try-a-different-network.html#use-another-wi-fi-network");
    for part in ["iCloud Backup keeps failing", "Step 4", "Safe", "Try a different Wi-Fi network", "› Use another"] {
        assert!(text.contains(part), "{part:?} missing from the first result: {text}");
    }
    assert!(page.dom.contains("<mark>Wi-Fi</mark>"), "the match is highlighted:\n{}", page.dom);
    assert!(page.dom.contains("results for “wifi”"), "the status echoes the query");
    assert!(page.dom.contains("value=\"wifi\"") || page.dom.contains("id=\"search-page-q\""));
    // Reading a page loads no index.
    guarded_copy(&site, "icloud-backup/restart-your-iphone.html", "t-read.html", &[]);
    let read = browser.open(&file_url(&site.join("icloud-backup/t-read.html")), 5_000);
    assert_no_errors(&read, "a step page");
    assert!(!read.dom.contains("search/index.js") && !read.dom.contains("search/s-"), "{}", read.dom);
    // The header box is shown once the script runs, except on search.html, which has
    // its own (one search box a page).
    assert!(!read.dom.contains("aria-label=\"Site\" hidden"), "the header box stays hidden:\n{}", read.dom);
    assert!(page.dom.contains("role=\"search\" aria-label=\"Site\" hidden"), "search.html shows two boxes");
}

#[test]
fn search_works_over_http_from_a_subfolder_under_a_strict_csp() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, site) = build_bundled();
    guarded_copy(&site, "search.html", "t-search.html", &[]);
    let base = serve(site.clone(), "docs/help").0;
    let page = browser.open(&format!("{base}t-search.html?q=%22could+not+be+completed%22"), 10_000);
    assert_no_errors(&page, "over http");
    let found = results(&page.dom);
    assert!(!found.is_empty(), "no results:\n{}", page.dom);
    assert!(found.iter().take(3).any(|(h, _)| h == "icloud-backup/index.html"), "{found:?}");
    // The query runner over http: a prefix, a typo, and queries that must not throw.
    let mut queries: Vec<String> =
        ["restar", "stroage", "", " ", "\"", "\"\"\"", "((( [", "\\", "😀 wi‑fi ∑", "constructor"]
            .iter()
            .map(|q| q.to_string())
            .collect();
    queries.extend(
        ["__proto__ toString", "hasOwnProperty valueOf", "\u{0}\u{2028}</script>", "-- . # ~ / @"].map(String::from),
    );
    queries.push("backup ".repeat(100));
    let runner = runner_page(&site, "http", &queries, false, false);
    let page = browser.open(&format!("{base}{runner}"), 10_000);
    assert_no_errors(&page, "runner over http");
    let ran = ran(&page);
    assert_eq!(ran.len(), queries.len());
    for r in &ran {
        assert!(r.error.is_none(), "{:?} threw {:?}", r.q, r.error);
    }
    assert_eq!(ran[0].urls.first().map(String::as_str), Some("icloud-backup/restart-your-iphone.html"), "{ran:?}");
    assert!(ran[1].urls.iter().any(|u| u.starts_with("icloud-backup/check-icloud-storage.html")), "{ran:?}");
}

/// Types in the header box (a combobox), checks that Escape closes the results and
/// keeps the text, then moves with ArrowDown and opens with Enter.
const DRIVE_JS: &str = r#"(function () {
  function fail(m) { console.error('drive: ' + m); }
  function key(target, k) {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  }
  window.addEventListener('load', function () {
    var input = document.querySelector('form.site-search input');
    if (!input || input.form.hidden) return fail('no visible search box');
    if (input.getAttribute('role') !== 'combobox') return fail('the box is not a combobox');
    input.focus();
    input.value = 'restar';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    var popup = document.getElementById('site-search-results');
    var tries = 0;
    (function wait() {
      var items = popup.querySelectorAll('[role=option]');
      if (!items.length) {
        if (++tries > 200) return fail('no results');
        return setTimeout(wait, 20);
      }
      if (input.getAttribute('aria-expanded') !== 'true') return fail('aria-expanded is not true with results shown');
      if (items[0].tagName !== 'A' || items[0].querySelector('a')) return fail('an option must be the link, not hold one');
      key(input, 'Escape');
      if (!popup.hidden || input.getAttribute('aria-expanded') !== 'false') return fail('Escape did not close the results');
      if (input.value !== 'restar') return fail('Escape erased the box');
      key(input, 'ArrowDown');
      if (popup.hidden) return fail('ArrowDown did not open the results again');
      if (items[0].getAttribute('aria-selected') !== 'true') return fail('ArrowDown selected nothing');
      if (input.getAttribute('aria-activedescendant') !== items[0].id) return fail('no aria-activedescendant');
      key(input, 'Enter');
    })();
  });
})();
"#;

/// On search.html: one search box, results as plain links in the tab order, and the
/// down arrow moves from the box to the first result.
const PAGE_KEYS_JS: &str = r#"(function () {
  function done(m) { document.documentElement.setAttribute('data-t', m); }
  window.addEventListener('load', function () {
    var header = document.querySelector('form.site-search');
    if (header && !header.hidden) return done('two search boxes');
    var input = document.getElementById('search-page-q');
    var tries = 0;
    (function wait() {
      var links = document.querySelectorAll('#search-page-results a.search-result');
      if (!links.length) {
        if (++tries > 200) return done('no results');
        return setTimeout(wait, 20);
      }
      for (var i = 0; i < links.length; i++) {
        if (links[i].tabIndex < 0 || links[i].getAttribute('role')) return done('a result is out of the tab order');
      }
      if (document.querySelector('#search-page-results [role=listbox], #search-page-results [role=option]')) return done('listbox roles on search.html');
      input.focus();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
      if (document.activeElement !== links[0]) return done('ArrowDown did not reach the first result');
      done('ok');
    })();
  });
})();
"#;

#[test]
fn search_page_results_are_reached_by_keyboard() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, site) = build_bundled();
    std::fs::write(site.join("t-keys.js"), PAGE_KEYS_JS).unwrap();
    guarded_copy(&site, "search.html", "t-keys.html", &["t-keys.js"]);
    let page = browser.open(&format!("{}?q=backup", file_url(&site.join("t-keys.html"))), 10_000);
    assert!(page.dom.contains("data-t=\"ok\""), "{:?}\n{}", page.errors(), page.dom);
}

#[test]
fn header_box_opens_a_result_with_the_keyboard() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, site) = build_bundled();
    std::fs::write(site.join("icloud-backup/t-drive.js"), DRIVE_JS).unwrap();
    guarded_copy(&site, "icloud-backup/check-icloud-storage.html", "t-drive.html", &["t-drive.js"]);
    let page = browser.open(&file_url(&site.join("icloud-backup/t-drive.html")), 10_000);
    assert!(!page.dom.contains("t-drive.js"), "Enter did not open a result: {:?}\n{}", page.errors(), page.dom);
    assert!(page.dom.contains("Restart your iPhone or iPad</h1>"), "not on the restart step:\n{}", page.dom);
}

/// Runs when the page's code does: marks `<html data-pwned>` (the name is split so
/// that the text itself never contains it).
const PAYLOAD: &str = "document.documentElement.setAttribute('data-'+'pwned',1)";

fn hostile_site(dir: &Path) {
    let img = format!("<img src=x onerror={PAYLOAD}>");
    let svg = format!("\\\"><svg onload={PAYLOAD}>");
    let files = [
        ("site.toml", format!("title = \"Hostile {img}\"\n")),
        ("content/_index.md", format!("+++\ntitle = \"Home </script><script>{PAYLOAD}</script>\"\n+++\n\nHello.\n")),
        (
            "content/evil/_index.md",
            format!(
                "+++\ntitle = \"Evil {svg}\"\nsymptoms = [\"pwned {img}\"]\nerror_messages = [\"</script><script src=x.js></script> pwned\"]\n+++\n\nThe guide.\n"
            ),
        ),
        (
            "content/evil/step.md",
            format!(
                "+++\ntitle = \"Step {img}\"\norder = 1\n+++\n\nBody with `{img}` and \\<svg onload={PAYLOAD}> pwned.\n\n## Heading `{img}` pwned\n\nMore `\"><svg onload={PAYLOAD}>` text.\n"
            ),
        ),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn hostile_corpus_and_query_execute_nothing() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("site");
    hostile_site(&src);
    let out = dir.path().join("public");
    let outcome = build(&src, &out);
    assert!(outcome.output.is_some(), "{}", diagnostics_text(&outcome));
    guarded_copy(&out, "search.html", "t-search.html", &[]);
    let base = serve(out.clone(), "x").0;
    let hostile_query = format!("<img src=x onerror={PAYLOAD}>");
    let queries = ["pwned".to_string(), hostile_query.clone(), format!("\"><svg onload={PAYLOAD}>"), "img src".into()];
    for q in &queries {
        let encoded: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
        for url in [
            format!("{}?q={encoded}", file_url(&out.join("t-search.html"))),
            format!("{base}t-search.html?q={encoded}"),
        ] {
            let page = browser.open(&url, 10_000);
            assert_no_errors(&page, &url);
            assert!(!page.dom.contains("data-pwned="), "a payload ran for {q:?}:\n{}", page.dom);
            for tag in ["<img", "<svg"] {
                assert!(!page.dom.contains(tag), "{tag} became an element for {q:?}:\n{}", page.dom);
            }
            let found = results(&page.dom);
            assert!(!found.is_empty(), "the hostile pages are found for {q:?}:\n{}", page.dom);
            assert!(page.dom.contains("results for “") || page.dom.contains("result for “"));
        }
    }
}
#[test]
fn search_can_be_turned_off_and_warns_over_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("site");
    crate::support::copy_tree(&repo_root().join("content"), &src.join("content"));
    let config = std::fs::read_to_string(repo_root().join("site.toml")).unwrap();

    std::fs::write(src.join("site.toml"), format!("{config}\n[search]\nbudget_kb = 1\n")).unwrap();
    let out = dir.path().join("on");
    let outcome = build(&src, &out);
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // One per language: each has its own index, and the French one says so.
    assert_eq!(codes, ["search-budget", "search-budget"], "{}", diagnostics_text(&outcome));
    assert!(
        outcome.diagnostics[1].message.ends_with("(fr/search/, the `fr` pages' index)"),
        "{}",
        diagnostics_text(&outcome)
    );
    assert!(out.join("search/index.js").exists() && out.join("search.html").exists());
    let page = std::fs::read_to_string(out.join("icloud-backup/index.html")).unwrap();
    assert!(
        page.contains("role=\"search\" aria-label=\"Site\" hidden")
            && page.contains("<script src=\"../search.js\" data-root=\"../\"")
    );

    std::fs::write(src.join("site.toml"), format!("{config}\n[search]\nenabled = false\n")).unwrap();
    let out = dir.path().join("off");
    let outcome = build(&src, &out);
    assert!(outcome.diagnostics.is_empty(), "{}", diagnostics_text(&outcome));
    assert!(!out.join("search").exists() && !out.join("search.html").exists() && !out.join("search.js").exists());
    let page = std::fs::read_to_string(out.join("icloud-backup/index.html")).unwrap();
    assert!(!page.contains("search"), "no search box or script when search is off");
}
