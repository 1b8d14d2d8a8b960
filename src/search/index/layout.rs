//! How the index is cut into files: [`Layout`]'s sizes, the runs of sorted words that
//! each shard and each positions file holds, and the first word of each run (the
//! manifest lists them, so search.js knows which file has a word).

use super::postings::KeyPostings;

/// How the index is cut into files.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Up to this many pages, the whole index is one shard and there is no vocabulary.
    pub single_shard_pages: usize,
    /// Rough raw size of a shard before a new one starts.
    pub shard_bytes: usize,
    /// Rough raw size of a positions file before a new one starts.
    pub positions_bytes: usize,
    /// A key in more sections than this keeps only its best postings, and is
    /// marked common (search.js then does not require it to match).
    pub max_postings: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { single_shard_pages: 300, shard_bytes: 16 * 1024, positions_bytes: 32 * 1024, max_postings: 2500 }
    }
}

/// A word of the shards: (word, postings or None, stem or None). Keys and word
/// forms are sorted together and cut into shards by size.
pub(super) type Entry<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

impl Layout {
    /// Whether a site of `pages` pages has several shards (and a vocabulary).
    pub(super) fn sharded(&self, pages: usize) -> bool {
        pages > self.single_shard_pages
    }

    /// Sorted `entries` cut into shards (one unless `sharded`).
    pub(super) fn shards<'e, 'a>(&self, entries: &'e [Entry<'a>], sharded: bool) -> Vec<&'e [Entry<'a>]> {
        cut(entries, sharded, self.shard_bytes, |e| e.0.len() + 6 + e.1.or(e.2).map_or(0, str::len))
    }

    /// Sorted `keys` cut into positions files by their own size (one unless `sharded`).
    pub(super) fn positions<'k, 'w>(
        &self,
        keys: &'k [&'k KeyPostings<'w>],
        sharded: bool,
    ) -> Vec<&'k [&'k KeyPostings<'w>]> {
        cut(keys, sharded, self.positions_bytes, |k| k.key.len() + 6 + k.positions.len())
    }
}

/// Cuts sorted `items` into runs of about `max` bytes (one run unless `sharded`).
fn cut<T>(items: &[T], sharded: bool, max: usize, size: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let b = size(item);
        if sharded && bytes + b > max && i > start {
            runs.push(&items[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += b;
    }
    runs.push(&items[start..]);
    runs
}

/// The first word of each run but the first (`""`: everything before the second).
pub(super) fn firsts<'a, T>(runs: &[&'a [T]], word: impl Fn(&'a T) -> &'a str) -> Vec<&'a str> {
    runs.iter().enumerate().map(|(n, run)| if n == 0 || run.is_empty() { "" } else { word(&run[0]) }).collect()
}

#[cfg(test)]
mod tests {
    use super::Layout;
    use crate::search::index::testing::{file, page};
    use crate::search::index::{write, PageDoc};
    use crate::search::synonyms::Synonyms;
    use crate::search::tokenize::Language;

    #[test]
    fn large_sites_are_sharded_with_a_vocabulary() {
        let mut pages: Vec<PageDoc> =
            (0..50).map(|i| page(&format!("p{i}.html"), &format!("word{i}"), &format!("term{i} other{i}"))).collect();
        pages[0].sections[0].text.push_str(" 再起動");
        let layout = Layout { single_shard_pages: 10, shard_bytes: 200, positions_bytes: 100, max_postings: 2500 };
        let files = write(&pages, layout, &Synonyms::default(), &Language::default());
        let shards = files.iter().filter(|f| f.path.starts_with("search/s-")).count();
        assert!(shards > 3, "{shards}");
        let positions = files.iter().filter(|f| f.path.starts_with("search/p-")).count();
        assert!(positions > 3, "{positions}");
        assert_eq!(files.iter().filter(|f| f.path.starts_with("search/d-")).count(), 50);
        assert!(file(&files, "search/v-74.js").contains("\"term0\""));
        let manifest = file(&files, "search/index.js");
        assert!(manifest.contains("\"vocab\":[\"o\",\"s\",\"t\",\"w\"]"), "{manifest}");
        // Same input, same bytes.
        assert_eq!(files, write(&pages, layout, &Synonyms::default(), &Language::default()));
    }
}
