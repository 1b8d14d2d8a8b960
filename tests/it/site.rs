//! The bundled iCloud Backup guide: it builds cleanly, every link in every page
//! resolves to a file as a browser would resolve it from disk, and two builds are
//! byte-identical.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{build, diagnostics_text, read_tree, repo_root};

fn build_bundled(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let outcome = build(&repo_root(), out);
    assert!(outcome.diagnostics.is_empty(), "the bundled guide must build cleanly:\n{}", diagnostics_text(&outcome));
    read_tree(out)
}

/// The values of `href="..."` and `src="..."` attributes in an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let start = i + attr.len();
            let end = html[start..].find('"').map_or(html.len(), |e| start + e);
            refs.push(html[start..end].replace("&amp;", "&"));
        }
    }
    refs
}

#[test]
fn bundled_guide_builds_with_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let files = build_bundled(&dir.path().join("public"));
    for page in [
        "index.html",
        "steps.html",
        "steps.json",
        "404.html",
        "style.css",
        "highlight.css",
        "icloud-backup/index.html",
        "icloud-backup/back-up-to-a-computer.html",
        "icloud-backup/delete-icloud-backup.html",
        "icloud-backup/restore-and-set-up-as-new.html",
    ] {
        assert!(files.contains_key(page), "{page} missing; have {:?}", files.keys().collect::<Vec<_>>());
    }
    let guide = String::from_utf8(files["icloud-backup/index.html"].clone()).unwrap();
    assert!(guide.contains("The last backup could not be completed."), "the error message is on the guide page");
    // The restore (destructive) comes after the computer backup and is last.
    let json: serde_json::Value = serde_json::from_slice(&files["steps.json"]).unwrap();
    let steps = json["guides"][0]["steps"].as_array().unwrap();
    let slugs: Vec<&str> = steps.iter().map(|s| s["slug"].as_str().unwrap()).collect();
    let backup = slugs.iter().position(|s| *s == "back-up-to-a-computer").unwrap();
    let restore = slugs.iter().position(|s| *s == "restore-and-set-up-as-new").unwrap();
    assert!(backup < restore && restore == slugs.len() - 1, "{slugs:?}");
    assert_eq!(steps[restore]["risk"], "destructive");
}

#[test]
fn every_internal_link_resolves_to_a_file_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let files = build_bundled(&dir.path().join("public"));
    let checked = check_links(&files);
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_internal_link_of_every_valid_fixture_resolves() {
    for entry in std::fs::read_dir(crate::support::fixtures().join("valid")).unwrap() {
        let case = entry.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outcome = build(&case.join("site"), &out);
        assert!(outcome.output.is_some(), "{}: {}", case.display(), diagnostics_text(&outcome));
        check_links(&read_tree(&out));
    }
}

/// Checks every `href` and `src` of every HTML page as a browser would resolve it from
/// disk: relative, naming a file of the output, with its `#anchor` on the page.
/// Returns how many references were checked.
fn check_links(files: &BTreeMap<String, Vec<u8>>) -> usize {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, bytes) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let folder = Path::new(path).parent().unwrap_or(Path::new(""));
        for reference in references(&html) {
            if reference.contains("://") || reference.starts_with("mailto:") || reference == "#" {
                // (404.html links absolutely when `base_url` is set; `not_found_links_absolutely`.)
                continue;
            }
            if reference.starts_with('/') {
                problems.push(format!("{path}: `{reference}` starts with /"));
                continue;
            }
            let (file, anchor) = reference.split_once('#').unwrap_or((&reference, ""));
            let target = if file.is_empty() { path.clone() } else { normalize(&folder.join(file)) };
            if file.ends_with('/') || !files.contains_key(&target) {
                problems.push(format!("{path}: `{reference}` does not name a file of the output"));
                continue;
            }
            if !anchor.is_empty() && target.ends_with(".html") {
                let page = String::from_utf8_lossy(&files[&target]);
                if !page.contains(&format!("id=\"{anchor}\"")) {
                    problems.push(format!("{path}: `{reference}`: no id `{anchor}` in {target}"));
                }
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    checked
}

fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let first = build_bundled(&dir.path().join("one"));
    let second = build_bundled(&dir.path().join("two"));
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn pages_need_nothing_from_outside_and_no_inline_script_or_style() {
    let dir = tempfile::tempdir().unwrap();
    let files = build_bundled(&dir.path().join("public"));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
        assert!(html.contains("<main"), "{path}: a main landmark");
        assert!(!html.contains(" style=\"") && !html.contains("<style"), "{path}: inline style");
        for reference in references(&html) {
            assert!(!reference.starts_with("//"), "{path}: {reference}");
            let external = reference.starts_with("http");
            assert!(!external || html.contains(&format!("href=\"{reference}\"")), "{path}: loads {reference}");
        }
        assert!(!html.contains("<script>"), "{path}: inline script");
    }
}
