//! The index writer: pages' text to the files under `search/` that search.js reads.
//!
//! Every file is a classic script calling `window.__remedySearch` (so the index
//! loads from `file://`, where fetch and workers are blocked):
//!
//! - `search/index.js`, the manifest: page count, the first key of each shard,
//!   the first letters that have a vocabulary file, the stop words.
//! - `search/s-N.js`, shard N: `k` maps each key in the shard's range to its
//!   postings, `f` maps each word form whose stem differs to that stem (search.js
//!   has no stemmer: it looks the reader's words up here).
//! - `search/v-HEX.js` (sharded sites only): every key and word form starting with
//!   one letter, for typo tolerance without loading every shard.
//! - `search/d-N.js`: what results show (title, guide, step, risk, URL, and each
//!   section's heading, anchor and text for snippets), a few pages per file.
//!
//! Postings are strings of base-64 digits ([`DIGITS`]): for each posting, in
//! increasing page order, the page as a delta from the previous posting's page,
//! the section, and the impact (each a varint: a digit below 32 ends a number, a
//! digit `32 + d` carries five more bits `d`, least significant first). A key
//! found in more than [`Layout::max_postings`] sections keeps only its best
//! postings, and its string starts with `~` ([`COMMON`]). Section 0 is the page's metadata (title, error messages,
//! symptoms, summary, tags); section `s > 0` is the Markdown text under the
//! `s`-th heading (the first one may have no heading). The impact is the BM25F
//! score of the key in that section, boosts included, quantized to 1..=255; a
//! query adds impacts up, so ranking needs nothing else from the index.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::tokenize::{Tokenizer, STOP_WORDS};
use crate::model::OutputFile;

/// A page as search sees it.
#[derive(Debug, Clone, Default)]
pub struct PageDoc {
    /// From the output root (`icloud-backup/restart.html`).
    pub url: String,
    pub title: String,
    /// The guide's title (for a step or a guide page), else empty.
    pub guide: String,
    /// Step number, 0 when the page is not a step.
    pub step: usize,
    /// `safe`, `caution`, `destructive`, or empty.
    pub risk: &'static str,
    /// Section 0: weighted metadata fields, and the text a snippet shows for them.
    pub meta: Vec<(f32, String)>,
    pub meta_text: String,
    pub sections: Vec<SectionDoc>,
}

#[derive(Debug, Clone, Default)]
pub struct SectionDoc {
    pub heading: Option<String>,
    pub anchor: Option<String>,
    pub text: String,
}

/// Field boosts (BM25F weights).
pub const BOOST_TITLE: f32 = 8.0;
pub const BOOST_ERROR: f32 = 6.0;
pub const BOOST_SYMPTOM: f32 = 5.0;
pub const BOOST_SUMMARY: f32 = 2.0;
pub const BOOST_HEADING: f32 = 3.0;
pub const BOOST_BODY: f32 = 1.0;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Impact = score * SCALE, clamped to 1..=MAX_IMPACT (one digit).
const SCALE: f32 = 3.2;
const MAX_IMPACT: u32 = 31;

/// The digits of postings strings (safe in JSON strings, no escaping needed).
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Starts the postings of a common key, pruned to its best ones.
pub const COMMON: char = '~';

/// Appends `v` as a varint of [`DIGITS`].
fn push_varint(out: &mut String, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[(32 + (v & 31)) as usize] as char);
        v >>= 5;
    }
    out.push(DIGITS[v as usize] as char);
}

/// Reads back what [`push_varint`] wrote (for tests; search.js has its own).
pub fn decode(postings: &str) -> Vec<(u32, u32, u32)> {
    let mut nums = Vec::new();
    let (mut v, mut shift) = (0, 0);
    for c in postings.trim_start_matches(COMMON).bytes() {
        let d = DIGITS.iter().position(|&x| x == c).expect("a digit") as u32;
        if d >= 32 {
            v |= (d - 32) << shift;
            shift += 5;
        } else {
            nums.push(v | (d << shift));
            (v, shift) = (0, 0);
        }
    }
    let mut page = 0;
    nums.chunks(3)
        .map(|c| {
            page += c[0];
            (page, c[1], c[2])
        })
        .collect()
}

