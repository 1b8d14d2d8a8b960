//! The labelled queries (tests/search_queries*.toml: the bundled guide, its French
//! translation, a larger hand-written corpus) find their page in the top 3; and
//! synonyms, phrases, sections grouped under their page and the cap on partial
//! matches, on a small site made for them.

use std::path::Path;

use serde::Deserialize;

use super::{assert_no_errors, ran, runner_page, runner_page_at};
use crate::browser::{file_url, Browser};
use crate::support::{build, diagnostics_text, repo_root};

#[derive(Deserialize)]
pub(super) struct Labelled {
    pub(super) query: Vec<LabelledQuery>,
}

#[derive(Deserialize)]
pub(super) struct LabelledQuery {
    pub(super) q: String,
    pub(super) expect: String,
    pub(super) kind: String,
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
