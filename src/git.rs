//! Part of the load stage: when the site folder is the top of a git checkout, the
//! date of each content file's last commit, for "Last updated" when a page's front
//! matter has no `updated`. One `git log` for the whole site; no git, no dates.
//!
//! Only a site that is itself a checkout's top folder qualifies: a site inside a
//! bigger repository (the test fixtures, say) would otherwise change its output with
//! every unrelated commit.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Source path (`content/g/s.md`) -> `YYYY-MM-DD` of its last commit.
pub fn last_commit_dates(site_dir: &Path) -> BTreeMap<String, String> {
    let mut dates = BTreeMap::new();
    let Some(top) = git(site_dir, &["rev-parse", "--show-toplevel"]) else { return dates };
    let (Ok(top), Ok(site)) = (Path::new(top.trim()).canonicalize(), site_dir.canonicalize()) else { return dates };
    if top != site {
        return dates;
    }
    let Some(log) = git(site_dir, &["log", "--format=%x00%cs", "--name-only", "--no-renames", "--", "content"]) else {
        return dates;
    };
    let mut date = "";
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\0') {
            date = d;
        } else if !line.is_empty() && !date.is_empty() {
            dates.entry(line.to_string()).or_insert_with(|| date.to_string());
        }
    }
    dates
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
