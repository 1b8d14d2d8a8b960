//! Stale translations (`stale-translation`, from git history or `translated_from`),
//! `remedy translated`, and translation skeletons (`remedy new ... --lang`).

use std::fs;
use std::path::Path;
use std::process::Command;

fn remedy(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_remedy")).current_dir(dir).args(args).output().expect("remedy runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
        .args(args)
        // One fixed date: the order of commits, not their dates, decides.
        .env("GIT_AUTHOR_DATE", "2020-01-02T10:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2020-01-02T10:00:00+00:00")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

const SOURCE: &str =
    "+++\ntitle = \"Restart the router\"\nrisk = \"caution\"\nside_effects = [\"Drops calls\"]\n+++\nUnplug it.\n";
const FR: &str = "+++\ntitle = \"Redémarrer le routeur\"\n+++\nDébranchez-le.\n";

/// A site with a guide `g`, its step `s` and the step's French translation `fr`
/// (when given), French declared in site.toml.
fn site(root: &Path, fr: Option<&str>) {
    fs::create_dir_all(root.join("content/g")).unwrap();
    let config =
        "title = \"T\"\nbase_url = \"https://example.org\"\n[languages.fr]\nname = \"Français\"\ntitle = \"T\"\n";
    fs::write(root.join("site.toml"), config).unwrap();
    fs::write(root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\nHi.\n").unwrap();
    fs::write(root.join("content/g/_index.md"), "+++\ntitle = \"No internet\"\n+++\nWhen the lights are off.\n")
        .unwrap();
    fs::write(root.join("content/g/s.md"), SOURCE).unwrap();
    if let Some(fr) = fr {
        fs::write(root.join("content/g/s.fr.md"), fr).unwrap();
    }
}

/// `remedy check --format json`: its diagnostics, after checking that its exit
/// status is 1 exactly when there is an error, or a warning with `--strict`.
fn check(root: &Path, strict: bool) -> Vec<serde_json::Value> {
    let mut args = vec!["check", "--format", "json"];
    if strict {
        args.push("--strict");
    }
    let (code, stdout, stderr) = remedy(root, &args);
    let all: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors = all.iter().any(|d| d["severity"] == "error");
    let warnings = all.iter().any(|d| d["severity"] == "warning");
    assert_eq!(code, i32::from(errors || (strict && warnings)), "{stdout}{stderr}");
    all
}

fn stale(diagnostics: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    diagnostics.iter().filter(|d| d["code"] == "stale-translation").collect()
}

#[test]
fn git_history_finds_a_source_committed_after_its_translation() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, Some(FR));
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "Restart, in English and French"]);
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "translated together: {diagnostics:?}");

    fs::write(root.join("content/g/s.md"), SOURCE.replace("Unplug it.", "Unplug it for ten seconds.")).unwrap();
    git(root, &["commit", "-q", "-am", "Say how long to unplug"]);
    let diagnostics = check(root, false);
    let found = stale(&diagnostics);
    assert_eq!(found.len(), 1, "{diagnostics:?}");
    assert_eq!(
        (&found[0]["path"], &found[0]["line"], &found[0]["column"]),
        (&"content/g/s.fr.md".into(), &1.into(), &1.into())
    );
    assert_eq!(found[0]["severity"], "warning");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("its source content/g/s.md changed after the translation's last commit"), "{message}");
    assert!(message.contains("2020-01-02 \"Say how long to unplug\""), "{message}");
    assert!(message.contains("\"Restart, in English and French\""), "the translation's last commit: {message}");
    // With --strict, the warning alone fails the check (`check` asserts the status).
    assert_eq!(stale(&check(root, true)).len(), 1);

    // Committing the translation brings it up to date.
    fs::write(root.join("content/g/s.fr.md"), FR.replace("Débranchez-le.", "Débranchez-le dix secondes.")).unwrap();
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "being edited counts as up to date: {diagnostics:?}");
    git(root, &["commit", "-q", "-am", "Traduire"]);
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "{diagnostics:?}");

    // A source edit not committed yet counts as the newest change.
    fs::write(root.join("content/g/s.md"), SOURCE.replace("Unplug it.", "Unplug it, then wait.")).unwrap();
    let diagnostics = check(root, false);
    let message = stale(&diagnostics)[0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("\"Traduire\"): changes not committed yet;"), "{message}");

    // `remedy translated` says so explicitly; the key then decides.
    let (code, _, stderr) = remedy(root, &["translated", "content/g/s.fr.md"]);
    assert_eq!(code, 0, "{stderr}");
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "{diagnostics:?}");
    let page = || fs::read_to_string(root.join("public/fr/g/s.html")).unwrap();
    let (code, _, stderr) = remedy(root, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let outdated = "Cette traduction n’est peut-être plus à jour.";
    assert!(!page().contains(outdated), "up to date: no note");
    // `build` does not warn, but the French page says the translation may be out of date.
    fs::write(root.join("content/g/s.md"), SOURCE).unwrap();
    let (code, _, stderr) = remedy(root, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("stale-translation"), "{stderr}");
    assert!(page().contains(&format!("<p class=\"translation-mark\" role=\"note\">{outdated}</p>")), "{}", page());
    assert!(!fs::read_to_string(root.join("public/g/s.html")).unwrap().contains("translation-mark"));
}

