//! Stage 5, disk: puts an [`Output`] into the output folder, safely.
//!
//! - The build is written into a staging folder beside the output and swapped in
//!   only when every file was written: a failed build leaves the old output as it was.
//! - remedy only ever replaces a folder that carries its marker file ([`MARKER`]);
//!   a non-empty folder without it is refused, as are the site folder itself, its
//!   parents, and the folders that hold the site's sources.
//! - Every output path is checked to stay inside the output folder.
//! - Unchanged files are not written again: a file whose bytes equal the previous
//!   build's is hard-linked from it into the staging folder ([`Staging`]), so a
//!   rebuild writes only what changed and unchanged files keep their inode and mtime.
//! - A rebuild whose inputs and output are those of the previous build does nothing
//!   at all ([`reuse`]).

pub mod reuse;

use std::fs;
use std::io::{BufRead, ErrorKind, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Output;
use reuse::{InputKey, Record};

/// The file that marks a folder as remedy's output.
pub const MARKER: &str = ".remedy-output";
const MARKER_TEXT: &str = "This folder is written by remedy. Each build replaces all of it.\n";

/// Why the output folder cannot be used, or what failed while writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: error: {}", self.path.display(), self.message)
    }
}

fn fail(path: &Path, message: impl Into<String>) -> WriteError {
    WriteError { path: path.to_path_buf(), message: message.into() }
}

/// Refuses output folders that would destroy something remedy did not make.
/// `force` allows replacing a folder without the marker, but never the site folder,
/// its parents, its source folders or the home folder.
pub fn check_out_dir(site_dir: &Path, out_dir: &Path, force: bool) -> Result<(), WriteError> {
    let site = absolute(site_dir);
    let out = absolute(out_dir);
    if site.starts_with(&out) {
        return Err(fail(
            out_dir,
            "refusing to write here: the output folder would replace the site folder or one of its parents",
        ));
    }
    for source in ["content", "themes", "static"] {
        if out.starts_with(site.join(source)) {
            return Err(fail(
                out_dir,
                format!("refusing to write into {source}/: the output must not mix with the sources"),
            ));
        }
    }
    if std::env::var_os("HOME").is_some_and(|home| absolute(Path::new(&home)) == out) {
        return Err(fail(out_dir, "refusing to write into the home folder"));
    }
    if out.is_dir() && !out.join(MARKER).is_file() && !force {
        let mut entries =
            fs::read_dir(&out).map_err(|e| fail(out_dir, format!("cannot read the output folder: {e}")))?;
        if entries.next().is_some() {
            return Err(fail(
                out_dir,
                format!("refusing to replace this folder: it is not empty and was not made by remedy (it has no {MARKER} file); choose a new or empty folder with --out, or replace it anyway with --force"),
            ));
        }
    } else if out.exists() && !out.is_dir() {
        return Err(fail(out_dir, "the output path exists and is not a folder"));
    }
    Ok(())
}

/// How many files a build wrote anew and how many it kept from the previous output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created in the staging folder (new or changed).
    pub written: usize,
    /// Files whose bytes equal the previous output's: hard-linked, not written.
    pub reused: usize,
}

/// A build being written: a staging folder beside the output folder that files go
/// into one by one (from any thread), then [`Staging::commit`] swaps it in. Dropped
/// without a commit, it removes the staging folder and the output stays as it was.
///
/// When the output folder holds remedy's previous build, a file whose bytes are the
/// same as there is hard-linked from it instead of written: it keeps its inode and
/// modification time (so `rsync` and similar deploys skip it), and the file system
/// allocates no inode for it. Files of the previous output are never written to:
/// new or changed files are always new files, so the old output stays intact until
/// the swap, even if the build fails half-way.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// The previous output, when it is remedy's (it holds the marker).
    previous: Option<PathBuf>,
    written: AtomicUsize,
    reused: AtomicUsize,
    /// Every file put so far, with the hash of its bytes (for [`reuse`]'s record).
    hashes: Mutex<Vec<(String, u64)>>,
    /// What [`Staging::remember`] was told: the record is written at the commit.
    record: Mutex<Option<(InputKey, usize, Vec<Diagnostic>)>>,
    committed: bool,
}

