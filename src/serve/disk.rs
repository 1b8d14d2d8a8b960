//! Opening a copied file (an image beside a page, a file of `static/`) to serve it,
//! without following a symbolic link anywhere below the site folder.
//!
//! `load` never follows links, but a file can be replaced by one after the build.
//! Checking first and opening after leaves a window in which the file can be swapped
//! for a link; so on Unix each component below the site folder is opened relative to
//! the one before with `O_NOFOLLOW` (a link anywhere fails the open), the last one
//! with `O_NONBLOCK` too (a FIFO put there cannot block the server), and what was
//! opened must be a regular file. The site folder itself may be reached through a
//! link: the writer chose it.

use std::fs::File;
use std::io;
use std::path::{Component, Path};

fn refused(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why.to_string())
}

/// Opens `path` (a file under `root`) for reading, following no symbolic link below
/// `root`; an error when any component is a link or the file is not a regular file.
pub fn open_beneath(root: &Path, path: &Path) -> io::Result<File> {
    let rel = path.strip_prefix(root).map_err(|_| refused("not under the site folder"))?;
    let mut names = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => names.push(name),
            Component::CurDir => {}
            _ => return Err(refused("not a plain path")),
        }
    }
    if names.is_empty() {
        return Err(refused("not a file"));
    }
    let file = open_names(root, &names)?;
    if !file.metadata()?.is_file() {
        return Err(refused("not a regular file"));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_names(root: &Path, names: &[&std::ffi::OsStr]) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let mut fd = rustix::fs::open(root, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::DIRECTORY, Mode::empty())?;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let kind = if last { OFlags::NONBLOCK } else { OFlags::DIRECTORY };
        fd = rustix::fs::openat(&fd, *name, flags | kind, Mode::empty())?;
    }
    Ok(File::from(fd))
}

/// Elsewhere: a check of each component, then an open (a short race remains).
#[cfg(not(unix))]
fn open_names(root: &Path, names: &[&std::ffi::OsStr]) -> io::Result<File> {
    let mut path = root.to_path_buf();
    for name in names {
        path.push(name);
        if path.symlink_metadata()?.file_type().is_symlink() {
            return Err(refused("a symbolic link"));
        }
    }
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn links_anywhere_below_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static/img")).unwrap();
        std::fs::write(root.join("static/img/a.png"), "png").unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        let mut text = String::new();
        open_beneath(&root, &root.join("static/img/a.png")).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "png");
        // The last component a link, a folder on the way a link, a folder, a FIFO.
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("static/img/b.png")).unwrap();
        std::os::unix::fs::symlink(root.join("static/img"), root.join("static/linked")).unwrap();
        for bad in ["static/img/b.png", "static/linked/a.png", "static/img", "static/nope.png"] {
            assert!(open_beneath(&root, &root.join(bad)).is_err(), "{bad}");
        }
        let fifo = root.join("static/fifo");
        if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
            assert!(open_beneath(&root, &fifo).is_err(), "a FIFO neither blocks nor is served");
        }
        // Outside the root, or not a plain path.
        assert!(open_beneath(&root, &dir.path().join("secret")).is_err());
        assert!(open_beneath(&root, &root.join("static/../static/img/a.png")).is_err());
        // The root itself may be reached through a link.
        let alias = dir.path().join("alias");
        std::os::unix::fs::symlink(&root, &alias).unwrap();
        assert!(open_beneath(&alias, &alias.join("static/img/a.png")).is_ok());
    }
}
