//! The files of a site that `serve` holds in memory: what [`super::Incremental`]
//! builds, shared between builds so that a quick rebuild copies nothing but its pages.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::OutputFile;

/// The files of a search index (`search/*.js`), shared: cloning it copies nothing.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex(Arc<Vec<(String, Body)>>);

impl From<Vec<OutputFile>> for SearchIndex {
    fn from(files: Vec<OutputFile>) -> SearchIndex {
        SearchIndex(Arc::new(files.into_iter().map(|f| (f.path, Body::Bytes(Arc::from(f.contents)))).collect()))
    }
}

impl SearchIndex {
    /// Whether it has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.0.iter().any(|(p, _)| p == path)
    }
}

/// A file of the built site, in memory or (for copies) on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Arc<[u8]>),
    Disk(PathBuf),
}

/// The files of a built site: a shared map, and the pages changed since it was made
/// (so that a quick rebuild does not copy the map), and the paths gone since.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub(super) base: Arc<HashMap<String, Body>>,
    pub(super) changed: HashMap<String, Body>,
    pub(super) gone: HashSet<String>,
}

impl FromIterator<(String, Body)> for Files {
    fn from_iter<I: IntoIterator<Item = (String, Body)>>(files: I) -> Files {
        Files { base: Arc::new(files.into_iter().collect()), changed: HashMap::new(), gone: HashSet::new() }
    }
}

impl Files {
    pub fn get(&self, path: &str) -> Option<&Body> {
        if self.gone.contains(path) {
            return None;
        }
        self.changed.get(path).or_else(|| self.base.get(path))
    }

    /// These files with the search index replaced by `index`: every index file that
    /// `index` does not have is gone (it may have fewer shards).
    pub fn with_search(&self, index: Vec<OutputFile>) -> Files {
        self.with_index(&SearchIndex::from(index))
    }

    /// The same as [`Files::with_search`], with an index that can be put into several
    /// builds' files without copying it (`serve` keeps the newest one it made).
    pub fn with_index(&self, index: &SearchIndex) -> Files {
        let mut files = self.clone();
        let stale: Vec<String> = files.paths().filter(|p| crate::search::is_index_file(p)).cloned().collect();
        files.gone.extend(stale);
        for (path, body) in index.0.iter() {
            files.gone.remove(path);
            files.changed.insert(path.clone(), body.clone());
        }
        files
    }

    /// Every output path, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.base
            .keys()
            .chain(self.changed.keys().filter(|p| !self.base.contains_key(*p)))
            .filter(|p| !self.gone.contains(*p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(files: &Files, path: &str) -> Option<Vec<u8>> {
        match files.get(path)? {
            Body::Bytes(b) => Some(b.to_vec()),
            Body::Disk(_) => None,
        }
    }

    #[test]
    fn a_new_search_index_drops_the_shards_it_no_longer_has() {
        let file = |path: &str, text: &str| (path.to_string(), Body::Bytes(Arc::from(text.as_bytes())));
        let base = ["search/index.js", "search/s-0.js", "search/s-1.js", "search/index.html", "g/s.html"];
        let map: HashMap<String, Body> = base.iter().map(|p| file(p, "old")).collect();
        let files = Files { base: Arc::new(map), changed: HashMap::new(), gone: HashSet::new() };
        let new = |path: &str| OutputFile { path: path.into(), contents: b"new".to_vec() };
        let files = files.with_search(vec![new("search/index.js"), new("search/s-0.js")]);
        assert_eq!(bytes(&files, "search/s-0.js").as_deref(), Some(&b"new"[..]));
        assert!(files.get("search/s-1.js").is_none(), "a shard the new index has not");
        // A guide named `search` keeps its pages.
        assert_eq!(bytes(&files, "search/index.html").as_deref(), Some(&b"old"[..]));
        let mut paths: Vec<&String> = files.paths().collect();
        paths.sort();
        assert_eq!(paths, ["g/s.html", "search/index.html", "search/index.js", "search/s-0.js"]);
        // A later index with more shards brings them back.
        let files = files.with_search(vec![new("search/index.js"), new("search/s-0.js"), new("search/s-1.js")]);
        assert_eq!(bytes(&files, "search/s-1.js").as_deref(), Some(&b"new"[..]));
    }
}
