//! Stale translations: which translations' sources changed after them, as
//! `stale-translation` warnings (for `remedy check`) and the set of their paths (for
//! the pages that say "this translation may be out of date"). Pure: the texts and the
//! git history come from the load stage.
//!
//! Two ways to know, the explicit one first:
//! - a translation's `translated_from` key is a hash of its source's text when it was
//!   translated ([`source_hash`]; `remedy translated` writes it): stale when the
//!   source's text now hashes otherwise. When the key is there it decides, git or not:
//!   it says what the translator meant.
//! - otherwise, when the site is a git checkout: stale when the source has commits
//!   that the translation's last commit does not descend from (later ones, and ones
//!   on a branch merged after it), so a translation made on a branch that did not
//!   have the source's change yet is stale once both are merged. Changes not
//!   committed yet count as the newest: a translation being edited counts as brought up
//!   to date; a source being edited counts as changed after its translations.
//!
//! Without the key and without git, nothing is known and nothing is said.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};
use crate::git::{Commit, History};
use crate::model::{Located, SourceFile};
use crate::schema::tree::{self, Value};

/// The front-matter key that holds the source's hash.
pub const KEY: &str = "translated_from";

/// How many hex digits of SHA-256 [`source_hash`] keeps.
const HASH_LEN: usize = 16;

/// How many of the source's later commits a message names before "and N more".
const NAMED_COMMITS: usize = 3;

/// The hash a translation's `translated_from` holds: the first 16 hex digits of the
/// SHA-256 of the source's text (line endings as `\n`, so that a checkout with CRLF
/// line endings agrees with one without).
pub fn source_hash(text: &str) -> String {
    let digest = if text.contains('\r') {
        Sha256::digest(text.replace("\r\n", "\n").as_bytes())
    } else {
        Sha256::digest(text.as_bytes())
    };
    digest.iter().take(HASH_LEN / 2).map(|b| format!("{b:02x}")).collect()
}

/// What [`check`] found.
#[derive(Debug, Default)]
pub struct Stale {
    /// A `stale-translation` warning for each stale translation.
    pub diagnostics: Vec<Diagnostic>,
    /// The stale translations' paths (`content/g/s.fr.md`).
    pub paths: BTreeSet<String>,
}

/// Checks every translation among `pages` (the Markdown files under `content/`)
/// against its source, by its `translated_from` key or else by `history`.
pub fn check(pages: &[SourceFile], history: &History) -> Stale {
    let mut stale = Stale::default();
    if !pages.iter().any(|p| crate::lang::split(&p.path).1.is_some()) {
        return stale; // no translation: every build of a one-language site asks
    }
    let texts: BTreeMap<&str, &str> = pages.iter().map(|p| (p.path.as_str(), p.text.as_str())).collect();
    for page in pages {
        let (source, Some(_)) = crate::lang::split(&page.path) else { continue };
        let Some(source_text) = texts.get(source.as_str()) else { continue }; // no source: the build says so
        let command = format!("`remedy translated {}`", page.path);
        let verdict = match translated_from(&page.text) {
            Some(key) => by_hash(&key, source_text, last_change(history, &source))
                .map(|(pos, why)| (pos, why, format!("bring it up to date, then run {command}"))),
            None => by_history(&page.path, &source, history)
                .map(|why| (Pos::START, why, format!("bring it up to date and commit it (or run {command})"))),
        };
        if let Some((pos, why, fix)) = verdict {
            let message = format!("this translation may be out of date: its source {source} {why}; {fix}");
            stale.diagnostics.push(Diagnostic::warning(&page.path, pos, Code::StaleTranslation, message));
            stale.paths.insert(page.path.clone());
        }
    }
    stale
}

/// The `translated_from` key of a file's front matter, when it is there as a string.
/// (A front matter that does not parse, or a key of another type, is the parse
/// stage's to report.)
pub fn translated_from(text: &str) -> Option<Located<String>> {
    let split = tree::split(text).ok()?;
    let entries = tree::read(split.block.as_ref()?, &LineIndex::new(text)).ok()?;
    let entry = entries.into_iter().find(|e| e.key == KEY)?;
    match entry.value.value {
        Value::Str(value) => Some(Located { value, pos: entry.key_pos }),
        _ => None,
    }
}

