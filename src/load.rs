//! Stage 1, disk: reads the site folder into [`Sources`].
//!
//! It walks `content/`, the theme, `i18n/` and `static/` in sorted order (so builds are
//! deterministic), reads Markdown and templates as UTF-8 text, and lists every other
//! file to be copied. It never follows symbolic links: a link is skipped with a
//! warning, so nothing outside the site is read and a link loop cannot hang it.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{Config, CONFIG_FILE, DEFAULT_MAX_FILE_SIZE_KB};
use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};
use crate::model::{CopyFile, SourceFile, Sources, Theme};
use crate::theme;

/// Reads `site.toml`; `Ok(None)` when there is none.
pub fn read_config(site_dir: &Path) -> Result<Option<String>, Diagnostic> {
    let path = site_dir.join(CONFIG_FILE);
    if !path.exists() {
        return Ok(None);
    }
    read_text(&path, CONFIG_FILE, DEFAULT_MAX_FILE_SIZE_KB * 1024).map(Some)
}

/// Reads everything under the site folder that a build uses.
pub fn load(site_dir: &Path, config: &Config) -> (Sources, Vec<Diagnostic>) {
    let (sources, _, diagnostics) = load_with(site_dir, config, &|_| false);
    (sources, diagnostics)
}

/// Like [`load`], but does not read the Markdown files under `content/` for which
/// `known` is true (`serve` keeps their text from an earlier run): they are left out
/// of `Sources::pages`. Also returns the paths of all Markdown files, read or not,
/// in the order `load` lists them.
pub fn load_with(
    site_dir: &Path,
    config: &Config,
    known: &dyn Fn(&str) -> bool,
) -> (Sources, Vec<String>, Vec<Diagnostic>) {
    let theme_name = config.theme.as_str();
    let limit = config.max_file_size_kb * 1024;
    let mut sources = Sources::default();
    let mut markdown = Vec::new();
    let mut diagnostics = Vec::new();

    let content = site_dir.join("content");
    if !content.is_dir() {
        let message =
            "there is no content/ folder: a site keeps its pages in content/ (content/_index.md, content/<guide>/...)";
        diagnostics.push(Diagnostic::error("content/", Pos::START, Code::MissingContent, message));
    }
    let mut to_read = Vec::new();
    for file in walk(site_dir, "content", &mut diagnostics) {
        if file.rel.ends_with(".md") {
            markdown.push(file.source.clone());
            if !known(&file.source) {
                to_read.push(file);
            }
        } else {
            sources.assets.push(CopyFile { path: file.rel, disk: file.disk, source: file.source });
        }
    }
    // Read on every core, kept in walk order: on a big site this is most of load.
    let read: Vec<_> = to_read
        .into_par_iter()
        .map(|file| read_text(&file.disk, &file.source, limit).map(|text| SourceFile { path: file.source, text }))
        .collect();
    for result in read {
        match result {
            Ok(page) => sources.pages.push(page),
            Err(d) => diagnostics.push(d),
        }
    }

    let theme_dir = format!("themes/{theme_name}");
    if site_dir.join(&theme_dir).is_dir() {
        let mut theme = Theme::default();
        for file in walk(site_dir, &format!("{theme_dir}/templates"), &mut diagnostics) {
            match read_text(&file.disk, &file.source, limit) {
                Ok(text) => theme.templates.push(SourceFile { path: file.source, text }),
                Err(d) => diagnostics.push(d),
            }
        }
        for file in walk(site_dir, &format!("{theme_dir}/static"), &mut diagnostics) {
            theme.static_files.push(CopyFile { path: file.rel, disk: file.disk, source: file.source });
        }
        sources.theme = theme;
        sources.i18n.extend(read_tables(site_dir, &format!("{theme_dir}/i18n"), limit, &mut diagnostics));
    } else if theme_name == theme::DEFAULT {
        sources.theme = theme::embedded();
    } else {
        let message = format!("theme `{theme_name}` not found: there is no folder {theme_dir}/");
        diagnostics.push(Diagnostic::error(CONFIG_FILE, Pos::START, Code::MissingTheme, message));
    }

    sources.i18n.extend(read_tables(site_dir, "i18n", limit, &mut diagnostics));
    sources.history = crate::git::history(site_dir);
    sources.last_commit = sources.history.last_dates();
    for file in walk(site_dir, "static", &mut diagnostics) {
        sources.static_files.push(CopyFile { path: file.rel, disk: file.disk, source: file.source });
    }
    (sources, markdown, diagnostics)
}