impl Staging {
    /// Checks the output folder (see [`check_out_dir`]) and makes an empty staging
    /// folder beside it, with the marker.
    pub fn begin(site_dir: &Path, out_dir: &Path, force: bool) -> Result<Staging, WriteError> {
        check_out_dir(site_dir, out_dir, force)?;
        let out = absolute(out_dir);
        let parent = out.parent().ok_or_else(|| fail(out_dir, "the output folder has no parent folder"))?;
        let name = out.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(parent).map_err(|e| fail(parent, format!("cannot create the folder: {e}")))?;
        let dir = parent.join(format!(".{name}.remedy-staging-{}", std::process::id()));
        remove_ours(&dir)?;
        fs::create_dir(&dir).map_err(|e| fail(&dir, format!("cannot create the folder: {e}")))?;
        let previous = out.join(MARKER).is_file().then(|| out.clone());
        let staging = Staging {
            out,
            dir,
            previous,
            written: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            hashes: Mutex::new(Vec::new()),
            record: Mutex::new(None),
            committed: false,
        };
        // The marker first: it is what lets remedy remove the staging folder again.
        staging.file(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Puts `contents` at `rel` (a relative output path, `/` separators): a link to
    /// the previous output's file when its bytes are the same, else a new file.
    pub fn file(&self, rel: &str, contents: &[u8]) -> Result<(), WriteError> {
        let path = inside(&self.dir, rel)?;
        self.hashed(rel, contents);
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if same_as_bytes(&old, contents) && self.link(&old, &path) {
                return Ok(());
            }
        }
        with_parent(&path, || write_file(&path, contents)).map_err(|e| fail(&path, format!("cannot write: {e}")))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies the file at `disk` to `rel`, or links the previous output's copy when
    /// it has the same bytes. An error names `disk`.
    pub fn copy(&self, rel: &str, disk: &Path) -> Result<(), WriteError> {
        let path = inside(&self.dir, rel)?;
        let bytes = fs::read(disk).map_err(|e| fail(disk, format!("cannot copy to the output: {e}")))?;
        self.hashed(rel, &bytes);
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if same_as_file(&old, disk) && self.link(&old, &path) {
                return Ok(());
            }
        }
        // A new file, like every other (never `fs::copy`, which would write into a file
        // already there: one linked from the previous output).
        with_parent(&path, || write_file(&path, &bytes))
            .map_err(|e| fail(disk, format!("cannot copy to the output: {e}")))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn hashed(&self, rel: &str, contents: &[u8]) {
        let hash = reuse::content_hash(contents);
        self.hashes.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), hash));
    }

    /// Asks for a [`reuse`] record in the output: the build that is being written
    /// read inputs with `key`, made `pages` pages, and reported these `warnings` (and
    /// no error).
    pub fn remember(&self, key: InputKey, pages: usize, warnings: Vec<Diagnostic>) {
        *self.record.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, pages, warnings));
    }

    /// Hard-links `old` at `path`; false when that fails (the caller writes instead:
    /// some file systems have no hard links).
    fn link(&self, old: &Path, path: &Path) -> bool {
        let linked = with_parent(path, || fs::hard_link(old, path)).is_ok();
        if linked {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        linked
    }

    /// What went into the staging folder so far.
    pub fn stats(&self) -> WriteStats {
        WriteStats { written: self.written.load(Ordering::Relaxed), reused: self.reused.load(Ordering::Relaxed) }
    }

    /// Swaps the staging folder in as the output folder and removes the previous
    /// output (only if remedy made it, or with `--force`). On error the previous
    /// output is back in place and the staging folder is gone.
    pub fn commit(mut self) -> Result<WriteStats, WriteError> {
        self.committed = true;
        let stats = self.stats();
        let (out, staging) = (&self.out, &self.dir);
        let parent = out.parent().ok_or_else(|| fail(out, "the output folder has no parent folder"))?;
        let name = out.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let old = parent.join(format!(".{name}.remedy-old-{}", std::process::id()));
        let foreign = out.is_dir() && !out.join(MARKER).exists();
        let give_up = |e: WriteError| {
            let _ = remove_ours(staging);
            e
        };
        if let Some((input, pages, warnings)) = self.record.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let files = std::mem::take(&mut *self.hashes.lock().unwrap_or_else(|e| e.into_inner()));
            let record = Record { input, pages, files: files.len(), output: reuse::tree_hash(files), warnings };
            let path = staging.join(reuse::RECORD);
            write_file(&path, record.text().as_bytes())
                .map_err(|e| give_up(fail(&path, format!("cannot write: {e}"))))?;
        }
        if foreign && fs::read_dir(out).is_ok_and(|mut d| d.next().is_none()) {
            // An empty folder: make way for the output.
            fs::remove_dir(out).map_err(|e| give_up(fail(out, format!("cannot replace the empty folder: {e}"))))?;
        }
        if out.exists() {
            remove_ours(&old).map_err(give_up)?;
            fs::rename(out, &old)
                .map_err(|e| give_up(fail(out, format!("cannot move the previous output aside: {e}"))))?;
        }
        if let Err(e) = fs::rename(staging, out) {
            if old.exists() {
                let _ = fs::rename(&old, out);
            }
            return Err(give_up(fail(out, format!("cannot move the new output into place: {e}"))));
        }
        if foreign && old.exists() {
            // Only reachable with --force (check_out_dir refused it otherwise).
            fs::remove_dir_all(&old).map_err(|e| fail(&old, format!("cannot remove the old output: {e}")))?;
        } else {
            remove_ours(&old)?;
        }
        Ok(stats)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // (Without its marker, the folder can only be empty: remove_dir.)
            let _ = remove_ours(&self.dir).or_else(|_| fs::remove_dir(&self.dir));
        }
    }
}