/// The source's last change as git knows it, for messages: not committed yet, or its
/// last commit.
fn last_change(history: &History, source: &str) -> Option<String> {
    if history.uncommitted.contains(source) {
        return Some("it has changes not committed yet".to_string());
    }
    history.of(source).next().map(|(_, c)| format!("its last commit: {}", describe(c)))
}

/// Stale by the key: where to say it and why, or `None` when the source's text still
/// has the hash the key holds. `last`: the source's last change, if known, named too.
fn by_hash(key: &Located<String>, source_text: &str, last: Option<String>) -> Option<(Pos, String)> {
    let written = key.value.trim().to_ascii_lowercase();
    let now = source_hash(source_text);
    if !(8..=64).contains(&written.len()) || !written.bytes().all(|b| b.is_ascii_hexdigit()) {
        let why = format!(
            "cannot be compared: `{KEY}` must be the hash `remedy translated` writes ({HASH_LEN} hex digits), not \"{}\"",
            key.value
        );
        return Some((key.pos, why));
    }
    if now.starts_with(&written) || written.starts_with(&now) {
        return None;
    }
    let mut why = format!(
        "changed since it was translated (`{KEY}` is \"{}\", the source's text now hashes to \"{now}\"",
        key.value
    );
    if let Some(last) = last {
        why.push_str("; ");
        why.push_str(&last);
    }
    why.push(')');
    Some((key.pos, why))
}

/// Stale by git: why, or `None` when the translation changed after its source (or
/// nothing is known).
fn by_history(translation: &str, source: &str, history: &History) -> Option<String> {
    if history.uncommitted.contains(translation) {
        return None; // being edited: counts as brought up to date
    }
    let (last, last_commit) = history.of(translation).next()?;
    // The source's commits the translation's last commit had not seen (on a branch
    // merged since, too), newest first.
    let seen = history.seen_by(last);
    let later: Vec<&Commit> = history.of(source).filter(|&(i, _)| !seen[i]).map(|(_, c)| c).collect();
    let dirty = history.uncommitted.contains(source);
    if later.is_empty() && !dirty {
        return None;
    }
    let mut changes: Vec<String> = Vec::new();
    if dirty {
        changes.push("changes not committed yet".to_string());
    }
    changes.extend(later.iter().take(NAMED_COMMITS).map(|c| describe(c)));
    let more = later.len().saturating_sub(NAMED_COMMITS);
    let mut list = changes.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    Some(format!("changed after the translation's last commit ({}): {list}", describe(last_commit)))
}

