//! The index writer: pages' text to the files under `search/` that search.js reads.
//!
//! Every file is a classic script calling `window.__remedySearch` (so the index
//! loads from `file://`, where fetch and workers are blocked):
//!
//! - `search/index.js`, the manifest ([`Manifest`]): page count, the first key of
//!   each shard and of each positions file, the first letters that have a
//!   vocabulary file, the language's code, stop words and elided words (search.js
//!   cuts a query with them).
//! - `search/s-N.js`, shard N: `k` maps each key in the shard's range to its
//!   postings, `f` maps each word form whose stem differs to that stem (search.js
//!   has no stemmer: it looks the reader's words up here).
//! - `search/p-N.js`, positions file N (loaded only for quoted phrases): maps
//!   each key in its range to the positions of the key in each of its postings.
//! - `search/v-HEX.js` (sharded sites only): every key and word form starting with
//!   one letter, for typo tolerance without loading every shard.
//! - `search/d-N.js`: what a result shows for page N ([`PageRecord`]: title,
//!   guide, step, risk, URL, and each section's heading, anchor and text for
//!   snippets), one file per page, so a query loads the text of the results it
//!   shows and no other.
//!
//! Postings are strings of base-64 digits ([`DIGITS`]): for each posting, in
//! increasing page order, the page as a delta from the previous posting's page,
//! the section, and the impact (each a varint: a digit below 32 ends a number, a
//! digit `32 + d` carries five more bits `d`, least significant first). A key
//! found in more than [`Layout::max_postings`] sections keeps only its best
//! postings, and its string starts with `~` ([`COMMON`]). Section 0 is the page's metadata (title, error messages,
//! symptoms, summary, tags); section `s > 0` is the Markdown text under the
//! `s`-th heading (the first one may have no heading). The impact is the BM25F
//! score of the key in that section, boosts included, quantized to 1..=31; a
//! query adds impacts up, so ranking needs nothing else from the index.
//!
//! A key's positions string follows its postings string, posting by posting:
//! the number of positions, then the positions as deltas (first from 0), all
//! varints. Positions count chunks (see [`super::tokenize`]); the fields of a
//! section follow each other [`FIELD_GAP`] positions apart, so no phrase spans two.
//!
//! An error message is also indexed whole, under its [`exact_key`] (its words
//! and ` =`), so that a query that is exactly the message finds its guide first.

use super::encoding::{front_code, push_varint, COMMON};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::synonyms::{Synonyms, SYNONYM_WEIGHT};
use super::tokenize::{exact_key, is_cjk, Language, Tokenizer};
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
    /// Texts a query finds this page first for when it is exactly one of them
    /// (a guide's error messages).
    pub exact: Vec<String>,
    pub sections: Vec<SectionDoc>,
}

#[derive(Debug, Clone, Default)]
pub struct SectionDoc {
    pub heading: Option<String>,
    pub anchor: Option<String>,
    pub text: String,
}

/// Field boosts (BM25F weights). An error message weighs like a summary: a guide
/// that lists an error should not outrank the step that explains it; a query that
/// is the whole message finds the guide through its exact key instead.
pub const BOOST_TITLE: f32 = 8.0;
pub const BOOST_ERROR: f32 = 2.5;
pub const BOOST_SYMPTOM: f32 = 5.0;
pub const BOOST_SUMMARY: f32 = 2.0;
pub const BOOST_HEADING: f32 = 3.0;
pub const BOOST_BODY: f32 = 1.0;

/// Positions between two fields of a section.
pub const FIELD_GAP: u32 = 16;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Impact = score * SCALE, clamped to 1..=MAX_IMPACT (one digit).
const SCALE: f32 = 3.2;
const MAX_IMPACT: u32 = 31;

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
    /// Weighted term frequencies by word number, sorted by number, and the range
    /// of each one's positions in `positions`.
    tf: Vec<(u32, f32, u32, u32)>,
    positions: Vec<u32>,
    len: usize,
}

/// A group member as word numbers (see [`Synonyms`]).
struct IdMember {
    group: usize,
    mains: Vec<Option<u32>>,
    /// (position from the start, key, surface).
    terms: Vec<(u32, u32, u32)>,
}

/// Synonyms as word numbers, for one thread: members by their first main key.
struct IdSynonyms {
    members: Vec<IdMember>,
    by_first: FxHashMap<u32, Vec<usize>>,
}

