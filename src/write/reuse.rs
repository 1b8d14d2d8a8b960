//! Stage 5, disk: recognises a rebuild with nothing to do.
//!
//! A successful build (no error; warnings are kept) leaves a record, [`RECORD`], in
//! its output folder: a hash of everything the build read ([`InputKey`]: `site.toml` as parsed,
//! every source's text, every copied file's bytes, the drafts flag and the remedy
//! executable itself) and a hash of the output it wrote (every file's path and bytes,
//! every folder's path). The next build computes its own input key after `load`; when
//! it equals the record's **and** the output folder still hashes to what the record
//! says (read back from the disk, byte for byte), the output is already what this
//! build would write, and nothing is parsed, rendered or written.
//!
//! Nothing is trusted on its word: a missing, unreadable or malformed record, another
//! remedy binary, any changed input, and any output file added, removed or changed by
//! hand all mean a full build (which then writes a new record). The record also holds
//! the build's warnings: the same inputs give the same ones, and a skipped build
//! reports them again, so that a warning is never shown once and then forgotten.
//! Load's warnings, about files it did not read, are not in the input key: a load
//! with a warning is never skipped, and the record leaves them out, so a skipped
//! build never repeats one that is no longer true.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;
// XXH3, not the standard library's SipHash: a build hashes every byte it writes (300
// MB for 10,000 steps), and a rebuild with nothing changed reads them back and hashes
// them again. XXH3 is several times faster, and a record is only ever compared with
// a hash made by the same executable (its bytes are part of the key).
use xxhash_rust::xxh3::{xxh3_64, Xxh3 as Hasher64};

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{CopyFile, SourceFile, Sources, Theme};

/// The record's file name, in the output folder.
pub const RECORD: &str = ".remedy-reuse";
/// The first line of a record; a new format changes it.
const FORMAT: &str = "remedy reuse record 2";

/// A hash of everything a build reads (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputKey(u64);

impl InputKey {
    /// The key of a build of `sources` with the settings `config` (its `Debug` form:
    /// every setting, as parsed). `None` when something cannot be read (a copied file,
    /// the executable): such a build is never skipped.
    pub fn of(config: &impl std::fmt::Debug, sources: &Sources, include_drafts: bool) -> Option<InputKey> {
        // Destructured without `..`: a new kind of source is a compile error here
        // until it is part of the key.
        let Sources { pages, assets, static_files, theme, last_commit, i18n, history } = sources;
        let Theme { templates, static_files: theme_static, embedded_static } = theme;
        let mut h = Hasher64::new();
        FORMAT.hash(&mut h);
        executable()?.hash(&mut h);
        include_drafts.hash(&mut h);
        format!("{config:?}").hash(&mut h);
        texts(pages).hash(&mut h);
        texts(templates).hash(&mut h);
        // The string tables, and the history that says which translations are stale.
        texts(i18n).hash(&mut h);
        history.hash(&mut h);
        for copies in [assets, static_files, theme_static] {
            copied(copies)?.hash(&mut h);
        }
        embedded_static.hash(&mut h);
        last_commit.hash(&mut h);
        Some(InputKey(h.finish()))
    }
}

/// What the record of the output folder says about the build that wrote it, when that
/// build had the same inputs and the output is as it left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchanged {
    /// HTML pages the build made.
    pub pages: usize,
    /// Files in the output (the record not counted).
    pub files: usize,
    /// The warnings that build reported: the same inputs give the same ones, and a
    /// skipped build reports them again.
    pub warnings: Vec<Diagnostic>,
}

/// Whether `out_dir` already holds the output of a build with input key `key`,
/// checked against the disk (see the module comment).
pub fn unchanged(out_dir: &Path, key: InputKey) -> Option<Unchanged> {
    let text = fs::read_to_string(out_dir.join(RECORD)).ok()?;
    let record = Record::parse(&text)?;
    if record.input != key {
        return None;
    }
    let (output, files) = output_hash(out_dir)?;
    let Record { pages, warnings, .. } = record;
    (output == record.output && files == record.files).then_some(Unchanged { pages, files, warnings })
}

