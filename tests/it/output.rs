//! Writing safely: a failed build leaves the previous output as it was, remedy
//! refuses to replace folders it did not make, and the marker file is written.

use std::fs;

use crate::support::{build, copy_tree, fixtures, read_tree};
use remedy::write::reuse::RECORD;
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
    let files = read_tree(&out).len() - 1; // the reuse record is not counted
    assert!(out.join(RECORD).is_file());
    assert!(first.ends_with(&format!(" ms ({files} files written, 0 unchanged)\n")), "{first}");
    let second = run();
    assert!(second.ends_with(&format!(" ms (0 files written, {files} unchanged)\n")), "{second}");
    assert!(!first.contains(['\r', '\x1b']) && !second.contains(['\r', '\x1b']), "{first}{second}");
}

/// The output folder's inode: a build that wrote anything swapped a new folder in.
#[cfg(unix)]
fn folder_id(out: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(out).unwrap())
}

/// Builds `site` into a new folder beside `out` and checks that `out` holds the same
/// files, byte for byte (the reuse record included: it depends on nothing else).
fn same_as_a_clean_build(site: &std::path::Path, out: &std::path::Path, why: &str) {
    let clean = out.with_file_name(format!("clean-{}", why.replace(' ', "-")));
    let outcome = build(site, &clean);
    assert!(outcome.output.is_some(), "{why}: {}", crate::support::diagnostics_text(&outcome));
    assert_eq!(read_tree(out), read_tree(&clean), "{why}: the output is what a clean build makes");
}

/// A rebuild with nothing changed does nothing at all (the output folder is not even
/// swapped), and says so in the same words as a rebuild that wrote nothing.
#[cfg(unix)]
#[test]
fn a_rebuild_with_nothing_changed_is_skipped() {
    let (_dir, site, out) = built();
    assert!(out.join(RECORD).is_file(), "a build without diagnostics leaves a record");
    let folder = folder_id(&out);
    let outcome = build(&site, &out);
    assert_eq!(folder_id(&out), folder, "skipped: the output folder stayed in place");
    let files = read_tree(&out).len() - 1;
    assert_eq!(outcome.written, Some(remedy::write::WriteStats { written: 0, reused: files }));
    assert!(outcome.pages > 10 && outcome.diagnostics.is_empty(), "{outcome:?}");
    same_as_a_clean_build(&site, &out, "nothing changed");
}

type Edit = fn(&str) -> String;
type Tamper = fn(&std::path::Path);

/// Each kind of input, changed, makes the next build a real one that ends where a
/// clean build ends.
#[cfg(unix)]
#[test]
fn any_changed_input_rebuilds() {
    let (_dir, site, out) = built();
    copy_tree(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"), &site.join("themes/default"));
    assert!(build(&site, &out).output.is_some(), "the built-in theme, as files");
    let edits: [(&str, &str, Edit); 4] = [
        ("a template", "themes/default/templates/step.html", |t| t.replacen("<article ", "<article data-edited ", 1)),
        ("the settings", "site.toml", |t| t.replacen("title = \"", "title = \"New ", 1)),
        ("a static file", "static/robots.txt", |t| format!("{t}# edited\n")),
        ("a snippet", "content/_shared/unplug.md", |t| format!("{t}\nUnplug it twice.\n")),
    ];
    for (what, rel, edit) in edits {
        let path = site.join(rel);
        if !path.exists() {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "first\n").unwrap();
            assert!(build(&site, &out).output.is_some(), "{what}: added");
        }
        let before = fs::read_to_string(&path).unwrap();
        fs::write(&path, edit(&before)).unwrap();
        assert!(fs::read_to_string(&path).unwrap() != before, "{what}: the edit changes the file");
        let folder = folder_id(&out);
        let outcome = build(&site, &out);
        assert!(outcome.output.is_some(), "{what}: {}", crate::support::diagnostics_text(&outcome));
        assert_ne!(folder_id(&out), folder, "{what}: not skipped");
        same_as_a_clean_build(&site, &out, what);
    }
}

/// Output changed by hand (a byte changed in place, a file added, a file removed, an
/// empty folder added) is never taken for the previous build's.
#[cfg(unix)]
#[test]
fn a_record_does_not_vouch_for_output_changed_by_hand() {
    let (_dir, site, out) = built();
    let tamper: [(&str, Tamper); 4] = [
        ("a byte changed", |out| {
            let path = out.join("index.html");
            let mut bytes = fs::read(&path).unwrap();
            let last = bytes.len() - 2;
            bytes[last] ^= 1;
            fs::write(&path, bytes).unwrap();
        }),
        ("a file added", |out| fs::write(out.join("printer/stray.html"), b"x").unwrap()),
        ("a file removed", |out| fs::remove_file(out.join("printer/cable.png")).unwrap()),
        ("an empty folder", |out| fs::create_dir(out.join("empty")).unwrap()),
    ];
    for (what, change) in tamper {
        change(&out);
        let folder = folder_id(&out);
        assert!(build(&site, &out).output.is_some(), "{what}");
        assert_ne!(folder_id(&out), folder, "{what}: not skipped");
        same_as_a_clean_build(&site, &out, what);
    }
}