impl IdSynonyms {
    fn new(synonyms: &Synonyms, ids: &mut WordIds) -> Self {
        let mut members = Vec::new();
        let mut by_first: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (group, g) in synonyms.groups.iter().enumerate() {
            for m in g {
                let mains: Vec<Option<u32>> = m.mains.iter().map(|k| k.as_deref().map(|k| ids.id(k))).collect();
                let terms = m.terms.iter().map(|(p, k, s)| (*p, ids.id(k), ids.id(s))).collect();
                if let Some(Some(first)) = mains.first() {
                    by_first.entry(*first).or_default().push(members.len());
                }
                members.push(IdMember { group, mains, terms });
            }
        }
        IdSynonyms { members, by_first }
    }
}

/// Writes every search file for `pages`, written in `language`.
pub fn write(pages: &[PageDoc], layout: Layout, synonyms: &Synonyms, language: &Language) -> Vec<OutputFile> {
    // Pages are cut into terms in parallel, then merged in page order.
    let words = Words::default();
    let per_page: Vec<PageTerms> = pages
        .par_iter()
        .enumerate()
        .map_init(
            || {
                let mut ids = WordIds::new(&words);
                let syn = IdSynonyms::new(synonyms, &mut ids);
                (Tokenizer::new(language), ids, syn)
            },
            |(t, ids, syn), (p, page)| page_docs(t, ids, syn, p, page),
        )
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

    // (word, postings or None, stem or None): keys and forms sorted together,
    // cut into shards by size.
    let mut items: Vec<(&str, Option<&str>, Option<&str>)> = postings
        .iter()
        .map(|k| (k.key, Some(k.postings.as_str()), None))
        .chain(forms.iter().map(|(f, s)| (*f, None, Some(*s))))
        .collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    let sharded = pages.len() > layout.single_shard_pages;
    let shards =
        cut(&items, sharded, layout.shard_bytes, |item| item.0.len() + 6 + item.1.or(item.2).map_or(0, str::len));
    let shard_files: Vec<OutputFile> = shards
        .par_iter()
        .enumerate()
        .map(|(n, shard)| {
            let (mut keys, mut postings, mut forms, mut stems) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (word, p, stem) in *shard {
                if let Some(p) = p {
                    keys.push(*word);
                    postings.push(*p);
                }
                if let Some(s) = stem {
                    forms.push(*word);
                    stems.push(*s);
                }
            }
            let data = Shard { keys: front_code(&keys), postings, forms: front_code(&forms), stems };
            script(format!("search/s-{n}.js"), &format!("shard({n},"), &data)
        })
        .collect();
    files.extend(shard_files);

    // Positions, cut by their own size (whole-text keys have none).
    let with_positions: Vec<&KeyPostings> = postings.iter().filter(|k| !k.key.contains(' ')).collect();
    let position_files = cut(&with_positions, sharded, layout.positions_bytes, |k| k.key.len() + 6 + k.positions.len());
    files.extend(
        position_files
            .par_iter()
            .enumerate()
            .map(|(n, part)| {
                let data: BTreeMap<&str, &str> = part.iter().map(|k| (k.key, k.positions.as_str())).collect();
                script(format!("search/p-{n}.js"), &format!("positions({n},"), &data)
            })
            .collect::<Vec<_>>(),
    );

    // Vocabulary by first letter, for typos (sharded sites only).
    let mut vocab_letters = Vec::new();
    if sharded {
        let mut by_letter: BTreeMap<char, Vec<&str>> = BTreeMap::new();
        for (word, _, _) in items.iter().filter(|i| !i.0.contains(' ')) {
            // CJK words are pairs of characters: too short for typos, so no vocabulary.
            if let Some(c) = word.chars().next().filter(|c| !is_cjk(*c)) {
                by_letter.entry(c).or_default().push(word);
            }
        }
        for (c, words) in by_letter {
            let hex = format!("{:x}", c as u32);
            files.push(script(format!("search/v-{hex}.js"), &format!("vocab(\"{hex}\","), &words));
            vocab_letters.push(c.to_string());
        }
    }

    // What results show, one page per file.
    let doc_files: Vec<OutputFile> = pages
        .par_iter()
        .enumerate()
        .map(|(n, page)| script(format!("search/d-{n}.js"), &format!("doc({n},"), &PageRecord::new(page)))
        .collect();
    files.extend(doc_files);

    let manifest = Manifest {
        v: 2,
        pages: pages.len(),
        shards: firsts(&shards, |i| i.0),
        positions: firsts(&position_files, |k| k.key),
        vocab: sharded.then_some(vocab_letters),
        stop: &language.stop_words,
        elisions: language.elisions,
        lang: &language.code,
    };
    files.push(script("search/index.js".into(), "manifest(", &manifest));
    files
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
fn firsts<'a, T>(runs: &[&'a [T]], word: impl Fn(&'a T) -> &'a str) -> Vec<&'a str> {
    runs.iter().enumerate().map(|(n, run)| if n == 0 || run.is_empty() { "" } else { word(&run[0]) }).collect()
}

