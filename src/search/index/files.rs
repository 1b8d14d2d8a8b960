//! The files search.js loads, one writer per kind: shards (`s-N.js`), positions
//! (`p-N.js`), vocabulary (`v-HEX.js`), what results show (`d-N.js`) and the manifest
//! (`index.js`). Each is a classic script calling `window.__remedySearch` ([`script`]);
//! the format of their contents is described in [`super`].

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::layout::Entry;
use super::postings::KeyPostings;
use super::PageDoc;
use crate::model::OutputFile;
use crate::search::encoding::front_code;
use crate::search::tokenize::is_cjk;

/// `search/s-N.js`, one per run of `shards`.
pub(super) fn shards(shards: &[&[Entry]]) -> Vec<OutputFile> {
    shards
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
        .collect()
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

/// `search/p-N.js`, one per run of `parts`: each key's positions string.
pub(super) fn positions(parts: &[&[&KeyPostings]]) -> Vec<OutputFile> {
    parts
        .par_iter()
        .enumerate()
        .map(|(n, part)| {
            let data: BTreeMap<&str, &str> = part.iter().map(|k| (k.key, k.positions.as_str())).collect();
            script(format!("search/p-{n}.js"), &format!("positions({n},"), &data)
        })
        .collect()
}

/// `search/v-HEX.js`, the words of `entries` (keys and forms, not whole texts) by
/// their first letter, for typos; and the letters that have one.
pub(super) fn vocabulary(entries: &[Entry]) -> (Vec<OutputFile>, Vec<String>) {
    let mut by_letter: BTreeMap<char, Vec<&str>> = BTreeMap::new();
    for (word, _, _) in entries.iter().filter(|i| !i.0.contains(' ')) {
        // CJK words are pairs of characters: too short for typos, so no vocabulary.
        if let Some(c) = word.chars().next().filter(|c| !is_cjk(*c)) {
            by_letter.entry(c).or_default().push(word);
        }
    }
    let (mut files, mut letters) = (Vec::new(), Vec::new());
    for (c, words) in by_letter {
        let hex = format!("{:x}", c as u32);
        files.push(script(format!("search/v-{hex}.js"), &format!("vocab(\"{hex}\","), &words));
        letters.push(c.to_string());
    }
    (files, letters)
}

/// `search/d-N.js`, what results show, one page per file.
pub(super) fn docs(pages: &[PageDoc]) -> Vec<OutputFile> {
    pages
        .par_iter()
        .enumerate()
        .map(|(n, page)| script(format!("search/d-{n}.js"), &format!("doc({n},"), &PageRecord::new(page)))
        .collect()
}

/// `search/index.js`. Fields in this order, which is alphabetical like the
/// earlier `serde_json::Value` output.
#[derive(Serialize)]
pub(super) struct Manifest<'a> {
    /// The language's elided words (see `tokenize`), when it has any.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub elisions: &'a [&'a str],
    /// The language's code.
    pub lang: &'a str,
    pub pages: usize,
    /// The first key of each positions file (`p-N.js`).
    pub positions: Vec<&'a str>,
    /// The first key of each shard (`s-N.js`).
    pub shards: Vec<&'a str>,
    pub stop: &'a [String],
    pub v: u32,
    /// The first letters that have a `v-HEX.js`; `null` when the site is one shard.
    pub vocab: Option<Vec<String>>,
}

impl Manifest<'_> {
    /// `search/index.js`.
    pub(super) fn file(&self) -> OutputFile {
        script("search/index.js".into(), "manifest(", self)
    }
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
    use crate::search::index::testing::{file, page, shard_maps};
    use crate::search::index::{write, Layout};
    use crate::search::synonyms::Synonyms;
    use crate::search::tokenize::Language;

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
}