/// How the index is cut into files.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Up to this many pages, the whole index is one shard and there is no vocabulary.
    pub single_shard_pages: usize,
    /// Rough raw size of a shard before a new one starts.
    pub shard_bytes: usize,
    /// Pages per `d-N.js` file.
    pub pages_per_doc_file: usize,
    /// A key in more sections than this keeps only its best postings, and is
    /// marked common (search.js then does not require it to match).
    pub max_postings: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { single_shard_pages: 300, shard_bytes: 48 * 1024, pages_per_doc_file: 5, max_postings: 2500 }
    }
}

/// Numbers every distinct word (key or word form) of the site, so that counting
/// works on `u32`s rather than strings. Threads meet words in any order, so the
/// numbers are in no particular order: everything written is sorted by the words.
#[derive(Default)]
struct Words(Mutex<FxHashMap<String, u32>>);

impl Words {
    /// Every word, indexed by its number.
    fn into_vec(self) -> Vec<String> {
        let ids = self.0.into_inner().expect("no thread panicked while numbering");
        let mut words = vec![String::new(); ids.len()];
        for (word, id) in ids {
            words[id as usize] = word;
        }
        words
    }
}

/// A thread's cache in front of [`Words`]: the lock is taken only for words it
/// has not met yet.
struct WordIds<'a> {
    shared: &'a Words,
    cache: FxHashMap<String, u32>,
}

impl<'a> WordIds<'a> {
    fn new(shared: &'a Words) -> Self {
        WordIds { shared, cache: FxHashMap::default() }
    }

    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.cache.get(word) {
            return id;
        }
        let id = {
            let mut ids = self.shared.0.lock().expect("no thread panicked while numbering");
            let next = ids.len() as u32;
            *ids.entry(word.to_string()).or_insert(next)
        };
        self.cache.insert(word.to_string(), id);
        id
    }
}

/// One section's counts while indexing.
struct Doc {
    page: u32,
    section: u32,
    /// Weighted term frequencies by word number, sorted by number.
    tf: Vec<(u32, f32)>,
    len: usize,
}

/// Writes every search file for `pages`.
pub fn write(pages: &[PageDoc], layout: Layout) -> Vec<OutputFile> {
    // Pages are cut into terms in parallel, then merged in page order.
    let words = Words::default();
    let per_page: Vec<PageTerms> = pages
        .par_iter()
        .enumerate()
        .map_init(|| (Tokenizer::default(), WordIds::new(&words)), |(t, ids), (p, page)| page_docs(t, ids, p, page))
        .collect();
    let words = words.into_vec();
    // A form's stem is the same wherever it occurs, so any page may say it.
    let mut stem_of: Vec<Option<u32>> = vec![None; words.len()];
    let mut docs = Vec::new();
    for (page_docs, page_forms) in per_page {
        docs.extend(page_docs);
        for (form, stem) in page_forms {
            stem_of[form as usize] = Some(stem);
        }
    }
    let postings = postings(&docs, &words, layout.max_postings);
    let mut forms: Vec<(&str, &str)> = stem_of
        .iter()
        .enumerate()
        .filter_map(|(form, stem)| stem.map(|s| (words[form].as_str(), words[s as usize].as_str())))
        .collect();
    forms.sort_unstable();
    let mut files = Vec::new();

    // Keys and forms, sorted together, cut into shards by size.
    // (word, postings or None, stem or None): keys and forms sorted together.
    let mut items: Vec<(&str, Option<&str>, Option<&str>)> = postings
        .iter()
        .map(|(k, v)| (*k, Some(v.as_str()), None))
        .chain(forms.iter().map(|(f, s)| (*f, None, Some(*s))))
        .collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    let sharded = pages.len() > layout.single_shard_pages;
    let mut shards: Vec<Vec<_>> = vec![Vec::new()];
    let mut size = 0;
    for item in &items {
        let bytes = item.0.len() + 6 + item.1.or(item.2).map_or(0, str::len);
        if sharded && size + bytes > layout.shard_bytes && !shards.last().unwrap().is_empty() {
            shards.push(Vec::new());
            size = 0;
        }
        size += bytes;
        shards.last_mut().unwrap().push(item);
    }
    let firsts: Vec<&str> = shards.iter().enumerate().map(|(n, shard)| if n == 0 { "" } else { shard[0].0 }).collect();
    let shard_files: Vec<OutputFile> = shards
        .par_iter()
        .enumerate()
        .map(|(n, shard)| {
            let mut data = Shard::default();
            for (word, postings, stem) in shard {
                if let Some(p) = postings {
                    data.k.insert(word, p);
                }
                if let Some(s) = stem {
                    data.f.insert(word, s);
                }
            }
            script(format!("search/s-{n}.js"), &format!("shard({n},"), &data)
        })
        .collect();
    files.extend(shard_files);

    // Vocabulary by first letter, for typos (sharded sites only).
    let mut vocab_letters = Vec::new();
    if sharded {
        let mut by_letter: BTreeMap<char, Vec<&str>> = BTreeMap::new();
        for (word, _, _) in &items {
            if let Some(c) = word.chars().next() {
                by_letter.entry(c).or_default().push(word);
            }
        }
        for (c, words) in by_letter {
            let hex = format!("{:x}", c as u32);
            files.push(script(format!("search/v-{hex}.js"), &format!("vocab(\"{hex}\","), &words));
            vocab_letters.push(c.to_string());
        }
    }

    // What results show, a few pages per file.
    let per = layout.pages_per_doc_file.max(1);
    let doc_files: Vec<OutputFile> = pages
        .par_chunks(per)
        .enumerate()
        .map(|(n, chunk)| {
            let records: Vec<_> = chunk.iter().map(page_record).collect();
            script(format!("search/d-{n}.js"), &format!("docs({n},"), &records)
        })
        .collect();
    files.extend(doc_files);

    let manifest = Manifest {
        v: 1,
        pages: pages.len(),
        per_doc_file: per,
        shards: firsts,
        vocab: sharded.then_some(vocab_letters),
        stop: STOP_WORDS,
    };
    // Through a `Value`, which writes the fields sorted by name.
    let manifest = serde_json::to_value(&manifest).expect("a manifest serializes");
    files.push(script("search/index.js".into(), "manifest(", &manifest));
    files
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    pages: usize,
    per_doc_file: usize,
    shards: Vec<&'a str>,
    vocab: Option<Vec<String>>,
    stop: &'a [&'a str],
}