/// Writes the output and swaps it into place. On error, nothing of the old output
/// has changed and the staging folder is gone.
pub fn write(output: &Output, site_dir: &Path, out_dir: &Path, force: bool) -> Result<WriteStats, WriteError> {
    let staging = Staging::begin(site_dir, out_dir, force)?;
    write_into(&staging, output)?;
    staging.commit()
}

/// Puts every file and copy of `output` into `staging`, in parallel. Every file is
/// tried; the error reported is the first in output order.
pub fn write_into(staging: &Staging, output: &Output) -> Result<(), WriteError> {
    let written: Vec<Result<(), WriteError>> =
        output.files.par_iter().map(|f| staging.file(&f.path, &f.contents)).collect();
    written.into_iter().collect::<Result<(), _>>()?;
    let copied: Vec<Result<(), WriteError>> =
        output.copies.par_iter().map(|c| staging.copy(&c.path, &c.disk)).collect();
    copied.into_iter().collect()
}

/// Runs `op`; when it fails because `path`'s folder does not exist yet, makes the
/// folder and runs it again, once. (Folders are made as files arrive, from any
/// thread: `create_dir_all` accepts a folder another thread made meanwhile, and the
/// second try must not depend on which thread made it.)
fn with_parent(path: &Path, mut op: impl FnMut() -> std::io::Result<()>) -> std::io::Result<()> {
    match op() {
        Err(e) if e.kind() == ErrorKind::NotFound => match path.parent() {
            Some(parent) => {
                fs::create_dir_all(parent)?;
                op()
            }
            None => Err(e),
        },
        other => other,
    }
}

/// Creates `path` (which must not exist: files are never written in place) and
/// writes `contents`.
fn write_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)
}

