//! Bad input never panics, hangs or escapes: pathological Markdown, YAML alias
//! bombs, symbolic links, failing writes, and arbitrary text (property tests).

use std::fs;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use remedy::build;
use remedy::config::Config;
use remedy::model::{CopyFile, Output, OutputFile, SourceFile, Sources};
use remedy::parse::parse_page;

use crate::support::{copy_tree, diagnostics_text, fixtures, read_tree, run};

fn step(body: &str) -> SourceFile {
    SourceFile { path: "content/g/s.md".into(), text: format!("+++\ntitle = \"T\"\n+++\n{body}") }
}

/// The CPU time this thread has used: unlike the wall clock, it does not grow while
/// other tests or other programs keep the cores busy, so a bound on it tests the work
/// done (no blow-up), not the machine's load.
fn thread_cpu() -> Duration {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID).expect("a thread CPU clock");
    Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32)
}

/// Parses in the test's own (small, 2 MiB) thread stack, within a bound on its CPU time.
fn parses_quickly(name: &str, body: String) {
    let started = thread_cpu();
    let (page, _) = parse_page(&step(&body), Default::default());
    assert!(page.is_some(), "{name}");
    let used = thread_cpu() - started;
    assert!(used < Duration::from_secs(10), "{name} took {used:?} of CPU time");
}

#[test]
fn pathological_markdown_finishes_without_overflowing_the_stack() {
    const N: usize = 100_000;
    parses_quickly("nested quotes", ">".repeat(N) + " deep\n");
    parses_quickly("nested lists", (0..N).map(|i| format!("{}- item\n", "  ".repeat(i % 500))).collect());
    parses_quickly("nested list markers", "- ".repeat(N) + "x\n");
    parses_quickly("stars", "*".repeat(N) + "a" + &"*".repeat(N));
    parses_quickly("brackets", "[".repeat(N) + "x" + &"](y)".repeat(10));
    parses_quickly("backticks", "`".repeat(N) + "x\n" + &"``".repeat(N / 2));
    parses_quickly("raw html nesting", "<div>".repeat(20_000) + "x");
    parses_quickly("heading flood", "# h\n".repeat(N / 4));
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let mut yaml = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..2000 {
        let prev = format!("*a{}", i - 1);
        yaml.push_str(&format!("a{i}: &a{i} [{}]\n", [prev.as_str(); 10].join(", ")));
    }
    yaml.push_str("title: Bomb\n---\n");
    let started = thread_cpu();
    let (_, diags) = parse_page(&SourceFile { path: "content/g/s.md".into(), text: yaml }, Default::default());
    let used = thread_cpu() - started;
    assert!(used < Duration::from_secs(2), "took {used:?} of CPU time");
    assert!(
        diags.iter().any(|d| d.code == remedy::diagnostics::Code::FrontMatterSyntax && d.message.contains("aliases")),
        "{diags:?}"
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/yaml/site"), &site);
    fs::write(dir.path().join("secret.md"), "+++\ntitle = \"Secret\"\n+++\nsecret\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.md"), site.join("content/router/secret.md")).unwrap();
    std::os::unix::fs::symlink(dir.path(), site.join("content/router/outside")).unwrap();
    std::os::unix::fs::symlink(site.join("content"), site.join("content/router/loop")).unwrap();

    // A loop would hang the walk for ever; a busy machine only slows it a little.
    let started = Instant::now();
    let outcome = run(&site, false);
    assert!(started.elapsed() < Duration::from_secs(60));
    let text = diagnostics_text(&outcome);
    for link in ["secret.md", "outside", "loop"] {
        assert!(text.contains(&format!("content/router/{link}:1:1: warning: symbolic link not followed")), "{text}");
    }
    let output = outcome.output.expect("builds, with warnings");
    assert!(!output.files.iter().any(|f| String::from_utf8_lossy(&f.contents).contains("secret")));
}