#[test]
fn without_git_the_translated_from_hash_decides() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, None);
    let (code, _, stderr) = remedy(root, &["new", "step", "g", "s", "--lang", "fr"]);
    assert_eq!(code, 0, "{stderr}");
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "a new skeleton is up to date: {diagnostics:?}");

    fs::write(root.join("content/g/s.md"), SOURCE.replace("Unplug it.", "Unplug it for ten seconds.")).unwrap();
    let diagnostics = check(root, false);
    let found = stale(&diagnostics);
    assert_eq!(found.len(), 1, "{diagnostics:?}");
    let before = fs::read_to_string(root.join("content/g/s.fr.md")).unwrap();
    let key_line = before.lines().position(|l| l.starts_with("translated_from = ")).unwrap() + 1;
    assert_eq!(
        (&found[0]["path"], &found[0]["line"], &found[0]["column"]),
        (&"content/g/s.fr.md".into(), &key_line.into(), &1.into())
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("its source content/g/s.md changed since it was translated"), "{message}");
    assert!(message.contains("run `remedy translated content/g/s.fr.md`"), "{message}");
    assert!(!message.contains("commit"), "no git, no commits: {message}");
    assert_eq!(stale(&check(root, true)).len(), 1, "--strict fails on the warning (`check` asserts the status)");

    // `remedy translated` changes the key's value and nothing else.
    let (code, _, stderr) = remedy(root, &["translated", "content/g/s.fr.md"]);
    assert_eq!(code, 0, "{stderr}");
    let after = fs::read_to_string(root.join("content/g/s.fr.md")).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{before}\n---\n{after}");
    assert!(changed[0].0.starts_with("translated_from = \"") && changed[0].1.starts_with("translated_from = \""));
    assert_eq!(before.lines().count(), after.lines().count());
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "{diagnostics:?}");

    // A YAML translation without the key gets it as its first line.
    fs::write(root.join("content/g/s.fr.md"), "---\ntitle: Redémarrer\n---\nDébranchez-le.\n").unwrap();
    assert_eq!(remedy(root, &["translated", "content/g/s.fr.md"]).0, 0);
    let yaml = fs::read_to_string(root.join("content/g/s.fr.md")).unwrap();
    assert!(
        yaml.starts_with("---\ntranslated_from: \"") && yaml.ends_with("\"\ntitle: Redémarrer\n---\nDébranchez-le.\n"),
        "{yaml}"
    );
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "{diagnostics:?}");

    // Not a translation, or no source: said, nothing written.
    let (code, _, stderr) = remedy(root, &["translated", "content/g/s.md"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a translation"), "{stderr}");
    let (code, _, stderr) = remedy(root, &["translated", "content/g/gone.fr.md"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("its source content/g/gone.md does not exist"), "{stderr}");
    assert_eq!(
        fs::read_to_string(root.join("content/g/s.md")).unwrap(),
        SOURCE.replace("Unplug it.", "Unplug it for ten seconds.")
    );
}

#[test]
fn new_with_lang_writes_a_skeleton_from_the_source_and_refuses_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, None);
    let branches = "branches = [{ when = \"No light?\", go_to = \"#still-not-fixed\" }]\ntags = [\"router\"]\n";
    fs::write(root.join("content/g/s.md"), SOURCE.replace("+++\nUnplug", &format!("{branches}+++\nUnplug"))).unwrap();
    let (code, _, stderr) = remedy(root, &["new", "step", "g", "s", "--lang", "fr"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote content/g/s.fr.md; translate it"), "{stderr}");
    let text = fs::read_to_string(root.join("content/g/s.fr.md")).unwrap();
    // The text keys with the source's values; no structural key; the hash; the body.
    assert!(text.contains("\ntitle = \"Restart the router\"\nside_effects = [\"Drops calls\"]\n"), "{text}");
    assert!(text.contains("\nbranches = [{ when = \"No light?\", go_to = \"#still-not-fixed\" }]\n"), "{text}");
    assert!(!text.contains("risk =") && !text.contains("tags ="), "{text}");
    assert!(text.contains("\ntranslated_from = \"") && text.ends_with("+++\nUnplug it.\n"), "{text}");

    let (code, _, stderr) = remedy(root, &["new", "guide", "g", "--lang", "fr"]);
    assert_eq!(code, 0, "{stderr}");
    let guide = fs::read_to_string(root.join("content/g/_index.fr.md")).unwrap();
    assert!(
        guide.contains("\ntitle = \"No internet\"\ntranslated_from = \"")
            && guide.ends_with("+++\nWhen the lights are off.\n"),
        "{guide}"
    );

    // Never overwrites.
    fs::write(root.join("content/g/s.fr.md"), FR).unwrap();
    let (code, _, stderr) = remedy(root, &["new", "step", "g", "s", "--lang", "fr"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(fs::read_to_string(root.join("content/g/s.fr.md")).unwrap(), FR);
    // No source; a language site.toml does not declare; the default language; a bad code.
    let refused = [
        (&["new", "step", "g", "gone", "--lang", "fr"][..], 1, "there is no content/g/gone.md to translate"),
        (&["new", "step", "g", "s", "--lang", "de"], 1, "site.toml declares no language `de`"),
        (&["new", "step", "g", "s", "--lang", "en"], 2, "is the site's default language"),
        (&["new", "step", "g", "s", "--lang", "French"], 2, "not a language code"),
        (&["new", "step", "g", "s", "--lang", "fr", "--after", "x"], 2, "cannot be used with"),
    ];
    for (args, status, says) in refused {
        let (code, _, stderr) = remedy(root, args);
        assert_eq!(code, status, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!root.join("content/g/gone.fr.md").exists() && !root.join("content/g/s.de.md").exists());
}

#[test]
fn a_source_change_merged_after_the_translation_was_updated_makes_it_stale() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, Some(FR));
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "Both"]);
    // A branch changes the source; meanwhile main updates the translation; then the
    // branch is merged: the translation never saw the change.
    git(root, &["checkout", "-q", "-b", "wording"]);
    fs::write(root.join("content/g/s.md"), SOURCE.replace("Unplug it.", "Unplug it for ten seconds.")).unwrap();
    git(root, &["commit", "-q", "-am", "Say how long"]);
    git(root, &["checkout", "-q", "main"]);
    fs::write(root.join("content/g/s.fr.md"), FR.replace("Débranchez-le.", "Débranchez le routeur.")).unwrap();
    git(root, &["commit", "-q", "-am", "Traduction plus claire"]);
    let diagnostics = check(root, false);
    assert!(stale(&diagnostics).is_empty(), "{diagnostics:?}");
    git(root, &["merge", "-q", "--no-edit", "wording"]);
    let diagnostics = check(root, false);
    let found = stale(&diagnostics);
    assert_eq!(found.len(), 1, "{diagnostics:?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("\"Traduction plus claire\"): ") && message.contains("\"Say how long\";"), "{message}");
}