/// Whether `path` is a plain file (not a link) holding exactly `contents`.
fn same_as_bytes(path: &Path, contents: &[u8]) -> bool {
    let Some(mut file) = plain_file(path, contents.len() as u64) else { return false };
    let mut rest = contents;
    let mut buf = vec![0; CHUNK.min(contents.len() + 1)];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Whether `path` is a plain file (not a link) with the same bytes as the file at `disk`.
fn same_as_file(path: &Path, disk: &Path) -> bool {
    let Ok(len) = fs::metadata(disk).map(|m| m.len()) else { return false };
    let Some(old) = plain_file(path, len) else { return false };
    let Ok(new) = fs::File::open(disk) else { return false };
    let (mut old, mut new) =
        (std::io::BufReader::with_capacity(CHUNK, old), std::io::BufReader::with_capacity(CHUNK, new));
    loop {
        let (Ok(a), Ok(b)) = (old.fill_buf(), new.fill_buf()) else { return false };
        if a.is_empty() || b.is_empty() {
            return a.is_empty() && b.is_empty();
        }
        let n = a.len().min(b.len());
        if a[..n] != b[..n] {
            return false;
        }
        old.consume(n);
        new.consume(n);
    }
}

/// Comparisons read this much at a time.
const CHUNK: usize = 64 * 1024;

/// `path` opened for reading, if it is a plain file (not a link) of `len` bytes.
fn plain_file(path: &Path, len: u64) -> Option<fs::File> {
    let meta = fs::symlink_metadata(path).ok()?;
    (meta.is_file() && meta.len() == len).then(|| fs::File::open(path).ok()).flatten()
}

/// `root/rel`, provided `rel` is a plain relative path that stays inside `root`.
pub fn inside(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let path = Path::new(rel);
    let plain =
        !rel.is_empty() && !rel.contains(['\\', '\0']) && path.components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(root.join(path))
    } else {
        Err(fail(Path::new(rel), "output path escapes the output folder"))
    }
}

/// Removes a folder only if remedy made it (it holds the marker), or it is absent.
fn remove_ours(dir: &Path) -> Result<(), WriteError> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.join(MARKER).is_file() {
        return Err(fail(dir, format!("refusing to remove a folder without the {MARKER} marker")));
    }
    fs::remove_dir_all(dir).map_err(|e| fail(dir, format!("cannot remove the old output: {e}")))
}

fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    // The folder does not exist yet: make its existing parent canonical.
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut normal = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    match (normal.parent(), normal.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => {
            parent.canonicalize().unwrap_or(parent.to_path_buf()).join(name)
        }
        _ => normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_refuses_escapes() {
        let root = Path::new("/out");
        assert_eq!(inside(root, "g/s.html").unwrap(), PathBuf::from("/out/g/s.html"));
        for bad in ["../x", "/etc/passwd", "a/../../x", "a\\..\\x", "", "./x", "a\0b"] {
            assert!(inside(root, bad).is_err(), "{bad:?}");
        }
    }

    /// Many threads putting files into nested folders that do not exist yet: every
    /// file lands. (The race this guards against, two threads both missing a folder,
    /// showed in the integration tests; this test does not reproduce it reliably.)
    #[test]
    fn a_copy_never_writes_into_a_file_already_there() {
        // The file at the path may be linked from the previous output: a copy onto it
        // is an error, and the file (and so the previous output) keeps its bytes.
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let out = dir.path().join("out");
        let first = Staging::begin(&site, &out, false).unwrap();
        first.file("search/index.js", b"the index").unwrap();
        first.commit().unwrap();
        let other = dir.path().join("other.js");
        fs::write(&other, "not the index").unwrap();
        let second = Staging::begin(&site, &out, false).unwrap();
        second.file("search/index.js", b"the index").unwrap(); // linked from `out`
        assert!(second.copy("search/index.js", &other).is_err());
        drop(second);
        assert_eq!(fs::read(out.join("search/index.js")).unwrap(), b"the index");
    }

    #[test]
    fn files_from_many_threads_make_their_folders() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        let out = dir.path().join("out");
        for _ in 0..20 {
            let staging = Staging::begin(&site, &out, false).unwrap();
            let paths: Vec<String> = (0..64).map(|i| format!("d{}/e{}/f{i}.html", i % 3, i % 2)).collect();
            let results: Vec<_> = paths.par_iter().map(|p| staging.file(p, p.as_bytes())).collect();
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            staging.commit().unwrap();
            for p in &paths {
                assert_eq!(fs::read(out.join(p)).unwrap(), p.as_bytes());
            }
            fs::remove_dir_all(&out).unwrap();
        }
    }
}