/// `search/index.js`. Fields in this order, which is alphabetical like the
/// earlier `serde_json::Value` output.
#[derive(Serialize)]
struct Manifest<'a> {
    /// The language's elided words (see `tokenize`), when it has any.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    elisions: &'a [&'a str],
    /// The language's code.
    lang: &'a str,
    pages: usize,
    /// The first key of each positions file (`p-N.js`).
    positions: Vec<&'a str>,
    /// The first key of each shard (`s-N.js`).
    shards: Vec<&'a str>,
    stop: &'a [String],
    v: u32,
    /// The first letters that have a `v-HEX.js`; `null` when the site is one shard.
    vocab: Option<Vec<String>>,
}

/// A page's sections with their term counts, and its (word form, stem) pairs, as
/// word numbers.
type PageTerms = (Vec<Doc>, Vec<(u32, u32)>);

/// A term's mention while a section is read: (word number, weight, position).
type Mention = (u32, f32, u32);

/// A page's sections (section 0 is its metadata) with their term counts and
/// positions, and the word forms whose stem differs.
fn page_docs(tokenizer: &mut Tokenizer, ids: &mut WordIds, syn: &IdSynonyms, p: usize, page: &PageDoc) -> PageTerms {
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
        let mut mentions: Vec<Mention> = Vec::new();
        // Each position's main key and weight, for synonyms.
        let mut mains: Vec<Option<(u32, f32)>> = Vec::new();
        let mut start = 0;
        for (boost, text) in fields {
            let used = tokenizer.for_each_term_at(text, |pos, key, surface| {
                let key_id = ids.id(key);
                if surface != key {
                    forms.push((ids.id(surface), key_id));
                }
                let pos = start + pos;
                mentions.push((key_id, boost, pos));
                if mains.len() <= pos as usize {
                    mains.resize(pos as usize + 1, None);
                }
                mains[pos as usize] = Some((key_id, boost));
            });
            start += used + FIELD_GAP;
        }
        let len = mentions.len();
        if section == 0 {
            for text in &page.exact {
                if let Some(key) = exact_key(text, tokenizer.language()) {
                    mentions.push((ids.id(&key), BOOST_TITLE, u32::MAX));
                }
            }
        }
        if mentions.is_empty() {
            continue;
        }
        add_synonyms(syn, &mains, &mut mentions, &mut forms);
        docs.push(doc(p as u32, section as u32, mentions, len));
    }
    // Pages repeat their words: each form once.
    forms.sort_unstable();
    forms.dedup();
    (docs, forms)
}

/// Where a section says a member of a synonym group, mentions of the group's
/// other members at the same place, weighed down.
fn add_synonyms(
    syn: &IdSynonyms,
    mains: &[Option<(u32, f32)>],
    mentions: &mut Vec<Mention>,
    forms: &mut Vec<(u32, u32)>,
) {
    if syn.members.is_empty() {
        return;
    }
    let main = |p: usize| mains.get(p).copied().flatten().map(|(k, _)| k);
    for (pos, m) in mains.iter().enumerate() {
        let Some((key, boost)) = *m else { continue };
        let Some(candidates) = syn.by_first.get(&key) else { continue };
        for &c in candidates {
            let member = &syn.members[c];
            let found = member.mains.iter().enumerate().all(|(i, k)| match k {
                Some(k) => main(pos + i) == Some(*k),
                None => main(pos + i).is_none(),
            });
            if !found {
                continue;
            }
            for other in syn.members.iter().filter(|o| o.group == member.group && o.mains != member.mains) {
                for &(rel, key, surface) in &other.terms {
                    mentions.push((key, boost * SYNONYM_WEIGHT, pos as u32 + rel));
                    if surface != key {
                        forms.push((surface, key));
                    }
                }
            }
        }
    }
}