/// A page's sections with their term counts, and its (word form, stem) pairs, as
/// word numbers.
type PageTerms = (Vec<Doc>, Vec<(u32, u32)>);

/// A page's sections (section 0 is its metadata) with their term counts, and the
/// word forms whose stem differs.
fn page_docs(tokenizer: &mut Tokenizer, ids: &mut WordIds, p: usize, page: &PageDoc) -> PageTerms {
    let mut fields: Vec<Vec<(f32, &str)>> = vec![page.meta.iter().map(|(b, t)| (*b, t.as_str())).collect()];
    for s in &page.sections {
        let mut f = vec![(BOOST_BODY, s.text.as_str())];
        if let Some(h) = &s.heading {
            f.push((BOOST_HEADING, h.as_str()));
        }
        fields.push(f);
    }
    let mut docs = Vec::new();
    let mut forms = Vec::new();
    for (section, fields) in fields.into_iter().enumerate() {
        // Each mention with its boost, then summed per word.
        let mut tf: Vec<(u32, f32)> = Vec::new();
        for (boost, text) in fields {
            tokenizer.for_each_term(text, |key, surface| {
                let key_id = ids.id(key);
                if surface != key {
                    forms.push((ids.id(surface), key_id));
                }
                tf.push((key_id, boost));
            });
        }
        if tf.is_empty() {
            continue;
        }
        let len = tf.len();
        // Stable, so a word's boosts add up in reading order.
        tf.sort_by_key(|&(id, _)| id);
        tf.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 += next.1;
            }
            same
        });
        docs.push(Doc { page: p as u32, section: section as u32, tf, len });
    }
    // Pages repeat their words: each form once.
    forms.sort_unstable();
    forms.dedup();
    (docs, forms)
}

/// (page, section, impact).
type Posting = (u32, u32, u32);