/// The string tables (`*.toml`) in `folder`; other files there are left alone.
fn read_tables(site_dir: &Path, folder: &str, limit: u64, diagnostics: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for file in walk(site_dir, folder, diagnostics) {
        if !file.rel.ends_with(".toml") {
            continue;
        }
        match read_text(&file.disk, &file.source, limit) {
            Ok(text) => out.push(SourceFile { path: file.source, text }),
            Err(d) => diagnostics.push(d),
        }
    }
    out
}

struct Found {
    /// Relative to the walked folder.
    rel: String,
    /// Relative to the site folder.
    source: String,
    disk: PathBuf,
}

/// The regular files under `site_dir/folder`, sorted, skipping hidden files and
/// editor leftovers, and warning about (not following) symbolic links.
fn walk(site_dir: &Path, folder: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Found> {
    let root = site_dir.join(folder);
    if !root.is_dir() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = WalkDir::new(&root).follow_links(false).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy())) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().map_or(folder.to_string(), |p| site_relative(site_dir, p));
                diagnostics.push(Diagnostic::error(at, Pos::START, Code::ReadError, format!("cannot read: {e}")));
                continue;
            }
        };
        let source = site_relative(site_dir, entry.path());
        if entry.path_is_symlink() {
            let message = "symbolic link not followed: copy the file into the site instead";
            diagnostics.push(Diagnostic::warning(source, Pos::START, Code::SymlinkSkipped, message));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = source.strip_prefix(folder).unwrap_or(&source).trim_start_matches('/').to_string();
        found.push(Found { rel, source, disk: entry.into_path() });
    }
    found
}

/// Hidden files (`.git`, `.DS_Store`) and editor leftovers (`x~`, `.x.swp`, `#x#`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn site_relative(site_dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(site_dir).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Reads a file as UTF-8 text: a UTF-8 byte-order mark is dropped; UTF-16, invalid
/// UTF-8 and files over `limit` bytes are errors that say where and why.
pub fn read_text(disk: &Path, source: &str, limit: u64) -> Result<String, Diagnostic> {
    let error = |pos, code, message: String| Diagnostic::error(source, pos, code, message);
    let file = File::open(disk).map_err(|e| error(Pos::START, Code::ReadError, format!("cannot read: {e}")))?;
    // Sized from the file's length (`take` hides it from `read_to_end`): one
    // allocation instead of a dozen doublings.
    let size = file.metadata().map_or(0, |m| m.len().min(limit + 1));
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(Pos::START, Code::ReadError, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit {
        let message = format!(
            "file is larger than the limit of {} KB (`max_file_size_kb` in site.toml); split it up",
            limit / 1024
        );
        return Err(error(Pos::START, Code::FileTooLarge, message));
    }
    decode(bytes).map_err(|(pos, message)| error(pos, Code::Encoding, message))
}

fn decode(mut bytes: Vec<u8>) -> Result<String, (Pos, String)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((Pos::START, "file is UTF-16; save it as UTF-8".into()));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).expect("valid up to here");
        let pos = LineIndex::new(prefix).pos(valid);
        (pos, format!("file is not valid UTF-8 at byte {valid}; save it as UTF-8"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
        assert_eq!(decode(b"\xFF\xFEh\0".to_vec()).unwrap_err().1, "file is UTF-16; save it as UTF-8");
        let (pos, message) = decode(b"ab\ncd\xFFef".to_vec()).unwrap_err();
        assert_eq!((pos, message.as_str()), (Pos::new(2, 3), "file is not valid UTF-8 at byte 5; save it as UTF-8"));
    }

    #[test]
    fn ignored_names() {
        for name in [".git", ".step.md.swp", "step.md~", "#step.md#", ".#step.md"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("step.md"));
    }
}