/// A record's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub input: InputKey,
    pub output: u64,
    pub pages: usize,
    pub files: usize,
    /// The build's diagnostics: warnings only (a build with errors leaves no record).
    pub warnings: Vec<Diagnostic>,
}

impl Record {
    /// The record as text: a line per field, then a line per warning (a JSON array:
    /// path, line, column, code, message).
    pub fn text(&self) -> String {
        let mut text = format!(
            "{FORMAT}\ninput {:016x}\noutput {:016x}\npages {}\nfiles {}\nwarnings {}\n",
            self.input.0,
            self.output,
            self.pages,
            self.files,
            self.warnings.len()
        );
        for d in &self.warnings {
            let line = (&d.path, d.pos.line, d.pos.col, d.code.as_str(), &d.message);
            text.push_str(&serde_json::to_string(&line).expect("strings and numbers serialize"));
            text.push('\n');
        }
        text
    }

    fn parse(text: &str) -> Option<Record> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        (lines.next()? == FORMAT).then_some(())?;
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(' ').map(str::to_string);
        let input = u64::from_str_radix(&field("input")?, 16).ok()?;
        let output = u64::from_str_radix(&field("output")?, 16).ok()?;
        let pages = field("pages")?.parse().ok()?;
        let files = field("files")?.parse().ok()?;
        let count: usize = field("warnings")?.parse().ok()?;
        let warnings = lines.by_ref().take(count).map(warning).collect::<Option<Vec<_>>>()?;
        let whole = warnings.len() == count && lines.next().is_none();
        whole.then_some(Record { input: InputKey(input), output, pages, files, warnings })
    }
}

/// A warning from its line in a record.
fn warning(line: &str) -> Option<Diagnostic> {
    let (path, line, col, code, message): (String, u32, u32, String, String) = serde_json::from_str(line).ok()?;
    let code = Code::named(&code)?;
    Some(Diagnostic::warning(path, Pos::new(line, col), code, message))
}

/// The hash of one output file's bytes.
pub(super) fn content_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The hash of an output folder from its files' paths (relative, `/` separators) and
/// content hashes, in any order: every folder on the way is part of it too, so an
/// output folder and the files [`super::Staging`] put into one hash alike.
pub(super) fn tree_hash(mut files: Vec<(String, u64)>) -> u64 {
    files.sort_unstable();
    let mut folders: Vec<&str> =
        files.iter().flat_map(|(path, _)| path.match_indices('/').map(|(i, _)| &path[..i])).collect();
    folders.sort_unstable();
    folders.dedup();
    let mut h = Hasher64::new();
    folders.hash(&mut h);
    files.hash(&mut h);
    h.finish()
}

/// The [`tree_hash`] of the output folder as it is on disk, and its file count (the
/// record left out); `None` when it holds anything but folders and plain files, an
/// empty folder, or cannot be read.
fn output_hash(out_dir: &Path) -> Option<(u64, usize)> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(out_dir).min_depth(1) {
        let entry = entry.ok()?;
        let rel = entry.path().strip_prefix(out_dir).ok()?.to_str()?.replace('\\', "/");
        let kind = entry.file_type();
        if kind.is_dir() {
            // An empty folder does not show in the files' paths: never the same.
            fs::read_dir(entry.path()).ok()?.next()?.ok()?;
        } else if kind.is_file() {
            if rel != RECORD {
                paths.push((rel, entry.into_path()));
            }
        } else {
            return None;
        }
    }
    let files: Option<Vec<(String, u64)>> =
        paths.into_par_iter().map(|(rel, disk)| Some((rel, file_hash(&disk)?))).collect();
    let files = files?;
    let count = files.len();
    Some((tree_hash(files), count))
}

