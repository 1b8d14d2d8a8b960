//! Data-driven tests over the sites in tests/fixtures/.
//!
//! - `valid/<case>/site/` must build with no error. Its diagnostics (warnings) must
//!   equal `valid/<case>/expected-diagnostics.txt` (absent means none), and every
//!   output file must equal the one in `valid/<case>/expected/` (the stylesheets
//!   and the theme's scripts excepted; `_copies.txt` lists the files copied as they are). Of an HTML page,
//!   the snapshot keeps its `<title>` and its `<main>`, what the page itself says, so
//!   a change to the theme's frame (`base.html`) does not touch every snapshot; the
//!   case named by [`WHOLE_PAGES`] keeps whole pages, to cover the frame.
//! - `invalid/<case>/site/` must fail, with exactly the diagnostics in
//!   `invalid/<case>/expected.txt`.
//! - `check/<case>/site/` is run through `remedy check`'s checks; its diagnostics
//!   must equal `check/<case>/expected.txt`.
//!
//! To add a case, make the folder with its `site/`, run `REMEDY_BLESS=1 cargo test
//! fixtures`, and read what it wrote before committing it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::{blessing, diagnostics_text, fixtures, read_tree, run};

/// Output files left out of snapshots (by name, in any language's folder): long,
/// generated from themes, checked elsewhere.
const UNSNAPSHOTTED: &[&str] = &["style.css", "highlight.css", "search.js", "progress.js"];

/// The one valid case whose pages are snapshotted whole, theme frame included.
const WHOLE_PAGES: &str = "full-toml";

/// What a snapshot keeps of an output file: for a page, its `<title>` line and its
/// `<main>` element (or all of it when the theme has no `<main>`); else everything.
fn snapshot(case: &str, path: &str, text: String) -> String {
    if case == WHOLE_PAGES || !path.ends_with(".html") {
        return text;
    }
    let title = text.lines().find(|l| l.trim_start().starts_with("<title>")).unwrap_or_default();
    match (text.find("<main"), text.find("</main>")) {
        (Some(start), Some(end)) if start < end => format!("{title}\n{}\n", &text[start..end + "</main>".len()]),
        _ => text,
    }
}

fn cases(kind: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut cases: Vec<_> = fs::read_dir(fixtures().join(kind))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("site").is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no fixtures under tests/fixtures/{kind}");
    cases
}

/// Compares `actual` with the file at `path` (or writes it when blessing).
fn check_text(failures: &mut Vec<String>, case: &str, path: &Path, actual: &str) {
    if blessing() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        failures.push(format!("{case}: {} differs\n{}", path.display(), first_difference(&expected, actual)));
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        if e.get(i) != a.get(i) {
            return format!(
                "  line {}:\n  expected: {}\n  actual:   {}",
                i + 1,
                e.get(i).unwrap_or(&"<end>"),
                a.get(i).unwrap_or(&"<end>")
            );
        }
    }
    "  (line endings differ)".into()
}