/// A section's mentions summed up by word (weights added, positions listed).
fn doc(page: u32, section: u32, mut mentions: Vec<Mention>, len: usize) -> Doc {
    mentions.sort_by_key(|&(id, _, pos)| (id, pos));
    let mut tf: Vec<(u32, f32, u32, u32)> = Vec::new();
    let mut positions = Vec::with_capacity(mentions.len());
    for (id, weight, pos) in mentions {
        match tf.last_mut() {
            Some(last) if last.0 == id => last.1 += weight,
            _ => tf.push((id, weight, positions.len() as u32, positions.len() as u32)),
        }
        let last = tf.last_mut().expect("just pushed");
        // A chunk gives its key once per position ("wi-fi wifi" both give `wifi`).
        if pos != u32::MAX && positions[last.2 as usize..].last() != Some(&pos) {
            positions.push(pos);
            last.3 = positions.len() as u32;
        }
    }
    Doc { page, section, tf, positions, len: len.max(1) }
}

/// A posting while the index is made: (page, section, impact, positions).
type Posting<'d> = (u32, u32, u32, &'d [u32]);

/// A key's postings and positions strings.
struct KeyPostings<'w> {
    key: &'w str,
    postings: String,
    positions: String,
}

/// Postings and positions strings by key, sorted by key.
fn postings<'w>(docs: &[Doc], words: &'w [String], max_postings: usize) -> Vec<KeyPostings<'w>> {
    let n = docs.len().max(1) as f32;
    let avg_len = rounded_len(docs.iter().map(|d| d.len).sum::<usize>() as f32 / n, AVG_LEN_STEPS);
    let mut df = vec![0u32; words.len()];
    for d in docs {
        for &(k, ..) in &d.tf {
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
        let len = if d.len <= EXACT_LEN { d.len as f32 } else { rounded_len(d.len as f32, LEN_STEPS) };
        let norm = K1 * (1.0 - B + B * len / avg_len);
        for &(k, tf, from, to) in &d.tf {
            let score = idf[k as usize] * tf * (K1 + 1.0) / (tf + norm);
            let impact = ((score * SCALE).round() as u32).clamp(1, MAX_IMPACT);
            lists[k as usize].push((d.page, d.section, impact, &d.positions[from as usize..to as usize]));
        }
    }
    let mut keys: Vec<usize> = (0..words.len()).filter(|&k| df[k] > 0).collect();
    keys.sort_unstable_by(|&a, &b| words[a].cmp(&words[b]));
    keys.into_par_iter()
        .map(|k| {
            let (postings, positions) = encode(&lists[k], max_postings);
            KeyPostings { key: words[k].as_str(), postings, positions }
        })
        .collect()
}

/// Length normalisation reads a section's length rounded to a power of two (a
/// step of 2x; in log scale, to the nearest) past [`EXACT_LEN`] terms (below, a term
/// more is a large change: a title, a short section), and the average length to a step of
/// 2^(1/16) (4.4%). With exact lengths, one sentence added to a step changed the
/// impact of every word of its section, and so rewrote a shard file for each of
/// those words (55 files on the 10,000-step corpus); rounded, a small edit usually
/// leaves the length's step as it was, and then only the shards of the words it
/// added or removed change. An edit that crosses a step still rewrites them all.
/// Ranking barely moves: all sections of about the same length stay in order, and
/// the labelled queries (`tests/search_queries*.toml`) rank as before.
const LEN_STEPS: f32 = 1.0;
const EXACT_LEN: usize = 16;
const AVG_LEN_STEPS: f32 = 16.0;

/// `len` rounded, in log scale, to the nearest of `steps_per_doubling` steps per
/// doubling (at least 1).
fn rounded_len(len: f32, steps_per_doubling: f32) -> f32 {
    ((len.max(1.0).log2() * steps_per_doubling).round() / steps_per_doubling).exp2()
}

