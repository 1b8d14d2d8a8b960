//! What the index's unit tests share: a page to index, and the files `write` makes
//! read back as maps from key to postings and positions strings.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{write, Layout, PageDoc, SectionDoc, BOOST_TITLE};
use crate::model::OutputFile;
use crate::search::encoding::unfront;
use crate::search::synonyms::Synonyms;
use crate::search::tokenize::Language;

pub(super) fn page(url: &str, title: &str, body: &str) -> PageDoc {
    PageDoc {
        url: url.into(),
        title: title.into(),
        meta: vec![(BOOST_TITLE, title.into())],
        sections: vec![SectionDoc { heading: Some("Steps".into()), anchor: Some("steps".into()), text: body.into() }],
        ..PageDoc::default()
    }
}

pub(super) fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let f = files.iter().find(|f| f.path == path).expect(path);
    std::str::from_utf8(&f.contents).unwrap()
}

/// A shard file's keys to postings and forms to stems.
pub(super) fn shard_maps(text: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let start = text.find(",{").unwrap() + 1;
    let v: Value = serde_json::from_str(&text[start..text.len() - 3]).unwrap();
    let list = |name: &str| -> Vec<String> { serde_json::from_value(v[name].clone()).unwrap() };
    let k = unfront(&list("keys")).into_iter().zip(list("postings")).collect();
    let f = unfront(&list("forms")).into_iter().zip(list("stems")).collect();
    (k, f)
}

pub(super) fn postings_of(pages: &[PageDoc]) -> BTreeMap<String, String> {
    postings_with(pages, &Synonyms::default()).0
}

/// Postings and positions strings by key.
pub(super) fn postings_with(
    pages: &[PageDoc],
    synonyms: &Synonyms,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let files = write(pages, Layout::default(), synonyms, &Language::default());
    let data = |path: &str, call: &str| -> Value {
        let text = file(&files, path);
        serde_json::from_str(&text[format!("window.__remedySearch.{call}").len()..text.len() - 3]).unwrap()
    };
    let k = shard_maps(file(&files, "search/s-0.js")).0;
    let p = serde_json::from_value(data("search/p-0.js", "positions(0,")).unwrap();
    (k, p)
}
