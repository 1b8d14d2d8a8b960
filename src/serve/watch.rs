//! Watching the site folder: `site.toml`, `content/`, `themes/`, `i18n/` and `static/`.
//!
//! Events are gathered until the folder has been quiet for a moment, so that one
//! save gives one rebuild however many events the editor makes, and a burst (a
//! `git checkout`) gives one rebuild too: the quiet period is short after a few
//! events and longer once a batch grows. Then the batch is filtered:
//!
//! - paths outside the four inputs, and names `load` ignores (hidden files, vim swap
//!   files, `~` backups, `.#` and `#...#` lock files, `.tmp`), are dropped;
//! - a path that is gone and that the last build never read (an editor's temporary
//!   file, already renamed over the real one) is dropped too.
//!
//! Only what is left causes a rebuild. Events that arrive during a rebuild wait in
//! the channel for the next batch, so none is lost. Reading files (remedy's own
//! accesses) is not a change: access events are ignored.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::incremental::Changes;
use crate::load::is_ignored;

use super::POLL;

/// The folders under the site folder whose files are inputs.
const FOLDERS: [&str; 4] = ["content", "themes", "i18n", "static"];
/// Quiet time that ends a small batch (one save), and a large one (a burst).
const QUIET: Duration = Duration::from_millis(10);
const QUIET_BURST: Duration = Duration::from_millis(100);
/// A batch with more events than this is a burst.
const BURST: usize = 8;

pub struct Watcher {
    site_dir: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
}

