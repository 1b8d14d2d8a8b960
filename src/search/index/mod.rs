//! The index writer: pages' text to the files under `search/` that search.js reads.
//!
//! Every file is a classic script calling `window.__remedySearch` (so the index
//! loads from `file://`, where fetch and workers are blocked):
//!
//! - `search/index.js`, the manifest ([`files::Manifest`]): page count, the first key of
//!   each shard and of each positions file, the first letters that have a
//!   vocabulary file, the language's code, stop words and elided words (search.js
//!   cuts a query with them).
//! - `search/s-N.js`, shard N: the keys in the shard's range (sorted,
//!   front-coded, see [`super::encoding`]) with their postings, and the word forms
//!   whose stem differs with that stem (search.js has no stemmer: it looks the
//!   reader's words up here).
//! - `search/p-N.js`, positions file N (loaded only for quoted phrases): maps
//!   each key in its range to the positions of the key in each of its postings.
//! - `search/v-HEX.js` (sharded sites only): every key and word form starting with
//!   one letter, for typo tolerance without loading every shard.
//! - `search/d-N.js`: what a result shows for page N ([`files::PageRecord`]: title,
//!   guide, step, risk, URL, and each section's heading, anchor and text for
//!   snippets), one file per page, so a query loads the text of the results it
//!   shows and no other.
//!
//! Postings are strings of base-64 digits ([`DIGITS`](super::encoding::DIGITS)):
//! for each posting, in increasing page order, the page as a delta from the previous
//! posting's page, the section, and the impact (each a varint: a digit below 32 ends
//! a number, a digit `32 + d` carries five more bits `d`, least significant first).
//! A key found in more than [`Layout::max_postings`] sections keeps only its best
//! postings, and its string starts with `~` ([`COMMON`](super::encoding::COMMON)).
//! Section 0 is the page's metadata (title, error messages, symptoms, summary,
//! tags); section `s > 0` is the Markdown text under the `s`-th heading (the first
//! one may have no heading). The impact is the BM25F score of the key in that
//! section, boosts included, quantized to 1..=31; a query adds impacts up, so
//! ranking needs nothing else from the index.
//!
//! A key's positions string follows its postings string, posting by posting:
//! the number of positions, then the positions as deltas (first from 0), all
//! varints. Positions count chunks (see [`super::tokenize`]); the fields of a
//! section follow each other [`FIELD_GAP`] positions apart, so no phrase spans two.
//!
//! An error message is also indexed whole, under its
//! [`exact_key`](super::tokenize::exact_key) (its words and ` =`), so that a query
//! that is exactly the message finds its guide first.
//!
//! The work is cut into modules: [`terms`] reads pages into word-numbered sections,
//! [`postings`] scores and encodes each key's postings, [`layout`] cuts the sorted
//! words into files, and [`files`] writes each kind of file. [`write`] runs them in
//! that order.

use super::synonyms::Synonyms;
use super::tokenize::Language;
use crate::model::OutputFile;
use layout::{firsts, Entry};
use postings::{postings, KeyPostings};
use terms::Terms;

mod files;
mod layout;
mod postings;
mod terms;
#[cfg(test)]
mod testing;

pub use files::{PageRecord, SectionRecord};
pub use layout::Layout;

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

/// Writes every search file for `pages`, written in `language`.
pub fn write(pages: &[PageDoc], layout: Layout, synonyms: &Synonyms, language: &Language) -> Vec<OutputFile> {
    let terms = Terms::of(pages, synonyms, language);
    let postings = postings(&terms.docs, &terms.words, layout.max_postings);
    let forms = terms.forms();
    let sharded = layout.sharded(pages.len());

    // Keys and forms sorted together, cut into shards by size.
    let mut entries: Vec<Entry> = postings
        .iter()
        .map(|k| (k.key, Some(k.postings.as_str()), None))
        .chain(forms.iter().map(|(f, s)| (*f, None, Some(*s))))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let shards = layout.shards(&entries, sharded);
    let mut out = files::shards(&shards);

    // Positions, cut by their own size (whole-text keys have none).
    let with_positions: Vec<&KeyPostings> = postings.iter().filter(|k| !k.key.contains(' ')).collect();
    let positions = layout.positions(&with_positions, sharded);
    out.extend(files::positions(&positions));

    // Vocabulary by first letter, for typos (sharded sites only).
    let vocab = sharded.then(|| {
        let (files, letters) = files::vocabulary(&entries);
        out.extend(files);
        letters
    });

    out.extend(files::docs(pages));
    let manifest = files::Manifest {
        v: 2,
        pages: pages.len(),
        shards: firsts(&shards, |e| e.0),
        positions: firsts(&positions, |k| k.key),
        vocab,
        stop: &language.stop_words,
        elisions: language.elisions,
        lang: &language.code,
    };
    out.push(manifest.file());
    out
}
