//! Writing safely: a failed build leaves the previous output as it was, remedy
//! refuses to replace folders it did not make, and the marker file is written.

use std::fs;

use crate::support::{build, copy_tree, fixtures, read_tree};
use remedy::write::MARKER;

/// The full-toml fixture copied into a temporary folder and built once into `public/`
/// beside it: (the folder, the site, the output).
fn built() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let out = dir.path().join("public");
    assert!(build(&site, &out).output.is_some());
    (dir, site, out)
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (dir, site, out) = built();
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
    let (_dir, site, out) = built();
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

/// Every file under `dir` with its inode and modification time (nanoseconds).
#[cfg(unix)]
fn identities(dir: &std::path::Path) -> std::collections::BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut ids = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let meta = entry.metadata().unwrap();
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            ids.insert(rel, (meta.ino(), meta.mtime(), meta.mtime_nsec()));
        }
    }
    ids
}

/// The files whose inode or mtime differ between two `identities`, plus new ones.
#[cfg(unix)]
fn rewritten(
    before: &std::collections::BTreeMap<String, (u64, i64, i64)>,
    after: &std::collections::BTreeMap<String, (u64, i64, i64)>,
) -> Vec<String> {
    after.iter().filter(|(path, id)| before.get(*path) != Some(id)).map(|(path, _)| path.clone()).collect()
}

#[cfg(unix)]
#[test]
fn a_rebuild_with_no_change_rewrites_no_file_and_equals_a_clean_build() {
    let (dir, site, out) = built();
    let before = identities(&out);
    assert!(before.len() > 5 && before.contains_key("printer/cable.png"), "{before:?}");

    std::thread::sleep(std::time::Duration::from_millis(20)); // a rewrite would get a new mtime
    assert!(build(&site, &out).output.is_some());
    assert_eq!(rewritten(&before, &identities(&out)), Vec::<String>::new(), "no file is rewritten");
    assert_eq!(identities(&out), before, "same files, same inodes and mtimes");

    let clean = dir.path().join("clean");
    assert!(build(&site, &clean).output.is_some());
    assert_eq!(read_tree(&out), read_tree(&clean), "the reused output is byte for byte a clean build");
}

#[cfg(unix)]
#[test]
fn a_one_step_edit_rewrites_only_what_changed() {
    let (dir, site, out) = built();
    let before = identities(&out);

    let step = site.join("content/printer/check-cable.md");
    let text = fs::read_to_string(&step).unwrap();
    fs::write(&step, format!("{text}\nAlso try another USB port.\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let outcome = build(&site, &out);
    assert!(outcome.output.is_some(), "{}", crate::support::diagnostics_text(&outcome));
    let changed = rewritten(&before, &identities(&out));
    assert!(changed.contains(&"printer/check-cable.html".to_string()), "{changed:?}");
    assert!(!changed.iter().any(|p| p.ends_with(".css") || p.ends_with(".png") || p == "index.html"), "{changed:?}");
    assert!(changed.len() * 2 < before.len(), "{} of {} files rewritten: {changed:?}", changed.len(), before.len());

    let clean = dir.path().join("clean");
    assert!(build(&site, &clean).output.is_some());
    assert_eq!(read_tree(&out), read_tree(&clean));
}

/// A write that fails after unchanged files were already linked into the staging
/// folder: the old output keeps its bytes, inodes and mtimes, and nothing is left over.
#[cfg(unix)]
#[test]
fn a_write_failing_after_reuse_leaves_the_old_output_intact() {
    use remedy::model::{CopyFile, Output, OutputFile};
    use std::os::unix::fs::MetadataExt;
    let (dir, site, out) = built();
    let (tree, ids) = (read_tree(&out), identities(&out));

    // The same files as the output holds (so they are linked), one of them changed,
    // and a copy whose source is missing, which fails.
    let mut files: Vec<OutputFile> = tree
        .iter()
        .filter(|(path, _)| path.as_str() != MARKER)
        .map(|(path, bytes)| OutputFile { path: path.clone(), contents: bytes.clone() })
        .collect();
    files[0].contents = b"changed".to_vec();
    let missing = dir.path().join("vanished.png");
    let copies =
        vec![CopyFile { path: "x/vanished.png".into(), disk: missing.clone(), source: "content/x.png".into() }];
    let err = remedy::write::write(&Output { files, copies }, &site, &out, false).unwrap_err();
    assert_eq!(err.path, missing);

    assert_eq!(read_tree(&out), tree, "the old output keeps its bytes");
    assert_eq!(identities(&out), ids, "and its inodes and mtimes");
    for path in tree.keys() {
        assert_eq!(fs::metadata(out.join(path)).unwrap().nlink(), 1, "{path}: the staging links are gone");
    }
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no staging folder left: {names:?}");
}

/// A file of the output that someone changed by hand is written again, not kept.
#[test]
fn a_changed_output_file_is_replaced() {
    let (_dir, site, out) = built();
    let tree = read_tree(&out);
    fs::write(out.join("index.html"), b"edited by hand").unwrap();
    fs::write(out.join("printer/cable.png"), b"not a png").unwrap();
    fs::write(out.join("stray.txt"), b"left here").unwrap();
    assert!(build(&site, &out).output.is_some());
    assert_eq!(read_tree(&out), tree, "the output is what the site makes, and only that");
}

/// The summary line says how many files a build wrote; piped, there is no progress
/// line (no carriage return, no terminal escapes).
#[test]
fn the_summary_counts_the_files_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let site = fixtures().join("valid/full-toml/site");
    let run = || {
        let done = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["build", site.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .env_remove("CI")
            .output()
            .unwrap();
        assert!(done.status.success());
        String::from_utf8(done.stderr).unwrap()
    };
    let first = run();
    let files = read_tree(&out).len();
    assert!(first.ends_with(&format!(" ms ({files} files written, 0 unchanged)\n")), "{first}");
    let second = run();
    assert!(second.ends_with(&format!(" ms (0 files written, {files} unchanged)\n")), "{second}");
    assert!(!first.contains(['\r', '\x1b']) && !second.contains(['\r', '\x1b']), "{first}{second}");
}