/// A commit as a message names it: `a1b2c3d 2026-01-03 "Say reboot"`.
fn describe(c: &Commit) -> String {
    format!("{} {} \"{}\"", c.hash, c.date, c.subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.into(), text: text.into() }
    }

    /// Commit `n` of `len` in a straight line (its parent is `n + 1`).
    fn commit(n: usize, len: usize) -> Commit {
        let (hash, date, subject) = (format!("c{n}"), format!("2026-01-{:02}", 28 - n), format!("Change {n}"));
        Commit { hash, date, subject, parents: (n + 1..len).take(1).collect() }
    }

    /// A straight history of `n` commits (c0 newest), each file changed by the commits
    /// listed.
    fn history(n: usize, files: &[(&str, &[usize])], uncommitted: &[&str]) -> History {
        History {
            commits: (0..n).map(|i| commit(i, n)).collect(),
            files: files.iter().map(|(p, c)| (p.to_string(), c.to_vec())).collect(),
            uncommitted: uncommitted.iter().map(|p| p.to_string()).collect(),
        }
    }

    const SOURCE: &str = "+++\ntitle = \"Restart\"\n+++\nRestart it.\n";
    const FR: &str = "+++\ntitle = \"Redémarrer\"\n+++\nRedémarrez-le.\n";
    const S: &str = "content/g/s.md";
    const T: &str = "content/g/s.fr.md";

    fn messages(stale: &Stale) -> Vec<String> {
        stale.diagnostics.iter().map(|d| format!("{}:{}:{} {}", d.path, d.pos.line, d.pos.col, d.message)).collect()
    }

    #[test]
    fn hashes_text_with_any_line_ending() {
        assert_eq!(source_hash("a\nb\n").len(), 16);
        assert_eq!(source_hash("a\r\nb\r\n"), source_hash("a\nb\n"));
        assert_ne!(source_hash("a\nb\n"), source_hash("a\nc\n"));
        // SHA-256("abc") starts ba7816bf8f01cfea.
        assert_eq!(source_hash("abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn a_source_committed_after_its_translation_makes_it_stale() {
        let pages = [file(S, SOURCE), file(T, FR)];
        // c0 (newest) changed the source; c1 both.
        let h = history(2, &[(S, &[0, 1]), (T, &[1])], &[]);
        let stale = check(&pages, &h);
        assert_eq!(
            messages(&stale),
            [format!(
                "{T}:1:1 this translation may be out of date: its source {S} changed after the translation's last commit \
                 (c1 2026-01-27 \"Change 1\"): c0 2026-01-28 \"Change 0\"; bring it up to date and commit it (or run `remedy translated {T}`)"
            )]
        );
        assert_eq!(stale.diagnostics[0].code, Code::StaleTranslation);
        assert!(!stale.diagnostics[0].is_error());
        assert_eq!(stale.paths.iter().collect::<Vec<_>>(), [T]);
    }

    #[test]
    fn a_translation_committed_after_its_source_is_up_to_date() {
        let pages = [file(S, SOURCE), file(T, FR)];
        assert!(check(&pages, &history(2, &[(S, &[1]), (T, &[0])], &[])).diagnostics.is_empty());
        // The same commit: translated together.
        assert!(check(&pages, &history(1, &[(S, &[0]), (T, &[0])], &[])).diagnostics.is_empty());
        // No history at all (not a checkout): nothing is known.
        assert!(check(&pages, &History::default()).diagnostics.is_empty());
        // A source with no translation, a translation with no source: nothing to say here.
        let alone = [file(S, SOURCE), file("content/g/other.fr.md", FR)];
        assert!(check(&alone, &history(2, &[(S, &[0]), ("content/g/other.fr.md", &[1])], &[])).diagnostics.is_empty());
    }

    #[test]
    fn a_source_change_merged_after_the_translation_makes_it_stale() {
        let pages = [file(S, SOURCE), file(T, FR)];
        // c0 merges c1 (the translation, on main) and c2 (the source, on a branch,
        // dated older); both branch off c3.
        let mut h = history(4, &[(S, &[2, 3]), (T, &[1, 3])], &[]);
        h.commits[0].parents = vec![1, 2];
        h.commits[1].parents = vec![3];
        let message = &messages(&check(&pages, &h))[0];
        assert!(message.contains("(c1 2026-01-27 \"Change 1\"): c2 2026-01-26 \"Change 2\";"), "{message}");
        // The translation made after merging the source's change is up to date.
        h.commits[1].parents = vec![2];
        assert!(check(&pages, &h).diagnostics.is_empty());
    }

    #[test]
    fn names_three_later_commits_and_counts_the_rest() {
        let pages = [file(S, SOURCE), file(T, FR)];
        let h = history(6, &[(S, &[0, 1, 2, 3, 4, 5]), (T, &[5])], &[]);
        let message = &messages(&check(&pages, &h))[0];
        assert!(
            message.contains(
                ": c0 2026-01-28 \"Change 0\", c1 2026-01-27 \"Change 1\", c2 2026-01-26 \"Change 2\" and 2 more;"
            ),
            "{message}"
        );
    }

    #[test]
    fn uncommitted_changes_count_as_the_newest() {
        let pages = [file(S, SOURCE), file(T, FR)];
        // The source is being edited: stale, even though the translation's commit is newer.
        let stale = check(&pages, &history(2, &[(S, &[1]), (T, &[0])], &[S]));
        assert!(
            messages(&stale)[0].contains("(c0 2026-01-28 \"Change 0\"): changes not committed yet;"),
            "{:?}",
            messages(&stale)
        );
        // The translation is being edited (or is new): counts as brought up to date.
        assert!(check(&pages, &history(2, &[(S, &[0]), (T, &[1])], &[T])).diagnostics.is_empty());
        assert!(check(&pages, &history(1, &[(S, &[0])], &[S, T])).diagnostics.is_empty());
    }

    #[test]
    fn the_key_decides_when_it_is_there() {
        let key = source_hash(SOURCE);
        let fr = format!("+++\ntitle = \"Redémarrer\"\n{KEY} = \"{key}\"\n+++\nRedémarrez-le.\n");
        let pages = [file(S, SOURCE), file(T, &fr)];
        // Up to date by the key, although git says the source changed later.
        let h = history(2, &[(S, &[0]), (T, &[1])], &[]);
        assert!(check(&pages, &h).diagnostics.is_empty());
        // A shorter prefix of the hash is fine too.
        let short = fr.replace(&key, &key[..8]);
        assert!(check(&[file(S, SOURCE), file(T, &short)], &h).diagnostics.is_empty());

        // The source changed: stale by the key, at the key, naming the source's last commit.
        let changed = SOURCE.replace("Restart it.", "Restart it twice.");
        let stale = check(&[file(S, &changed), file(T, &fr)], &h);
        assert_eq!(
            messages(&stale),
            [format!(
                "{T}:3:1 this translation may be out of date: its source {S} changed since it was translated (`translated_from` \
                 is \"{key}\", the source's text now hashes to \"{}\"; its last commit: c0 2026-01-28 \"Change 0\"); bring it \
                 up to date, then run `remedy translated {T}`",
                source_hash(&changed)
            )]
        );
        // Without git, the same, minus the commit.
        let stale = check(&[file(S, &changed), file(T, &fr)], &History::default());
        assert!(messages(&stale)[0].contains("now hashes to"), "{:?}", messages(&stale));
        assert!(!messages(&stale)[0].contains("last commit"));

        // A source being edited says so.
        let dirty = History { uncommitted: [S.to_string()].into(), ..h.clone() };
        let stale = check(&[file(S, &changed), file(T, &fr)], &dirty);
        assert!(messages(&stale)[0].contains("; it has changes not committed yet)"), "{:?}", messages(&stale));

        // Up to date by git, stale by the key: the key wins.
        let h = history(2, &[(S, &[1]), (T, &[0])], &[]);
        assert_eq!(check(&[file(S, &changed), file(T, &fr)], &h).paths.len(), 1);
    }

    #[test]
    fn a_key_that_is_no_hash_is_said_so() {
        let fr = "---\ntitle: Redémarrer\ntranslated_from: yesterday\n---\nRedémarrez-le.\n";
        let stale = check(&[file(S, SOURCE), file(T, fr)], &History::default());
        let message = &messages(&stale)[0];
        assert!(message.starts_with(&format!("{T}:3:1 ")), "{message}");
        assert!(
            message.contains("must be the hash `remedy translated` writes (16 hex digits), not \"yesterday\""),
            "{message}"
        );
    }

    #[test]
    fn reads_the_key_from_toml_and_yaml() {
        let toml = "+++\ntitle = \"T\"\ntranslated_from = \"abc\"\n+++\n";
        assert_eq!(translated_from(toml), Some(Located { value: "abc".into(), pos: Pos::new(3, 1) }));
        let yaml = "---\ntitle: T\ntranslated_from: \"abc\"\n---\n";
        assert_eq!(translated_from(yaml).map(|k| k.value), Some("abc".into()));
        assert_eq!(translated_from("+++\ntitle = \"T\"\n+++\n"), None);
        assert_eq!(translated_from("+++\ntranslated_from = 3\n+++\n"), None);
        assert_eq!(translated_from("no front matter"), None);
    }
}
