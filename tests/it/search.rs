//! Search in a real browser (headless Chromium, see `browser`): the built site is
//! opened from `file://` and over http from a subfolder under a strict CSP; a
//! search shows results, the keyboard opens one, a hostile corpus and query run
//! nothing, and the labelled queries of tests/search_queries.toml find their page.
//!
//! Test pages are copies of built pages (`t-*.html`) that also load a guard
//! script and, for the query runner, [`RUN_JS`]; they use search.js exactly as
//! a reader's browser does. `search_benchmark` (ignored; run by benches/search.sh)
//! measures a big site.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::browser::{file_url, guarded_copy, serve, Browser, Page};
use crate::support::{build, diagnostics_text, repo_root};

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

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
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

#[derive(Deserialize)]
struct Labelled {
    query: Vec<LabelledQuery>,
}

#[derive(Deserialize)]
struct LabelledQuery {
    q: String,
    expect: String,
    kind: String,
}

/// Runs the labelled queries of `queries` (a file under tests/) on the site built
/// from `site`, through its search page `search_page` (`search.html`, or a
/// language's: `fr/search.html`); returns the misses, after printing the hit rates.
/// Each query's `expect` is a page's path as that search page's results give it.
pub fn run_labelled(site: &Path, queries: &str, min_queries: usize, search_page: &str) -> (usize, Vec<String>) {
    let browser = Browser::find().expect("checked by the caller");
    let text = std::fs::read_to_string(repo_root().join("tests").join(queries)).unwrap();
    let labelled: Labelled = toml::from_str(&text).unwrap();
    assert!(labelled.query.len() >= min_queries, "keep at least {min_queries} labelled queries in {queries}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outcome = build(site, &out);
    assert!(outcome.output.is_some(), "{}", diagnostics_text(&outcome));
    let texts: Vec<String> = labelled.query.iter().map(|q| q.q.clone()).collect();
    let runner = runner_page_at(&out, search_page, "labels", &texts, false, false);
    let page = browser.open(&file_url(&out.join(runner)), 60_000);
    assert_no_errors(&page, "labelled queries");
    let ran = ran(&page);
    assert_eq!(ran.len(), texts.len());
    let (mut first, mut misses) = (0, Vec::new());
    for (l, r) in labelled.query.iter().zip(&ran) {
        assert_eq!(l.q, r.q);
        let top: Vec<&str> = r.urls.iter().take(3).map(|u| u.split('#').next().unwrap()).collect();
        first += usize::from(top.first() == Some(&l.expect.as_str()));
        if top.first() != Some(&l.expect.as_str()) && top.contains(&l.expect.as_str()) {
            println!("  not first: {:?} ({}): expected {}, got {:?}", l.q, l.kind, l.expect, top);
        }
        if !top.contains(&l.expect.as_str()) {
            misses.push(format!("{:?} ({}): expected {}, got {:?} {:?}", l.q, l.kind, l.expect, top, r.error));
        }
    }
    let n = ran.len();
    println!(
        "labelled queries ({queries}): {}/{n} in the top 3 ({:.1}%), {first}/{n} first",
        n - misses.len(),
        (n - misses.len()) as f64 * 100.0 / n as f64
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    (n, misses)
}

#[test]
fn labelled_queries_find_the_expected_page_in_the_top_3() {
    if Browser::find().is_none() {
        return;
    }
    let (_, misses) = run_labelled(&repo_root(), "search_queries.toml", 40, "search.html");
    assert!(misses.is_empty(), "labelled queries out of the top 3:\n{}", misses.join("\n"));
}

/// The bundled guide's French translation, searched from `fr/search.html` (its own
/// index, French stemming and folding): French readers' queries, some without accents.
#[test]
fn french_labelled_queries_find_the_french_page_in_the_top_3() {
    if Browser::find().is_none() {
        return;
    }
    let (_, misses) = run_labelled(&repo_root(), "search_queries_fr.toml", 25, "fr/search.html");
    assert!(misses.is_empty(), "labelled queries out of the top 3:\n{}", misses.join("\n"));
}

/// The larger labelled set: hand-written guides on several subjects (error codes
/// explained and listed, synonyms, phrases, commands, typos).
#[test]
fn labelled_corpus_queries_find_the_expected_page_in_the_top_3() {
    if Browser::find().is_none() {
        return;
    }
    let (_, misses) =
        run_labelled(&repo_root().join("tests/search-corpus"), "search_queries_corpus.toml", 100, "search.html");
    assert!(misses.is_empty(), "labelled queries out of the top 3:\n{}", misses.join("\n"));
}

/// Writes a site's files (`path`, text) under `dir`.
pub fn write_site(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub fn step(title: &str, order: u32, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\norder = {order}\n+++\n\n{body}\n")
}

/// Synonyms (built in and from site.toml), phrases, sections grouped under their
/// page, and the cap on partial matches, on a small site made for them.
#[test]
fn synonyms_phrases_grouped_sections_and_the_partial_cap() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("site");
    let mut files = vec![
        ("site.toml", "title = \"T\"\n[search.synonyms]\nreboot = [\"restart\"]\n".to_string()),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nHello.\n".to_string()),
        ("content/net/_index.md", "+++\ntitle = \"Network\"\n+++\n\nGuide.\n".to_string()),
        ("content/net/wlan.md", step("Join the WLAN", 1, "Open the WLAN settings and pick your network.")),
        ("content/net/cycle.md", step("Power cycle", 2, "Reboot the router and wait a minute.")),
        (
            "content/net/lights.md",
            step(
                "Lights",
                3,
                "Intro.\n\n## Blinking\n\nA blinking modem light means it is starting.\n\n## Solid\n\nA solid modem light means it is online.\n\n## Cables\n\nCheck the cables.",
            ),
        ),
        ("content/net/green.md", step("Colours one", 4, "The green light turns red.")),
        ("content/net/red.md", step("Colours two", 5, "The red light turns green.")),
        ("content/net/both.md", step("Animals", 6, "A zebra and a unicorn.")),
    ];
    let zebras: Vec<(String, String)> = (0..12)
        .map(|i| (format!("content/net/zebra-{i}.md"), step(&format!("Stripes {i}"), 10 + i, "A zebra.")))
        .collect();
    files.extend(zebras.iter().map(|(p, t)| (p.as_str(), t.clone())));
    write_site(&src, &files);
    let out = dir.path().join("public");
    let outcome = build(&src, &out);
    assert!(outcome.output.is_some(), "{}", diagnostics_text(&outcome));
    let queries: Vec<String> = [
        "wifi",
        "restart router",
        "modem light",
        "\"red light\"",
        "\"light turns green\"",
        "\"green red\"",
        "zebra unicorn",
        "zebra",
    ]
    .map(String::from)
    .to_vec();
    let page = browser.open(&file_url(&out.join(runner_page(&out, "features", &queries, false, false))), 20_000);
    assert_no_errors(&page, "feature queries");
    let ran = ran(&page);
    let pages = |i: usize| -> Vec<&str> { ran[i].urls.iter().map(|u| u.split('#').next().unwrap()).collect() };
    assert_eq!(pages(0), ["net/wlan.html"], "built-in synonym: {:?}", ran[0]);
    assert_eq!(pages(1), ["net/cycle.html"], "site.toml synonym: {:?}", ran[1]);
    // One result for the page, its other matching section grouped under it.
    assert_eq!(pages(2)[0], "net/lights.html", "{:?}", ran[2]);
    assert_eq!(pages(2).iter().filter(|p| **p == "net/lights.html").count(), 1, "{:?}", ran[2]);
    let mut sections = vec![ran[2].urls[0].clone()];
    sections.extend(ran[2].more[0].clone());
    sections.sort();
    assert_eq!(sections, ["net/lights.html#blinking", "net/lights.html#solid"], "{:?}", ran[2]);
    assert_eq!(pages(3), ["net/red.html"], "phrase: {:?}", ran[3]);
    assert_eq!(pages(4), ["net/red.html"], "phrase with a stop word: {:?}", ran[4]);
    assert!(ran[5].urls.is_empty(), "words apart are not a phrase: {:?}", ran[5]);
    // One page matches both words; pages with one word follow, at most five.
    assert_eq!(pages(6).len(), 6, "{:?}", ran[6]);
    assert_eq!(pages(6)[0], "net/both.html");
    assert_eq!(pages(7).len(), 10, "every page matches all of a one-word query: {:?}", ran[7]);
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

/// Measures a built site (`REMEDY_BENCH_SITE`) for benches/search.sh: the bytes a
/// first query loads from an empty cache (search.js and the index files, raw and
/// gzipped file by file as a compressing server sends them), and query latency
/// over http without virtual time. Prints a report.
#[test]
#[ignore = "a benchmark: run by benches/search.sh"]
fn search_benchmark() {
    let browser = Browser::find().expect("chromium");
    let site = PathBuf::from(std::env::var("REMEDY_BENCH_SITE").expect("REMEDY_BENCH_SITE"));
    // One query a line: `KIND<TAB>query`. Kinds `exact`, `prefix`, `typo`, `phrase`
    // and `word` (a phrase's words unquoted) are timed; `cold` only measured cold.
    let lines: Vec<(String, String)> = std::env::var("REMEDY_BENCH_QUERIES")
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(k, q)| (k.to_string(), q.to_string()))
                .collect()
        })
        .expect("REMEDY_BENCH_QUERIES");
    let script = std::fs::read(site.join("search.js")).unwrap();
    let (script_raw, script_gz) = (script.len(), gzip_len(&script));
    println!("search.js: {script_raw} B raw, {script_gz} B gzip (counted in every cold query below)");
    // Cold: the `cold` queries and two of each other kind, each alone in a fresh browser.
    let mut samples: Vec<&String> = lines.iter().filter(|(k, _)| k == "cold").map(|(_, q)| q).collect();
    samples.extend(
        ["exact", "prefix", "typo", "phrase"]
            .iter()
            .flat_map(|kind| lines.iter().filter(move |(k, _)| k == kind).take(2).map(|(_, q)| q)),
    );
    let (mut raws, mut gzs) = (Vec::new(), Vec::new());
    for (i, q) in samples.into_iter().enumerate() {
        let page = browser.open(
            &file_url(&site.join(runner_page(&site, &format!("cold{i}"), std::slice::from_ref(q), false, false))),
            30_000,
        );
        let r = ran(&page).remove(0);
        let bytes: Vec<Vec<u8>> = r.files.iter().map(|f| std::fs::read(site.join("search").join(f)).unwrap()).collect();
        let raw = script_raw + bytes.iter().map(Vec::len).sum::<usize>();
        let gz = script_gz + bytes.iter().map(|b| gzip_len(b)).sum::<usize>();
        let docs = r.files.iter().filter(|f| f.starts_with("d-")).count();
        println!(
            "cold query {:?}: {} files ({docs} result texts), {raw} B raw, {gz} B gzip; {:.0} ms; results {:?}",
            q,
            r.files.len() + 1,
            r.cold,
            &r.urls[..r.urls.len().min(3)]
        );
        raws.push(raw);
        gzs.push(gz);
    }
    raws.sort_unstable();
    gzs.sort_unstable();
    println!(
        "cold bytes over {} queries: median {} B raw, {} B gzip; max {} B raw, {} B gzip",
        raws.len(),
        raws[raws.len() / 2],
        gzs[gzs.len() / 2],
        raws[raws.len() - 1],
        gzs[gzs.len() - 1]
    );
    // Latency: the timed queries, each twice (the second is timed), over http, real time.
    let timed: Vec<&(String, String)> = lines.iter().filter(|(k, _)| k != "cold").collect();
    let queries: Vec<String> = timed.iter().map(|(_, q)| q.clone()).collect();
    let (base, results) = serve(site.clone(), "bench");
    let page = runner_page(&site, "latency", &queries, true, true);
    // Its own process group, so that the browser and all its helpers can be ended.
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("/usr/bin/chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{base}{page}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let json = results.recv_timeout(std::time::Duration::from_secs(300));
    let _ = std::process::Command::new("kill").arg("--").arg(format!("-{}", child.id())).status();
    let _ = child.wait();
    let json = json.expect("the runner posts its results");
    let ran: Vec<Ran> = serde_json::from_str(&json).unwrap();
    let mut all: Vec<f64> = Vec::new();
    for kind in ["exact", "prefix", "typo", "word", "phrase"] {
        let mut ms: Vec<f64> = ran.iter().zip(&timed).filter(|(_, (k, _))| k == kind).map(|(r, _)| r.ms).collect();
        if ms.is_empty() {
            continue;
        }
        all.extend(&ms);
        ms.sort_by(f64::total_cmp);
        let p = |x: f64| ms[((ms.len() as f64 * x).ceil() as usize).clamp(1, ms.len()) - 1];
        println!(
            "latency {kind}: {} queries, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            ms.len(),
            p(0.5),
            p(0.95),
            p(1.0)
        );
    }
    all.sort_by(f64::total_cmp);
    let p95 = all[((all.len() as f64 * 0.95).ceil() as usize).clamp(1, all.len()) - 1];
    println!("latency, every repeat query: {} queries, p50 {:.2} ms, p95 {:.2} ms", all.len(), all[all.len() / 2], p95);
    let mut slow: Vec<&Ran> = ran.iter().collect();
    slow.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    let slow: Vec<String> = slow.iter().take(5).map(|r| format!("{:?} {:.1} ms", r.q, r.ms)).collect();
    println!("slowest: {}", slow.join(", "));
    let mut colds: Vec<f64> = ran.iter().map(|r| r.cold).collect();
    colds.sort_by(f64::total_cmp);
    println!("first run of each query (shards loading): p50 {:.1} ms", colds[colds.len() / 2]);
    let empty = ran.iter().filter(|r| r.urls.is_empty()).count();
    println!("queries without results: {empty}/{}", ran.len());
    // Labelled queries for this site (REMEDY_BENCH_LABELS, a file like
    // tests/search_queries.toml), for sites built by another remedy binary.
    if let Some(labels) = std::env::var("REMEDY_BENCH_LABELS").ok().filter(|l| !l.is_empty()) {
        let labelled: Labelled = toml::from_str(&std::fs::read_to_string(&labels).unwrap()).unwrap();
        let texts: Vec<String> = labelled.query.iter().map(|q| q.q.clone()).collect();
        let page = browser.open(&file_url(&site.join(runner_page(&site, "labels", &texts, false, false))), 60_000);
        let ran = self::ran(&page);
        let hits = |n: usize| {
            labelled
                .query
                .iter()
                .zip(&ran)
                .filter(move |(l, r)| r.urls.iter().take(n).any(|u| u.split('#').next() == Some(l.expect.as_str())))
        };
        let misses: Vec<String> = labelled
            .query
            .iter()
            .zip(&ran)
            .filter(|(l, r)| !r.urls.iter().take(3).any(|u| u.split('#').next() == Some(l.expect.as_str())))
            .map(|(l, _)| format!("{:?}", l.q))
            .collect();
        println!(
            "labelled queries ({labels}): {}/{} in the top 3, {} first; out of the top 3: {}",
            hits(3).count(),
            ran.len(),
            hits(1).count(),
            misses.join(", ")
        );
    }
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
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