/// Postings strings by key, sorted by key.
fn postings<'w>(docs: &[Doc], words: &'w [String], max_postings: usize) -> Vec<(&'w str, String)> {
    let n = docs.len().max(1) as f32;
    let avg_len = (docs.iter().map(|d| d.len).sum::<usize>() as f32 / n).max(1.0);
    let mut df = vec![0u32; words.len()];
    for d in docs {
        for &(k, _) in &d.tf {
            df[k as usize] += 1;
        }
    }
    let idf: Vec<f32> = df
        .iter()
        .map(|&df| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    // Each key's postings in page and section order, as the docs come.
    let mut lists: Vec<Vec<Posting>> = df.iter().map(|&df| Vec::with_capacity(df as usize)).collect();
    for d in docs {
        let norm = K1 * (1.0 - B + B * d.len as f32 / avg_len);
        for &(k, tf) in &d.tf {
            let score = idf[k as usize] * tf * (K1 + 1.0) / (tf + norm);
            let impact = ((score * SCALE).round() as u32).clamp(1, MAX_IMPACT);
            lists[k as usize].push((d.page, d.section, impact));
        }
    }
    let mut keys: Vec<usize> = (0..words.len()).filter(|&k| df[k] > 0).collect();
    keys.sort_unstable_by(|&a, &b| words[a].cmp(&words[b]));
    keys.into_par_iter().map(|k| (words[k].as_str(), encode(&lists[k], max_postings))).collect()
}

/// One key's postings string (see the module comment).
fn encode(list: &[Posting], max_postings: usize) -> String {
    // About three digits per posting.
    let mut text = String::with_capacity(1 + 3 * list.len().min(max_postings));
    let mut list = Cow::Borrowed(list);
    if list.len() > max_postings {
        // A very common word: keep its best postings only, and say so (`~`).
        let best = list.to_mut();
        best.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        best.truncate(max_postings);
        best.sort();
        text.push(COMMON);
    }
    let mut prev = 0;
    for &(page, section, impact) in list.iter() {
        push_varint(&mut text, page - prev);
        push_varint(&mut text, section);
        push_varint(&mut text, impact);
        prev = page;
    }
    text
}

/// A shard: `k` maps keys to postings, `f` maps word forms to stems (both sorted,
/// `f` first, as serde_json's own maps would write them).
#[derive(Serialize, Default)]
struct Shard<'a> {
    f: BTreeMap<&'a str, &'a str>,
    k: BTreeMap<&'a str, &'a str>,
}

/// `[url, title, guide, step, risk, [[heading, anchor, text], ...]]`; section 0
/// has no heading and shows the metadata text.
fn page_record(p: &PageDoc) -> impl Serialize + '_ {
    let mut sections = vec![(None, None, p.meta_text.as_str())];
    sections.extend(p.sections.iter().map(|s| (s.heading.as_deref(), s.anchor.as_deref(), s.text.as_str())));
    (&p.url, &p.title, &p.guide, p.step, p.risk, sections)
}

