//! The `remedy` command as a user runs it: help, exit statuses, and what it prints.

use std::process::Command;

use crate::support::fixtures;

fn remedy(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_remedy")).args(args).output().expect("remedy runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn help_is_there_for_every_command() {
    let (code, stdout, _) = remedy(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("build"), "{stdout}");
    let (code, stdout, _) = remedy(&["build", "--help"]);
    assert_eq!(code, 0);
    for flag in ["--out", "--drafts", "SITE_DIR"] {
        assert!(stdout.contains(flag), "{flag} in {stdout}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(remedy(&["build", "--no-such-flag"]).0, 2);
    assert_eq!(remedy(&["frobnicate"]).0, 2);
}

#[test]
fn content_errors_exit_1_and_list_every_error() {
    let site = fixtures().join("invalid/order-errors/site");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = remedy(&["build", site.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("order-cycle") && stderr.contains("unknown-step") && stderr.contains("duplicate-order"),
        "{stderr}"
    );
    assert!(stderr.contains("content/printer/a.md:3:10: error:"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_good_build_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let site = fixtures().join("valid/yaml/site");
    let (code, _, stderr) = remedy(&["build", site.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("router/restart-router.html").is_file());
    assert!(stderr.contains("built"), "{stderr}");
}
