//! Stage 5, disk: puts an [`Output`] into the output folder, safely.
//!
//! - The build is written into a staging folder beside the output and swapped in
//!   only when every file was written: a failed build leaves the old output as it was.
//! - remedy only ever replaces a folder that carries its marker file ([`MARKER`]);
//!   a non-empty folder without it is refused, as are the site folder itself, its
//!   parents, and the folders that hold the site's sources.
//! - Every output path is checked to stay inside the output folder.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::model::Output;

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

/// Writes the output and swaps it into place. On error, nothing of the old output
/// has changed and the staging folder is gone.
pub fn write(output: &Output, site_dir: &Path, out_dir: &Path, force: bool) -> Result<(), WriteError> {
    check_out_dir(site_dir, out_dir, force)?;
    let out = absolute(out_dir);
    let parent = out.parent().ok_or_else(|| fail(out_dir, "the output folder has no parent folder"))?;
    let name = out.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
    fs::create_dir_all(parent).map_err(|e| fail(parent, format!("cannot create the folder: {e}")))?;
    let staging = parent.join(format!(".{name}.remedy-staging-{}", std::process::id()));
    remove_ours(&staging)?;

    if let Err(e) = write_all(output, &staging) {
        let _ = remove_ours(&staging);
        return Err(e);
    }
    let old = parent.join(format!(".{name}.remedy-old-{}", std::process::id()));
    let foreign = out.is_dir() && !out.join(MARKER).exists();
    if foreign && fs::read_dir(&out).is_ok_and(|mut d| d.next().is_none()) {
        // An empty folder: make way for the output.
        fs::remove_dir(&out).map_err(|e| fail(&out, format!("cannot replace the empty folder: {e}")))?;
    }
    if out.exists() {
        remove_ours(&old)?;
        fs::rename(&out, &old).map_err(|e| {
            let _ = remove_ours(&staging);
            fail(&out, format!("cannot move the previous output aside: {e}"))
        })?;
    }
    if let Err(e) = fs::rename(&staging, &out) {
        if old.exists() {
            let _ = fs::rename(&old, &out);
        }
        let _ = remove_ours(&staging);
        return Err(fail(&out, format!("cannot move the new output into place: {e}")));
    }
    if foreign && old.exists() {
        // Only reachable with --force (check_out_dir refused it otherwise).
        return fs::remove_dir_all(&old).map_err(|e| fail(&old, format!("cannot remove the old output: {e}")));
    }
    remove_ours(&old)
}

/// Writes every file into `staging`: the folders first, then the files in parallel.
/// Every file is tried; the error reported is the first in output order (the
/// caller removes the staging folder).
fn write_all(output: &Output, staging: &Path) -> Result<(), WriteError> {
    fs::create_dir_all(staging).map_err(|e| fail(staging, format!("cannot create the folder: {e}")))?;
    write_file(&staging.join(MARKER), MARKER_TEXT.as_bytes())?;
    let files: Vec<(PathBuf, &[u8])> = output
        .files
        .iter()
        .map(|f| Ok((inside(staging, &f.path)?, f.contents.as_slice())))
        .collect::<Result<_, WriteError>>()?;
    let copies: Vec<(PathBuf, &Path)> =
        output.copies.iter().map(|c| Ok((inside(staging, &c.path)?, c.disk.as_path()))).collect::<Result<_, _>>()?;
    let folders: BTreeSet<&Path> =
        files.iter().map(|(p, _)| p).chain(copies.iter().map(|(p, _)| p)).filter_map(|p| p.parent()).collect();
    for folder in folders {
        fs::create_dir_all(folder).map_err(|e| fail(folder, format!("cannot create the folder: {e}")))?;
    }
    let written: Vec<Result<(), WriteError>> = files.par_iter().map(|(path, bytes)| write_file(path, bytes)).collect();
    written.into_iter().collect::<Result<(), _>>()?;
    let copied: Vec<Result<(), WriteError>> = copies
        .par_iter()
        .map(|(path, disk)| {
            fs::copy(disk, path).map(drop).map_err(|e| fail(disk, format!("cannot copy to the output: {e}")))
        })
        .collect();
    copied.into_iter().collect()
}

/// Creates (or truncates) `path` and writes `contents`; its folder must exist.
fn write_file(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let mut file = fs::File::create(path).map_err(|e| fail(path, format!("cannot write: {e}")))?;
    file.write_all(contents).map_err(|e| fail(path, format!("cannot write: {e}")))
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
}
