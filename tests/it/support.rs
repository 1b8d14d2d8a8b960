//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use remedy::build::{self, Options, Outcome};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// Runs the pipeline (nothing written) on a site folder.
pub fn run(site: &Path, drafts: bool) -> Outcome {
    build::run(&Options { site_dir: site.to_path_buf(), include_drafts: drafts })
}

/// Builds a site into `out`.
pub fn build(site: &Path, out: &Path) -> Outcome {
    build::build(&Options { site_dir: site.to_path_buf(), include_drafts: false }, out, false)
}

pub fn diagnostics_text(outcome: &Outcome) -> String {
    outcome.diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("readable tree");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

pub fn blessing() -> bool {
    std::env::var_os("REMEDY_BLESS").is_some()
}

/// Copies a folder tree (for tests that change a site).
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in read_tree(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// The text of an HTML fragment: every tag removed, entities left as they are.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