/// `serve`'s quick path: editing a translation that git says is older than its
/// source counts as bringing it up to date (a change not committed yet is the
/// newest), so its page loses the "may be out of date" notice. The quick path cannot
/// see that; it gives way to the whole pipeline, and the result is a full build's.
#[test]
fn serve_drops_the_notice_of_a_translation_being_brought_up_to_date() {
    use remedy::incremental::{Changes, Incremental};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, Some(FR));
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "translated"]);
    fs::write(root.join("content/g/s.md"), SOURCE.replace("Unplug it.", "Unplug it for ten seconds.")).unwrap();
    git(root, &["commit", "-q", "-am", "the source changed"]);
    let options = remedy::build::Options { site_dir: root.to_path_buf(), include_drafts: false };
    let mut incremental = Incremental::new(options);
    assert!(incremental.run(&Changes::Everything).files.is_some());

    fs::write(root.join("content/g/s.fr.md"), FR.replace("Débranchez-le.", "Débranchez-le dix secondes.")).unwrap();
    let changed = ["content/g/s.fr.md"];
    let (_, _, quick, _) = crate::serve::rebuild_and_compare(&mut incremental, root, &changed, "brought up to date");
    assert!(!quick, "the notice changes: the whole pipeline");
    // Edited again, it stays up to date: the quick path.
    fs::write(root.join("content/g/s.fr.md"), FR.replace("Débranchez-le.", "Débranchez-le vingt secondes.")).unwrap();
    let (_, _, quick, _) = crate::serve::rebuild_and_compare(&mut incremental, root, &changed, "edited again");
    assert!(quick);
}