/// One key's postings and positions strings (see the module comment).
fn encode(list: &[Posting], max_postings: usize) -> (String, String) {
    // About three digits per posting.
    let mut text = String::with_capacity(1 + 3 * list.len().min(max_postings));
    let mut positions = String::new();
    let mut list = Cow::Borrowed(list);
    if list.len() > max_postings {
        // A very common word: keep its best postings only, and say so (`~`).
        let best = list.to_mut();
        best.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        best.truncate(max_postings);
        best.sort_by_key(|p| (p.0, p.1));
        text.push(COMMON);
    }
    let mut prev = 0;
    for &(page, section, impact, pos) in list.iter() {
        push_varint(&mut text, page - prev);
        push_varint(&mut text, section);
        push_varint(&mut text, impact);
        prev = page;
        push_varint(&mut positions, pos.len() as u32);
        let mut last = 0;
        for &p in pos {
            push_varint(&mut positions, p - last);
            last = p;
        }
    }
    (text, positions)
}

/// A shard: its keys (sorted, front-coded) with their postings, and the word
/// forms whose stem differs (sorted, front-coded) with their stems.
#[derive(Serialize)]
struct Shard<'a> {
    keys: Vec<String>,
    postings: Vec<&'a str>,
    forms: Vec<String>,
    stems: Vec<&'a str>,
}

/// `d-N.js`: what a result shows for one page.
#[derive(Serialize)]
pub struct PageRecord<'a> {
    pub url: &'a str,
    pub title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub guide: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    pub step: usize,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub risk: &'a str,
    /// Section 0 has no heading and shows the metadata text.
    pub sections: Vec<SectionRecord<'a>>,
}