/// `window.__remedySearch.<call><json>);` with `</`, U+2028 and U+2029 escaped,
/// so no indexed text can end a script element or a JS string.
fn script(path: String, call: &str, data: &impl Serialize) -> OutputFile {
    let json = serde_json::to_string(data).expect("JSON serializes");
    let json = json.replace("</", "<\\/").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    OutputFile { path, contents: format!("window.__remedySearch.{call}{json});\n").into_bytes() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn page(url: &str, title: &str, body: &str) -> PageDoc {
        PageDoc {
            url: url.into(),
            title: title.into(),
            meta: vec![(BOOST_TITLE, title.into())],
            sections: vec![SectionDoc {
                heading: Some("Steps".into()),
                anchor: Some("steps".into()),
                text: body.into(),
            }],
            ..PageDoc::default()
        }
    }

    fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
        let f = files.iter().find(|f| f.path == path).expect(path);
        std::str::from_utf8(&f.contents).unwrap()
    }

    #[test]
    fn writes_a_manifest_a_shard_and_docs() {
        let pages = [
            page("a.html", "Restart", "Restarting clears a stuck backup."),
            page("b.html", "Wi-Fi", "Reset the Wi-Fi router </script>"),
        ];
        let files = write(&pages, Layout::default());
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["search/s-0.js", "search/d-0.js", "search/index.js"]);
        let shard = file(&files, "search/s-0.js");
        assert!(shard.starts_with("window.__remedySearch.shard(0,{\"f\":{"), "{shard}");
        // "restart": page 0, title (section 0) and body (section 1).
        assert!(shard.contains("\"restart\":\"0"), "{shard}");
        assert!(shard.contains("\"restarting\":\"restart\""), "{shard}");
        assert!(shard.contains("\"wi-fi\":\"1"), "{shard}");
        let docs = file(&files, "search/d-0.js");
        assert!(docs.contains("<\\/script>") && !docs.contains("</"), "{docs}");
        let manifest = file(&files, "search/index.js");
        assert!(manifest.contains("\"shards\":[\"\"]"), "{manifest}");
        assert!(manifest.contains("\"vocab\":null"), "{manifest}");
    }

    #[test]
    fn postings_are_deltas_with_section_and_impact() {
        let pages =
            [page("a.html", "One", "alpha"), page("b.html", "Two", "beta"), page("c.html", "Three", "alpha alpha")];
        let p = postings_of(&pages);
        let alpha = decode(&p["alpha"]);
        assert_eq!(alpha.len(), 2);
        assert_eq!((alpha[0].0, alpha[1].0), (0, 2), "pages 0 and 2");
        assert_eq!((alpha[0].1, alpha[1].1), (1, 1), "body sections");
        assert!(alpha[1].2 > alpha[0].2, "two mentions score higher: {alpha:?}");
        // A title scores higher than a body.
        let p = postings_of(&[page("a.html", "Gamma", "x"), page("b.html", "x", "gamma")]);
        let g = decode(&p["gamma"]);
        assert!(g[0].2 > g[1].2, "{g:?}");
    }

    #[test]
    fn common_words_keep_their_best_postings() {
        let body = |i| if i < 4 { "common" } else { "other" };
        let mut pages: Vec<PageDoc> = (0..10).map(|i| page(&format!("p{i}.html"), "x", body(i))).collect();
        pages[7].meta = vec![(BOOST_TITLE, "common".into())];
        let files = write(&pages, Layout { max_postings: 3, ..Layout::default() });
        let shard = file(&files, "search/s-0.js");
        let json = &shard["window.__remedySearch.shard(0,".len()..shard.len() - 3];
        let v: Value = serde_json::from_str(json).unwrap();
        let p = v["k"]["common"].as_str().unwrap();
        assert!(p.starts_with('~'), "{p}");
        let d = decode(p);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
            [(0, 1), (1, 1), (7, 0)],
            "the title mention is kept"
        );
        assert!(d.windows(2).all(|w| w[0] < w[1]), "in page order: {d:?}");
    }

    #[test]
    fn varints_round_trip() {
        let mut s = String::new();
        for v in [0, 1, 31, 32, 1000, 40_000] {
            push_varint(&mut s, v);
        }
        let d = decode(&s);
        assert_eq!(d, [(0, 1, 31), (32, 1000, 40_000)]);
        assert_eq!(&s[..3], "01V");
    }

    fn postings_of(pages: &[PageDoc]) -> BTreeMap<String, String> {
        let files = write(pages, Layout::default());
        let shard = file(&files, "search/s-0.js");
        let json = &shard["window.__remedySearch.shard(0,".len()..shard.len() - 3];
        let v: Value = serde_json::from_str(json).unwrap();
        serde_json::from_value(v["k"].clone()).unwrap()
    }

    #[test]
    fn large_sites_are_sharded_with_a_vocabulary() {
        let pages: Vec<PageDoc> =
            (0..50).map(|i| page(&format!("p{i}.html"), &format!("word{i}"), &format!("term{i} other{i}"))).collect();
        let layout = Layout { single_shard_pages: 10, shard_bytes: 200, pages_per_doc_file: 20, max_postings: 2500 };
        let files = write(&pages, layout);
        let shards = files.iter().filter(|f| f.path.starts_with("search/s-")).count();
        assert!(shards > 3, "{shards}");
        assert_eq!(files.iter().filter(|f| f.path.starts_with("search/d-")).count(), 3);
        assert!(file(&files, "search/v-74.js").contains("\"term0\""));
        let manifest = file(&files, "search/index.js");
        assert!(manifest.contains("\"vocab\":[\"o\",\"s\",\"t\",\"w\"]"), "{manifest}");
        // Same input, same bytes.
        assert_eq!(files, write(&pages, layout));
    }
}
