//! What contributors and maintainers use: `remedy check` and its formats,
//! `remedy new`, "Edit this page" links and "Last updated" dates from git.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::{copy_tree, fixtures, read_tree};

fn remedy(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_remedy")).current_dir(dir).args(args).output().expect("remedy runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn site(case: &str) -> String {
    fixtures().join(case).join("site").to_string_lossy().into_owned()
}

#[test]
fn check_writes_nothing_and_exits_by_severity() {
    let root = fixtures();
    let (code, _, stderr) = remedy(&root, &["check", &site("check/clean")]);
    assert_eq!((code, stderr.trim()), (0, "no problems found"));
    assert!(!fixtures().join("check/clean/site/public").exists(), "check writes nothing");

    let (code, _, stderr) = remedy(&root, &["check", &site("check/lints")]);
    assert_eq!(code, 0, "warnings alone pass: {stderr}");
    let (code, _, _) = remedy(&root, &["check", "--strict", &site("check/lints")]);
    assert_eq!(code, 1, "--strict fails on warnings");
    let (code, _, _) = remedy(&root, &["check", &site("invalid/order-errors")]);
    assert_eq!(code, 1);
}

#[test]
fn check_human_format_shows_the_line_and_a_caret() {
    let (_, _, stderr) = remedy(&fixtures(), &["check", &site("invalid/front-matter-types")]);
    assert!(
        stderr.contains(
            "error: `risk` must be one of \"safe\", \"caution\", \"destructive\", not \"maybe\" [wrong-type]"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--> content/printer/toml-step.md:4:8"), "{stderr}");
    assert!(stderr.contains("4 | risk = \"maybe\""), "{stderr}");
    assert!(stderr.contains("  |        ^"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour when not on a terminal");
}

#[test]
fn check_github_and_json_formats() {
    let (code, stdout, _) = remedy(&fixtures(), &["check", "--format", "github", &site("invalid/order-errors")]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    // Six errors (two of them unknown branch targets) and the `relative-404` warning.
    assert_eq!(lines.len(), 7, "{stdout}");
    assert!(
        lines[1]
            .starts_with("::error file=content/printer/d.md,line=4,col=10,title=unknown-step::`after` names `restat`"),
        "{stdout}"
    );

    let (_, stdout, _) = remedy(&fixtures(), &["check", "--format", "json", &site("check/lints")]);
    let objects: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 8, "{stdout}");
    assert_eq!(objects[0]["code"], "empty-guide");
    assert_eq!(objects[0]["severity"], "warning");
    assert_eq!(objects[0]["path"], "content/empty/_index.md");
    assert!(objects.iter().all(|o| o["line"].is_u64() && o["column"].is_u64() && o["message"].is_string()));
}

#[test]
fn new_writes_files_that_pass_check_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // (`base_url` set: without it, check warns about 404.html, `relative-404`.)
    fs::write(root.join("site.toml"), "title = \"T\"\nbase_url = \"https://example.org\"\n").unwrap();
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\nHi.\n").unwrap();

    assert_eq!(remedy(root, &["new", "guide", "printer-jams"]).0, 0);
    assert_eq!(remedy(root, &["new", "step", "printer-jams", "open-the-tray"]).0, 0);
    assert_eq!(remedy(root, &["new", "step", "printer-jams", "pull-the-paper", "--after", "open-the-tray"]).0, 0);
    let (code, _, stderr) = remedy(root, &["check", "--strict"]);
    assert_eq!(code, 0, "scaffolds pass check as written: {stderr}");
    let text = fs::read_to_string(root.join("content/printer-jams/pull-the-paper.md")).unwrap();
    // Every key is listed (the unit test `scaffolds_and_readme_name_exactly_the_schemas_keys`
    // checks the list against the schema); `--after` fills `after` in.
    assert!(text.contains("after = [\"open-the-tray\"]"), "{text}");
    for key in remedy::parse::meta::step_keys() {
        let listed = text.contains(&format!("{key} = ")) || text.contains(&format!("[{key}]"));
        assert!(listed, "{key} listed in {text}");
    }

    fs::write(root.join("content/printer-jams/open-the-tray.md"), "+++\ntitle = \"Mine\"\n+++\nMine.\n").unwrap();
    let (code, _, stderr) = remedy(root, &["new", "step", "printer-jams", "open-the-tray"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        fs::read_to_string(root.join("content/printer-jams/open-the-tray.md")).unwrap(),
        "+++\ntitle = \"Mine\"\n+++\nMine.\n"
    );
    assert_eq!(remedy(root, &["new", "step", "no-such-guide", "x"]).0, 1);
    assert_eq!(remedy(root, &["new", "guide", "Bad Slug"]).0, 2);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2020-01-02T10:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2020-01-02T10:00:00+00:00")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn edit_links_and_last_updated_from_front_matter_or_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &root);
    let toml = fs::read_to_string(root.join("site.toml")).unwrap();
    fs::write(root.join("site.toml"), toml + "edit_url = \"https://example.org/repo/edit/main/{path}\"\n").unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "first"]);

    let (code, _, stderr) = remedy(&root, &["build", "--out", "../out"]);
    assert_eq!(code, 0, "{stderr}");
    let out = read_tree(&dir.path().join("out"));
    let page = |p: &str| String::from_utf8(out[p].clone()).unwrap();
    let reset = page("printer/factory-reset.html");
    assert!(
        reset.contains("href=\"https://example.org/repo/edit/main/content/printer/factory-reset.md\">Edit this page"),
        "{reset}"
    );
    assert!(reset.contains("Last updated <time datetime=\"2020-01-02\">"), "git date when the front matter has none");
    let cable = page("printer/check-cable.html");
    assert!(cable.contains("Last updated <time datetime=\"2026-01-31\">"), "front matter `updated` wins");
    assert!(page("index.html").contains("content/_index.md\">Edit this page"));

    // Deterministic: the same checkout builds the same bytes.
    let (code, _, _) = remedy(&root, &["build", "--out", "../out2"]);
    assert_eq!(code, 0);
    assert!(read_tree(&dir.path().join("out2")) == out);
}

#[test]
fn force_replaces_a_foreign_folder_but_never_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_tree(&fixtures().join("valid/yaml/site"), &root);
    let foreign = dir.path().join("old-site");
    fs::create_dir_all(foreign.join(".git")).unwrap();
    fs::write(foreign.join("index.html"), "old").unwrap();

    let (code, _, stderr) = remedy(&root, &["build", "--out", "../old-site"]);
    assert_eq!(code, 1, "refused without --force");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read_to_string(foreign.join("index.html")).unwrap(), "old");

    let (code, _, stderr) = remedy(&root, &["build", "--out", "../old-site", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(foreign.join("router/index.html").is_file() && !foreign.join(".git").exists());

    for out in [".", "..", "content"] {
        let (code, _, stderr) = remedy(&root, &["build", "--out", out, "--force"]);
        assert_eq!(code, 1, "--out {out} must be refused even with --force: {stderr}");
    }
    let (code, _, _) = remedy(&root, &["build", "--out", dir.path().to_str().unwrap(), "--force"]);
    assert_eq!(code, 1);
    assert!(root.join("content/router/_index.md").is_file());

    let home = dir.path().join("home");
    fs::create_dir_all(&home).unwrap();
    fs::write(home.join(".bashrc"), "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .current_dir(&root)
        .env("HOME", &home)
        .args(["build", "--out", home.to_str().unwrap(), "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the home folder is never replaced");
    assert!(home.join(".bashrc").is_file());
}

#[test]
fn a_renamed_page_without_an_alias_is_found_against_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&fixtures().join("valid/yaml/site"), root);
    assert_eq!(remedy(root, &["build", "--out", "public"]).0, 0);
    fs::copy(root.join("public/steps.json"), root.join("baseline.json")).unwrap();

    // (A host for 404.html, so that `--strict` has nothing else to say.)
    let toml = fs::read_to_string(root.join("site.toml")).unwrap();
    fs::write(root.join("site.toml"), format!("base_url = \"https://example.org/help\"\n{toml}")).unwrap();

    // The step moves to a new name: its old page is gone (the branch to it follows).
    fs::rename(root.join("content/router/reset-router.md"), root.join("content/router/factory-reset.md")).unwrap();
    let other = root.join("content/router/restart-router.md");
    fs::write(&other, fs::read_to_string(&other).unwrap().replace("go_to: reset-router", "go_to: factory-reset"))
        .unwrap();
    let (code, stdout, _) = remedy(root, &["check", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code, 0, "a warning only, unless --strict");
    let gone: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &serde_json::Value| d["code"] == "gone-page")
        .collect();
    assert_eq!(gone.len(), 1, "{stdout}");
    assert_eq!(gone[0]["path"], "baseline.json");
    assert!(gone[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("`router/reset-router.html` (the step \"Reset the router\")"));
    assert!(gone[0]["line"].as_u64().unwrap() > 1, "{stdout}");
    assert_eq!(remedy(root, &["check", "--strict", "--baseline", "baseline.json"]).0, 1);

    // An alias keeps the old address: nothing is gone.
    let text = fs::read_to_string(root.join("content/router/factory-reset.md")).unwrap();
    let text = text.replacen("---\n", "---\naliases: [router/reset-router.html]\n", 1);
    fs::write(root.join("content/router/factory-reset.md"), text).unwrap();
    let (code, _, stderr) = remedy(root, &["check", "--strict", "--baseline", "baseline.json"]);
    assert_eq!((code, stderr.trim()), (0, "no problems found"));
}