/// A section of a [`PageRecord`].
#[derive(Serialize)]
pub struct SectionRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<&'a str>,
    pub text: &'a str,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> PageRecord<'a> {
    fn new(p: &'a PageDoc) -> Self {
        let mut sections = vec![SectionRecord { heading: None, anchor: None, text: &p.meta_text }];
        sections.extend(p.sections.iter().map(|s| SectionRecord {
            heading: s.heading.as_deref(),
            anchor: s.anchor.as_deref(),
            text: &s.text,
        }));
        PageRecord { url: &p.url, title: &p.title, guide: &p.guide, step: p.step, risk: p.risk, sections }
    }
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
    use super::super::encoding::{decode, decode_positions, unfront};
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
        let files = write(&pages, Layout::default(), &Synonyms::default(), &Language::default());
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["search/s-0.js", "search/p-0.js", "search/d-0.js", "search/d-1.js", "search/index.js"]);
        let shard = file(&files, "search/s-0.js");
        assert!(shard.starts_with("window.__remedySearch.shard(0,{\"keys\":[\"0"), "{shard}");
        let (k, f) = shard_maps(shard);
        // "restart": page 0, title (section 0) and body (section 1).
        assert!(k["restart"].starts_with('0'), "{k:?}");
        assert_eq!(f["restarting"], "restart");
        assert!(k["wi-fi"].starts_with('1'), "{k:?}");
        let docs = file(&files, "search/d-1.js");
        assert!(docs.contains("<\\/script>") && !docs.contains("</"), "{docs}");
        assert!(docs.starts_with("window.__remedySearch.doc(1,{\"url\":\"b.html\",\"title\":\"Wi-Fi\",\"sections\":[{\"text\":\"\"},{\"heading\":\"Steps\",\"anchor\":\"steps\",\"text\":"), "{docs}");
        let manifest = file(&files, "search/index.js");
        assert!(manifest.contains("\"shards\":[\"\"]"), "{manifest}");
        assert!(manifest.contains("\"vocab\":null"), "{manifest}");
    }

    #[test]
    fn lengths_are_rounded_in_log_scale() {
        assert_eq!(rounded_len(0.0, 1.0), 1.0);
        assert_eq!(rounded_len(100.0, 1.0), 128.0);
        assert_eq!(rounded_len(113.0, 1.0), 128.0, "one sentence more: the same step");
        assert_eq!(rounded_len(90.0, 1.0), 64.0);
        let avg = rounded_len(52.3, 16.0);
        assert_eq!(rounded_len(52.3001, 16.0), avg);
        assert!((avg / 52.3 - 1.0).abs() < 0.03, "{avg}");
    }

    /// One sentence added to a section rewrites only the shards of the words it adds:
    /// the impacts of the section's other words stay as they were.
    #[test]
    fn a_small_edit_leaves_other_words_impacts_alone() {
        // Past EXACT_LEN words, at 27 and 28 words (the same power of two, 32).
        let body = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu";
        let pages = [page("a.html", "One", body), page("b.html", "Two", "alpha bravo other words here")];
        let edited = [page("a.html", "One", &format!("{body} zebra")), pages[1].clone()];
        let (before, after) = (postings_of(&pages), postings_of(&edited));
        for (key, postings) in &before {
            assert_eq!(after.get(key), Some(postings), "{key}");
        }
        assert!(after.contains_key("zebra"));
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
        let files =
            write(&pages, Layout { max_postings: 3, ..Layout::default() }, &Synonyms::default(), &Language::default());
        let (k, _) = shard_maps(file(&files, "search/s-0.js"));
        let p = k["common"].as_str();
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

    /// A shard file's keys to postings and forms to stems.
    fn shard_maps(text: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let start = text.find(",{").unwrap() + 1;
        let v: Value = serde_json::from_str(&text[start..text.len() - 3]).unwrap();
        let list = |name: &str| -> Vec<String> { serde_json::from_value(v[name].clone()).unwrap() };
        let k = unfront(&list("keys")).into_iter().zip(list("postings")).collect();
        let f = unfront(&list("forms")).into_iter().zip(list("stems")).collect();
        (k, f)
    }

    #[test]
    fn front_coding_round_trips() {
        let words = ["", "wi", "wi-fi", "wifi", "wireless", "é", "éa", "x".repeat(70).as_str(), &"x".repeat(71)]
            .map(String::from);
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let coded = front_code(&refs);
        assert_eq!(&coded[1..5], ["0wi", "2-fi", "2fi", "2reless"]);
        assert_eq!(coded[6], "0éa", "no prefix is shared past a non-ASCII character");
        assert_eq!(coded[8], format!("_{}", "x".repeat(8)), "at most 63 shared");
        assert_eq!(unfront(&coded), words);
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
        postings_with(pages, &Synonyms::default()).0
    }

    /// Postings and positions strings by key.
    fn postings_with(pages: &[PageDoc], synonyms: &Synonyms) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let files = write(pages, Layout::default(), synonyms, &Language::default());
        let data = |path: &str, call: &str| -> Value {
            let text = file(&files, path);
            serde_json::from_str(&text[format!("window.__remedySearch.{call}").len()..text.len() - 3]).unwrap()
        };
        let k = shard_maps(file(&files, "search/s-0.js")).0;
        let p = serde_json::from_value(data("search/p-0.js", "positions(0,")).unwrap();
        (k, p)
    }

    #[test]
    fn positions_count_chunks_and_keep_fields_apart() {
        let mut a = page("a.html", "Backup failed", "The last backup could not be completed. Backup again");
        a.sections[0].heading = Some("Could not".into());
        let (k, p) = postings_with(&[a], &Synonyms::default());
        // Section 0 is the title; section 1 the body, then its heading.
        assert_eq!(decode(&k["backup"]).iter().map(|x| x.1).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(decode_positions(&p["backup"]), [vec![0], vec![2, 7]]);
        assert_eq!(decode_positions(&p["could"]), [vec![3, 9 + FIELD_GAP]]);
        assert_eq!(decode_positions(&p["complet"]), [vec![6]]);
    }

    #[test]
    fn synonyms_are_indexed_where_a_page_says_one_of_them() {
        let pages = [
            page("a.html", "Network", "Join the WLAN again. Turn off mobile data."),
            page("b.html", "Phone", "Type your passcode"),
        ];
        let (k, p) = postings_with(&pages, &Synonyms::new(&Language::default(), &[]));
        assert_eq!(decode(&k["wifi"]).iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(), [(0, 1)]);
        assert_eq!(decode_positions(&p["wifi"]), [vec![2]], "at the place of WLAN");
        assert_eq!(decode_positions(&p["cellular"]), [vec![6]]);
        assert!(decode(&k["password"])[0].2 < decode(&k["passcod"])[0].2, "a synonym weighs less");
        let none = postings_of(&pages);
        assert!(!none.contains_key("wifi") && !none.contains_key("password"));
    }

    #[test]
    fn error_messages_are_indexed_whole() {
        let mut g = page("g.html", "Guide", "text");
        g.exact = vec!["The backup could not be completed.".into(), "...".into()];
        let k = postings_of(&[g]);
        let exact: Vec<&String> = k.keys().filter(|k| k.contains(' ')).collect();
        assert_eq!(exact, ["backup could not completed ="]);
        assert_eq!(decode(&k["backup could not completed ="])[0].1, 0);
    }

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
