//! Part of the load stage: when the site folder is the top of a git checkout, the
//! history of its content files, read with one `git log` (and one `git status` for
//! what is not committed yet). It gives each file's last commit date, for "Last
//! updated" when a page's front matter has no `updated`, and each file's commits,
//! newest first, for the stale-translation check (`lang::stale`). No git, no history.
//!
//! Only a site that is itself a checkout's top folder qualifies: a site inside a
//! bigger repository (the test fixtures, say) would otherwise change its output with
//! every unrelated commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

/// One commit that touched `content/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Commit {
    /// Abbreviated, as `git log --format=%h` gives it.
    pub hash: String,
    /// The committer date, `YYYY-MM-DD`.
    pub date: String,
    /// The first line of the message.
    pub subject: String,
    /// Its parents among [`History::commits`] (by index; git's parent rewriting skips
    /// the commits that did not touch `content/`).
    pub parents: Vec<usize>,
}

/// The history of the files under `content/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct History {
    /// Every commit that touched `content/`, newest first (`git log --date-order`: a
    /// commit always comes before its parents).
    pub commits: Vec<Commit>,
    /// Source path (`content/g/s.md`) -> the indices into `commits` of the commits
    /// that changed it, newest first.
    pub files: BTreeMap<String, Vec<usize>>,
    /// Files under `content/` with changes not committed yet (modified, added or
    /// untracked).
    pub uncommitted: BTreeSet<String>,
}

impl History {
    /// Source path -> `YYYY-MM-DD` of its last commit.
    pub fn last_dates(&self) -> BTreeMap<String, String> {
        self.files.iter().map(|(path, commits)| (path.clone(), self.commits[commits[0]].date.clone())).collect()
    }

    /// The commits that changed `path`, newest first.
    pub fn of(&self, path: &str) -> impl Iterator<Item = (usize, &Commit)> + '_ {
        self.files.get(path).into_iter().flatten().map(|&i| (i, &self.commits[i]))
    }

    /// Which commits `b` descends from, itself included (by index into `commits`):
    /// what whoever made `b` had seen.
    pub fn seen_by(&self, b: usize) -> Vec<bool> {
        let mut seen = vec![false; self.commits.len()];
        let mut todo = vec![b];
        while let Some(c) = todo.pop() {
            if !std::mem::replace(&mut seen[c], true) {
                todo.extend(&self.commits[c].parents);
            }
        }
        seen
    }
}

/// The content files' history, or an empty one when the site folder is not the top of
/// a git checkout (or git is not installed).
pub fn history(site_dir: &Path) -> History {
    let Some(top) = git(site_dir, &["rev-parse", "--show-toplevel"]) else { return History::default() };
    let (Ok(top), Ok(site)) = (Path::new(top.trim()).canonicalize(), site_dir.canonicalize()) else {
        return History::default();
    };
    if top != site {
        return History::default();
    }
    // `--parents` turns on parent rewriting: `%P` names the nearest ancestors that
    // touched content/. `--date-order`: never a parent before all its children.
    let log = [
        "log",
        "--parents",
        "--date-order",
        "--format=%x00%h%x00%H%x00%P%x00%cs%x00%s",
        "--name-only",
        "--no-renames",
        "--",
        "content",
    ];
    let Some(log) = git(site_dir, &log) else { return History::default() };
    let mut history = parse_log(&log);
    let status = ["status", "--porcelain", "-z", "--no-renames", "--untracked-files=all", "--", "content"];
    if let Some(status) = git(site_dir, &status) {
        history.uncommitted = parse_status(&status);
    }
    history
}

/// `git log --format=%x00%h%x00%H%x00%P%x00%cs%x00%s --name-only` into a [`History`].
fn parse_log(log: &str) -> History {
    let mut history = History::default();
    let mut parents: Vec<Vec<&str>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for line in log.lines() {
        if let Some(header) = line.strip_prefix('\0') {
            let mut parts = header.splitn(5, '\0');
            let mut next = || parts.next().unwrap_or("");
            let (hash, full, parent, date, subject) = (next(), next(), next(), next(), next());
            index.insert(full, history.commits.len());
            parents.push(parent.split_whitespace().collect());
            let (hash, date, subject) = (hash.to_string(), date.to_string(), subject.to_string());
            history.commits.push(Commit { hash, date, subject, parents: Vec::new() });
        } else if !line.is_empty() && !history.commits.is_empty() {
            history.files.entry(line.to_string()).or_default().push(history.commits.len() - 1);
        }
    }
    for (commit, parents) in history.commits.iter_mut().zip(parents) {
        commit.parents = parents.iter().filter_map(|p| index.get(p).copied()).collect();
    }
    history
}

/// `git status --porcelain -z --no-renames` into the paths it names.
fn parse_status(status: &str) -> BTreeSet<String> {
    status.split('\0').filter_map(|entry| entry.get(3..)).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// Runs git read-only: `--no-optional-locks` keeps `status` from refreshing the index
/// (and taking its lock) under the user's own git commands.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let options = ["--no-optional-locks", "-c", "core.quotePath=false"];
    let out = Command::new("git").arg("-C").arg(dir).args(options).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_log_newest_first() {
        let log = "\0b2\0b2ff\0a1ff\x002026-02-01\0Say reboot\n\ncontent/g/s.md\n\
                   \0a1\0a1ff\0\x002026-01-01\0First: a \0 b\n\ncontent/g/s.md\ncontent/g/s.fr.md\n";
        let h = parse_log(log);
        assert_eq!(h.commits.len(), 2);
        let b2 =
            Commit { hash: "b2".into(), date: "2026-02-01".into(), subject: "Say reboot".into(), parents: vec![1] };
        assert_eq!(h.commits[0], b2);
        assert_eq!((h.commits[1].subject.as_str(), h.commits[1].parents.len()), ("First: a \0 b", 0));
        assert_eq!((h.seen_by(0), h.seen_by(1)), (vec![true, true], vec![false, true]));
        assert_eq!(h.files["content/g/s.md"], [0, 1]);
        assert_eq!(h.files["content/g/s.fr.md"], [1]);
        assert_eq!(h.last_dates()["content/g/s.fr.md"], "2026-01-01");
        assert_eq!(h.of("content/g/s.md").map(|(i, _)| i).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn reads_the_status() {
        let status = " M content/g/s.md\0?? content/g/s.fr.md\0A  content/x.md\0";
        let paths: Vec<String> = parse_status(status).into_iter().collect();
        assert_eq!(paths, ["content/g/s.fr.md", "content/g/s.md", "content/x.md"]);
    }
}