/// Each source's path and text, hashed in parallel (the texts are most of the input).
fn texts(files: &[SourceFile]) -> Vec<u64> {
    files
        .par_iter()
        .map(|f| {
            let mut h = Hasher64::new();
            f.path.hash(&mut h);
            f.text.hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Each copied file's output path and source, and the hash of its bytes on disk.
fn copied(files: &[CopyFile]) -> Option<Vec<(&str, &str, u64)>> {
    files.par_iter().map(|c| Some((c.path.as_str(), c.source.as_str(), file_hash(&c.disk)?))).collect()
}

/// The running executable's bytes, hashed: another remedy writes other output.
fn executable() -> Option<u64> {
    file_hash(&std::env::current_exe().ok()?)
}

/// The [`content_hash`] of a file's bytes, read a piece at a time: the executable is
/// 20 MB, and memory the process has not touched yet costs a page fault per 4 KiB.
fn file_hash(path: &Path) -> Option<u64> {
    let mut file = fs::File::open(path).ok()?;
    let mut h = Hasher64::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Some(h.digest()),
            Ok(n) => h.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_hashed_piece_by_piece_hashes_like_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        for len in [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 200_000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            fs::write(&path, &bytes).unwrap();
            assert_eq!(file_hash(&path), Some(content_hash(&bytes)), "{len} bytes");
        }
        assert_eq!(file_hash(&dir.path().join("missing")), None);
    }

    #[test]
    fn records_round_trip_and_refuse_anything_else() {
        let warnings = vec![
            Diagnostic::warning("site.toml", Pos::START, Code::SearchBudget, "over \"50\" KiB\n\ttoo big"),
            Diagnostic::warning("content/a/b.md", Pos::new(12, 5), Code::UnknownKey, "`titel`: did you mean `title`?"),
        ];
        let record = Record { input: InputKey(0xfeed), output: 7, pages: 3, files: 12, warnings };
        assert_eq!(Record::parse(&record.text()), Some(record.clone()));
        let text = record.text();
        for bad in [
            String::new(),
            text.replace("record 2", "record 1"),
            text.replace("input", "inputs"),
            text.replace("pages 3", "pages x"),
            format!("{text}extra\n"),
            text.trim_end().to_string(),
            text.replace("warnings 2", "warnings 3"),
            text.replace("warnings 2", "warnings 1"),
            text.replace("search-budget", "no-such-code"),
            text.replace("[\"site.toml\",1,1,", "[\"site.toml\",\"1\",1,"),
        ] {
            assert_eq!(Record::parse(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_tree_hash_sees_paths_and_bytes_not_order() {
        let a = vec![("a/b.html".to_string(), 1), ("c.js".to_string(), 2)];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(tree_hash(a.clone()), tree_hash(b));
        assert_ne!(tree_hash(a.clone()), tree_hash(vec![("a/b.html".into(), 1), ("c.js".into(), 3)]));
        assert_ne!(tree_hash(a), tree_hash(vec![("a/b.html".into(), 1), ("d.js".into(), 2)]));
    }

    #[test]
    fn the_input_key_sees_every_source() {
        let sources = Sources {
            pages: vec![SourceFile { path: "content/a.md".into(), text: "one".into() }],
            ..Sources::default()
        };
        let key = |s: &Sources, config: &str, drafts| InputKey::of(&config, s, drafts).unwrap();
        let base = key(&sources, "c", false);
        assert_eq!(base, key(&sources.clone(), "c", false), "the same inputs, the same key");
        assert_ne!(base, key(&sources, "c", true), "drafts");
        assert_ne!(base, key(&sources, "d", false), "settings");
        let mut edited = sources.clone();
        edited.pages[0].text.push('!');
        assert_ne!(base, key(&edited, "c", false), "a page's text");
        let mut themed = sources.clone();
        themed.theme.templates.push(SourceFile { path: "themes/t/templates/step.html".into(), text: "x".into() });
        assert_ne!(base, key(&themed, "c", false), "a template");
        let mut dated = sources;
        dated.last_commit.insert("content/a.md".into(), "2026-01-01".into());
        assert_ne!(base, key(&dated, "c", false), "a page's last commit date");
    }
}
