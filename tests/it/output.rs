//! Writing safely: a failed build leaves the previous output as it was, remedy
//! refuses to replace folders it did not make, and the marker file is written.

use std::fs;

use crate::support::{build, copy_tree, fixtures, read_tree};
use remedy::write::MARKER;

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let out = dir.path().join("public");
    assert!(build(&site, &out).output.is_some());
    let before = read_tree(&out);
    assert!(before.contains_key(MARKER));

    fs::write(site.join("content/printer/check-cable.md"), "+++\ntitle = 3\n+++\n").unwrap();
    let outcome = build(&site, &out);
    assert!(outcome.output.is_none(), "the build must fail");
    assert_eq!(read_tree(&out), before, "the old output must be exactly as it was");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging folder left behind: {leftovers:?}");
}

#[test]
fn a_rebuild_replaces_the_previous_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let out = dir.path().join("public");
    assert!(build(&site, &out).output.is_some());
    fs::remove_file(site.join("content/printer/factory-reset.md")).unwrap();
    fs::write(
        site.join("content/printer/reinstall-driver.md"),
        "+++\ntitle = \"Reinstall\"\n+++\n## Before you begin\n",
    )
    .unwrap();
    let outcome = build(&site, &out);
    assert!(outcome.output.is_some(), "{}", crate::support::diagnostics_text(&outcome));
    assert!(!out.join("printer/factory-reset.html").exists(), "pages of deleted files go away");
}

#[test]
fn folders_remedy_did_not_make_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let foreign = dir.path().join("photos");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("holiday.jpg"), b"precious").unwrap();

    for (out, says) in [
        (foreign.clone(), "not made by remedy"),
        (site.clone(), "site folder"),
        (dir.path().to_path_buf(), "site folder"),
        (site.join("content"), "content/"),
        (site.join("content/printer"), "content/"),
    ] {
        let outcome = build(&site, &out);
        assert!(outcome.output.is_none(), "{} must be refused", out.display());
        let text = crate::support::diagnostics_text(&outcome);
        assert!(text.contains(says), "{}: {text}", out.display());
    }
    assert_eq!(fs::read(foreign.join("holiday.jpg")).unwrap(), b"precious");
    assert!(site.join("content/printer/check-cable.md").exists());
}

#[test]
fn an_empty_folder_may_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("empty");
    fs::create_dir_all(&out).unwrap();
    let outcome = build(&fixtures().join("valid/yaml/site"), &out);
    assert!(outcome.output.is_some(), "{}", crate::support::diagnostics_text(&outcome));
    assert!(out.join(MARKER).is_file() && out.join("index.html").is_file());
}