/// A record that is garbage, or that belongs to other output (an older build's record
/// put back beside newer output), changes nothing: the build is done in full.
#[cfg(unix)]
#[test]
fn a_corrupted_or_stale_record_cannot_change_the_output() {
    let (_dir, site, out) = built();
    fs::write(out.join(RECORD), b"remedy reuse record 2\ninput zz\n").unwrap();
    assert!(build(&site, &out).output.is_some());
    same_as_a_clean_build(&site, &out, "garbage record");

    // The record of version 1; version 2 built; the source back at version 1, the
    // output still version 2's, with version 1's record: the inputs match the record,
    // the output does not.
    let step = site.join("content/printer/check-cable.md");
    let v1 = fs::read_to_string(&step).unwrap();
    let record_v1 = fs::read(out.join(RECORD)).unwrap();
    fs::write(&step, format!("{v1}\nAlso try another USB port.\n")).unwrap();
    assert!(build(&site, &out).output.is_some());
    assert_ne!(fs::read(out.join(RECORD)).unwrap(), record_v1);
    fs::write(&step, &v1).unwrap();
    fs::write(out.join(RECORD), &record_v1).unwrap();
    let folder = folder_id(&out);
    assert!(build(&site, &out).output.is_some());
    assert_ne!(folder_id(&out), folder, "not skipped");
    same_as_a_clean_build(&site, &out, "stale record");
}

/// A build with warnings is skipped like any other when nothing changed, and reports
/// its warnings again, from the record (a site with one warning would otherwise never
/// be skipped: at 100,000 steps the search index's budget warning did that).
#[cfg(unix)]
#[test]
fn a_build_with_warnings_is_skipped_and_reports_them_again() {
    let (_dir, site, out) = built();
    // A destructive step first, safe ones after it: a warning (risk order).
    let first_step = "+++\ntitle = \"Wipe\"\norder = 1\nrisk = \"destructive\"\n+++\nWipe it.\n";
    fs::write(site.join("content/printer/wipe.md"), first_step).unwrap();
    let first = build(&site, &out);
    assert!(first.output.is_some(), "{}", crate::support::diagnostics_text(&first));
    assert!(!first.diagnostics.is_empty(), "a warning is expected");
    assert!(out.join(RECORD).is_file(), "a build with warnings and no error leaves a record");
    let folder = folder_id(&out);
    let second = build(&site, &out);
    assert_eq!(folder_id(&out), folder, "skipped: the output folder stayed in place");
    assert_eq!(second.written.map(|w| w.written), Some(0));
    assert_eq!(second.diagnostics, first.diagnostics, "the warnings again, each at its place");
    assert_eq!(second.pages, first.pages);
    same_as_a_clean_build(&site, &out, "warnings");

    // The warning fixed: a real build, which reports nothing.
    fs::write(site.join("content/printer/wipe.md"), first_step.replace("order = 1", "order = 99")).unwrap();
    let third = build(&site, &out);
    assert_ne!(folder_id(&out), folder, "built");
    assert!(third.diagnostics.is_empty(), "{}", crate::support::diagnostics_text(&third));
    let fourth = build(&site, &out);
    assert!(fourth.diagnostics.is_empty() && fourth.written.map(|w| w.written) == Some(0));
}

/// Load's warnings (a symbolic link it did not follow) are about files the input key
/// does not cover: the record leaves them out, so a skipped build never repeats one
/// that is no longer true.
#[cfg(unix)]
#[test]
fn a_skipped_build_does_not_repeat_a_load_warning_that_went_away() {
    let (_dir, site, out) = built();
    let link = site.join("content/printer/link.md");
    std::os::unix::fs::symlink(site.join("content/printer/check-cable.md"), &link).unwrap();
    let first = build(&site, &out);
    assert!(crate::support::diagnostics_text(&first).contains("symbolic link not followed"));
    assert!(build(&site, &out).written.is_some_and(|w| w.written > 0 || w.reused > 0), "not skipped: load warned");
    fs::remove_file(&link).unwrap();
    let folder = folder_id(&out);
    let after = build(&site, &out);
    assert_eq!(folder_id(&out), folder, "skipped: the inputs are those of the recorded build");
    assert!(after.diagnostics.is_empty(), "{}", crate::support::diagnostics_text(&after));
}