impl Watcher {
    /// Starts watching `site_dir` (its own entries) and each input folder in it.
    pub fn new(site_dir: &Path) -> Result<Watcher, String> {
        let site_dir = site_dir.canonicalize().map_err(|e| format!("{}: {e}", site_dir.display()))?;
        let (tx, events) = channel();
        let mut watcher =
            notify::recommended_watcher(tx).map_err(|e| format!("cannot watch {}: {e}", site_dir.display()))?;
        watcher
            .watch(&site_dir, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", site_dir.display()))?;
        let mut this = Watcher { site_dir, watcher, events };
        for folder in FOLDERS {
            this.watch_folder(folder);
        }
        Ok(this)
    }

    fn watch_folder(&mut self, folder: &str) {
        let path = self.site_dir.join(folder);
        if path.is_dir() {
            // Watching again after the folder was replaced is what we want; an error
            // (it is gone again) is harmless: its creation will be seen.
            let _ = self.watcher.watch(&path, RecursiveMode::Recursive);
        }
    }

    /// Blocks until some input changed; `None` once `stop` is set. `known` says
    /// whether the last build read a path.
    pub fn next(&mut self, known: &dyn Fn(&str) -> bool, stop: &AtomicBool) -> Option<Changes> {
        loop {
            let first = loop {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                match self.events.recv_timeout(POLL) {
                    Ok(event) => break event,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            };
            let mut batch = Batch::default();
            self.add(&mut batch, first);
            let mut count = 1;
            loop {
                let quiet = if count > BURST { QUIET_BURST } else { QUIET };
                match self.events.recv_timeout(quiet) {
                    Ok(event) => {
                        count += 1;
                        self.add(&mut batch, event);
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            if batch.rescan {
                return Some(Changes::Everything);
            }
            let site_dir = &self.site_dir;
            let paths: BTreeSet<String> = batch
                .paths
                .into_iter()
                .filter(|rel| site_dir.join(rel).symlink_metadata().is_ok() || known(rel))
                .collect();
            if !paths.is_empty() {
                return Some(Changes::Paths(paths));
            }
        }
    }

    fn add(&mut self, batch: &mut Batch, event: notify::Result<notify::Event>) {
        let event = match event {
            Ok(event) => event,
            Err(_) => {
                // The watcher lost track (e.g. too many events): read everything again.
                batch.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            batch.rescan = true;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            let Some(rel) = relative(&self.site_dir, path) else { continue };
            if FOLDERS.contains(&rel.as_str()) {
                // An input folder appeared (or was replaced): watch it.
                self.watch_folder(&rel);
            }
            if is_input(&rel) {
                batch.paths.insert(rel);
            }
        }
    }
}

#[derive(Default)]
struct Batch {
    paths: BTreeSet<String>,
    rescan: bool,
}

/// `path` relative to the site folder, with `/` separators.
fn relative(site_dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(site_dir).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// Whether a change to `rel` (relative to the site folder) can change the site.
pub fn is_input(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or("");
    (rel == CONFIG_FILE || FOLDERS.contains(&first)) && !rel.split('/').any(is_ignored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind};
    use std::sync::mpsc::Sender;

    /// A watcher of `site` fed with made-up events (the real watcher sends nothing:
    /// its own channel is dropped), so batching does not depend on timing.
    fn fake(site: &Path) -> (Watcher, Sender<notify::Result<notify::Event>>) {
        let (tx, events) = channel();
        let (unused, _) = channel();
        let watcher = notify::recommended_watcher(unused).unwrap();
        (Watcher { site_dir: site.to_path_buf(), watcher, events }, tx)
    }

    fn event(kind: EventKind, path: PathBuf) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(path))
    }

    #[test]
    fn a_batch_drops_editors_files_and_keeps_real_changes() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(site.join("content/g")).unwrap();
        std::fs::write(site.join("content/g/s.md"), "x").unwrap();
        let (mut watcher, tx) = fake(&site);
        let stop = AtomicBool::new(false);
        let paths = |changes: Option<Changes>| match changes {
            Some(Changes::Paths(paths)) => paths.into_iter().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        // vim's save: a test file made and removed, a swap file, the real file; and
        // a deleted file the last build read. The test file is gone and unknown.
        let g = site.join("content/g");
        tx.send(event(EventKind::Create(CreateKind::File), g.join("4913"))).unwrap();
        tx.send(event(EventKind::Remove(RemoveKind::File), g.join("4913"))).unwrap();
        tx.send(event(EventKind::Modify(ModifyKind::Any), g.join(".s.md.swp"))).unwrap();
        tx.send(event(EventKind::Modify(ModifyKind::Any), g.join("s.md"))).unwrap();
        tx.send(event(EventKind::Remove(RemoveKind::File), g.join("gone.md"))).unwrap();
        tx.send(event(EventKind::Modify(ModifyKind::Any), site.join("public/index.html"))).unwrap();
        let known = |p: &str| p == "content/g/gone.md";
        assert_eq!(paths(watcher.next(&known, &stop)), ["content/g/gone.md", "content/g/s.md"]);
        // A burst: one batch.
        for i in 0..300 {
            let path = g.join(format!("b-{i:03}.md"));
            std::fs::write(&path, "x").unwrap();
            tx.send(event(EventKind::Create(CreateKind::File), path)).unwrap();
        }
        assert_eq!(paths(watcher.next(&known, &stop)).len(), 300);
        // A lost event: everything is read again.
        tx.send(Err(notify::Error::generic("queue overflow"))).unwrap();
        assert_eq!(watcher.next(&known, &stop), Some(Changes::Everything));
        // A batch of editors' files alone gives nothing: the next batch is returned
        // (batched with it or not, the answer is the same).
        tx.send(event(EventKind::Modify(ModifyKind::Any), g.join("s.md~"))).unwrap();
        let later = tx.clone();
        let real = g.join("s.md");
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            later.send(event(EventKind::Modify(ModifyKind::Any), real)).unwrap();
        });
        assert_eq!(paths(watcher.next(&known, &stop)), ["content/g/s.md"]);
        sender.join().unwrap();
        stop.store(true, Ordering::Relaxed);
        assert_eq!(watcher.next(&known, &stop), None);
    }

    #[test]
    fn inputs_and_editor_files() {
        for yes in
            ["site.toml", "content", "content/g/s.md", "themes/t/templates/step.html", "i18n/fr.toml", "static/a.css"]
        {
            assert!(is_input(yes), "{yes}");
        }
        for no in [
            "public/index.html",
            ".git/index",
            "README.md",
            "content/g/.s.md.swp",
            "content/g/s.md~",
            "content/g/.#s.md",
            "content/g/#s.md#",
            "content/.hidden/s.md",
            "site.toml~",
        ] {
            assert!(!is_input(no), "{no}");
        }
    }
}
