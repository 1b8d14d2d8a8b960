//! Postings: each key's list of (page, section, impact) and its positions, encoded
//! as the strings the shards and positions files hold (see the format in
//! [`super`]). The impact is the key's BM25F score in its section, quantized; BM25
//! reads section lengths rounded (see [`LEN_STEPS`]) so that a small edit leaves
//! other words' impacts, and so their shards, as they were.

use std::borrow::Cow;

use rayon::prelude::*;

use super::terms::Doc;
use crate::search::encoding::{push_varint, COMMON};

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Impact = score * SCALE, clamped to 1..=MAX_IMPACT (one digit).
const SCALE: f32 = 3.2;
const MAX_IMPACT: u32 = 31;

/// A posting while the index is made: (page, section, impact, positions).
type Posting<'d> = (u32, u32, u32, &'d [u32]);

/// A key's postings and positions strings.
pub(super) struct KeyPostings<'w> {
    pub key: &'w str,
    pub postings: String,
    pub positions: String,
}

/// Postings and positions strings by key, sorted by key.
pub(super) fn postings<'w>(docs: &[Doc], words: &'w [String], max_postings: usize) -> Vec<KeyPostings<'w>> {
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

/// One key's postings and positions strings (their format is in [`super`]).
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

#[cfg(test)]
mod tests {
    use super::rounded_len;
    use crate::search::encoding::decode;
    use crate::search::index::testing::{file, page, postings_of, shard_maps};
    use crate::search::index::{write, Layout, PageDoc, BOOST_TITLE};
    use crate::search::synonyms::Synonyms;
    use crate::search::tokenize::Language;

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
}