#[test]
fn valid_fixtures_build_the_expected_pages() {
    let mut failures = Vec::new();
    for (case, dir) in cases("valid") {
        let outcome = run(&dir.join("site"), false);
        check_text(&mut failures, &case, &dir.join("expected-diagnostics.txt"), &diagnostics_text(&outcome));
        let Some(output) = outcome.output else {
            failures.push(format!("{case}: the build failed:\n{}", diagnostics_text(&outcome)));
            continue;
        };
        let mut actual: BTreeMap<String, String> = output
            .files
            .iter()
            .filter(|f| !UNSNAPSHOTTED.contains(&f.path.rsplit('/').next().unwrap_or_default()))
            .map(|f| {
                let text = String::from_utf8(f.contents.clone()).expect("text output");
                (f.path.clone(), snapshot(&case, &f.path, text))
            })
            .collect();
        let copies: String = output.copies.iter().map(|c| format!("{} <- {}\n", c.path, c.source)).collect();
        actual.insert("_copies.txt".into(), copies);

        let expected_dir = dir.join("expected");
        if blessing() {
            let _ = fs::remove_dir_all(&expected_dir);
        }
        let expected: BTreeMap<String, Vec<u8>> =
            if expected_dir.is_dir() { read_tree(&expected_dir) } else { BTreeMap::new() };
        for path in expected.keys() {
            if !actual.contains_key(path) {
                failures.push(format!("{case}: expected/{path} was not produced"));
            }
        }
        for (path, text) in &actual {
            check_text(&mut failures, &case, &expected_dir.join(path), text);
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn invalid_fixtures_report_exactly_the_expected_diagnostics() {
    let mut failures = Vec::new();
    for (case, dir) in cases("invalid") {
        let outcome = run(&dir.join("site"), false);
        if outcome.output.is_some() {
            failures.push(format!("{case}: the build succeeded but should have failed"));
        }
        if !outcome.diagnostics.iter().any(|d| d.is_error()) {
            failures.push(format!("{case}: no error was reported"));
        }
        check_text(&mut failures, &case, &dir.join("expected.txt"), &diagnostics_text(&outcome));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = fixtures().join("valid/drafts/site");
    let without = run(&site, false).output.expect("builds");
    let with = run(&site, true).output.expect("builds with drafts");
    let paths = |o: &remedy::model::Output| o.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert!(!paths(&without).iter().any(|p| p.contains("draft")), "{:?}", paths(&without));
    let with_paths = paths(&with);
    assert!(with_paths.contains(&"printer/draft-step.html".to_string()), "{with_paths:?}");
    assert!(with_paths.contains(&"draft-guide/index.html".to_string()), "{with_paths:?}");
    // A draft's page says it is one; a published page does not.
    let text = |o: &remedy::model::Output, path: &str| {
        String::from_utf8(o.files.iter().find(|f| f.path == path).expect(path).contents.clone()).unwrap()
    };
    assert!(text(&with, "printer/draft-step.html").contains("class=\"draft-mark\""));
    assert!(text(&with, "draft-guide/index.html").contains("class=\"draft-mark\""));
    assert!(!text(&with, "printer/real-step.html").contains("class=\"draft-mark\""));
}

#[test]
fn check_fixtures_report_the_expected_review_warnings() {
    let mut failures = Vec::new();
    for (case, dir) in cases("check") {
        let options = remedy::build::Options { site_dir: dir.join("site"), include_drafts: false };
        let outcome = remedy::build::check(&options);
        check_text(&mut failures, &case, &dir.join("expected.txt"), &diagnostics_text(&outcome));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn a_french_site_gives_the_scripts_their_french_words() {
    let output = run(&fixtures().join("valid/french/site"), false).output.expect("builds");
    let text = |path: &str| {
        String::from_utf8(output.files.iter().find(|f| f.path == path).expect(path).contents.clone()).unwrap()
    };
    let step = text("imprimante/pilote.html");
    assert!(step.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"), "{step}");
    assert!(step.contains("<a class=\"skip-link\" href=\"#main\">Aller au contenu</a>"), "{step}");
    // The words search.js and progress.js need, as JSON in an attribute (escaped).
    let body = step.lines().find(|l| l.starts_with("<body")).expect("a <body> line");
    assert!(
        body.starts_with("<body data-strings=\"{&quot;continue_with&quot;:&quot;Continuer avec l’étape {n}"),
        "{body}"
    );
    assert!(body.contains("&quot;search_no_results&quot;:&quot;Aucun résultat pour «\u{a0}{q}\u{a0}»&quot;"), "{body}");
    // An English site's pages carry none (the scripts' own words are English).
    let english = run(&fixtures().join("valid/drafts/site"), false).output.expect("builds");
    let page = String::from_utf8(english.files.iter().find(|f| f.path == "index.html").unwrap().contents.clone());
    assert!(page.unwrap().contains("\n<body>\n"));
}