#[test]
fn a_write_that_fails_halfway_leaves_the_old_output_and_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let site = fixtures().join("valid/yaml/site");
    let out = dir.path().join("public");
    assert!(crate::support::build(&site, &out).output.is_some());
    let before = read_tree(&out);

    let missing = dir.path().join("vanished.png");
    let output = Output {
        files: vec![OutputFile { path: "index.html".into(), contents: b"new".to_vec() }],
        copies: vec![CopyFile {
            path: "img/vanished.png".into(),
            disk: missing.clone(),
            source: "content/img.png".into(),
        }],
    };
    let err = remedy::write::write(&output, &site, &out, false).unwrap_err();
    assert_eq!(err.path, missing, "the error names the file that failed");
    assert_eq!(read_tree(&out), before, "the previous output is untouched");
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no staging folder left: {names:?}");
}

/// A whole site in memory, for the pure part of the pipeline.
fn sources(pages: Vec<(String, String)>) -> Sources {
    let mut s = Sources { theme: remedy::theme::embedded(), ..Sources::default() };
    s.pages = pages.into_iter().map(|(path, text)| SourceFile { path, text }).collect();
    s.pages.sort_by(|a, b| a.path.cmp(&b.path));
    s.pages.dedup_by(|a, b| a.path == b.path);
    s
}

fn front_matter_line() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "title",
        "order",
        "after",
        "risk",
        "time",
        "draft",
        "updated",
        "tags",
        "titel",
        "side_effects",
    ]);
    let values = prop::sample::select(vec![
        "\"x\"",
        "3",
        "-1",
        "[\"a\", \"b\"]",
        "[1, 2]",
        "true",
        "\"caution\"",
        "\"5 min\"",
        "2026-01-01",
        "{ a = 1 }",
        "\"",
        "[",
        "\"<script>\"",
        "9999999999999999999999",
    ]);
    (keys, values).prop_map(|(k, v)| format!("{k} = {v}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = parse_page(&SourceFile { path: "content/g/s.md".into(), text }, Default::default());
    }

    #[test]
    fn arbitrary_front_matter_and_markdown_never_panic(
        lines in prop::collection::vec(front_matter_line(), 0..8),
        yaml in any::<bool>(),
        body in "([#>*_`\\[\\]()!|:-]|[a-z]{1,6}|\\.md|\\n| ){0,60}",
    ) {
        let fence = if yaml { "---" } else { "+++" };
        let fm = if yaml { lines.iter().map(|l| l.replacen(" = ", ": ", 1)).collect::<Vec<_>>() } else { lines.clone() };
        let text = format!("{fence}\n{}\n{fence}\n{body}", fm.join("\n"));
        let (_, diags) = parse_page(&SourceFile { path: "content/g/s.md".into(), text: text.clone() }, Default::default());
        let line_count = text.lines().count() as u32 + 1;
        for d in diags {
            prop_assert!(d.pos.line >= 1 && d.pos.line <= line_count && d.pos.col >= 1, "{d} in {text:?}");
        }
    }

    #[test]
    fn arbitrary_sites_never_panic_the_whole_pipeline(
        pages in prop::collection::vec(
            (prop::sample::select(vec!["content/_index.md", "content/g/_index.md", "content/g/a.md", "content/g/b.md", "content/h/_index.md", "content/h/c.md"]),
             prop::collection::vec(front_matter_line(), 0..5),
             "([a-z]{1,5}|\\[x\\]\\((a|b|c|\\.\\./h/c|_index)\\.md(#[a-z]{1,3})?\\)|\\n## [a-z]{1,4}\\n| ){0,30}"),
            0..6),
    ) {
        let pages = pages.into_iter().map(|(path, fm, body)| (path.to_string(), format!("+++\n{}\n+++\n{body}", fm.join("\n")))).collect();
        let config = Config { title: "T".into(), ..Config::default() };
        let _ = build::process(config, &sources(pages), false, true);
    }
}
