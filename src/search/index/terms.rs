//! Pages cut into terms, in memory: every distinct word numbered ([`Words`]), each
//! section's weighted term frequencies and positions ([`Doc`]), synonyms added where a
//! page says one of a group, and the word forms whose stem differs. Pages are read in
//! parallel and merged in page order; nothing here is written out.

use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{PageDoc, BOOST_BODY, BOOST_HEADING, BOOST_TITLE, FIELD_GAP};
use crate::search::synonyms::{Synonyms, SYNONYM_WEIGHT};
use crate::search::tokenize::{exact_key, Language, Tokenizer};

/// Every section of a site as word numbers, and the words they stand for.
pub(super) struct Terms {
    /// Every word (key or word form), indexed by its number.
    pub words: Vec<String>,
    /// Every section that has a term, in page and section order.
    pub docs: Vec<Doc>,
    /// Each word form's stem, by the form's number, when it differs.
    stem_of: Vec<Option<u32>>,
}

impl Terms {
    /// The sections of `pages` (section 0 of each is its metadata), cut into terms.
    pub fn of(pages: &[PageDoc], synonyms: &Synonyms, language: &Language) -> Self {
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
        Terms { words, docs, stem_of }
    }

    /// The (word form, stem) pairs whose stem differs, sorted.
    pub fn forms(&self) -> Vec<(&str, &str)> {
        let mut forms: Vec<(&str, &str)> = self
            .stem_of
            .iter()
            .enumerate()
            .filter_map(|(form, stem)| stem.map(|s| (self.words[form].as_str(), self.words[s as usize].as_str())))
            .collect();
        forms.sort_unstable();
        forms
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
pub(super) struct Doc {
    pub page: u32,
    pub section: u32,
    /// Weighted term frequencies by word number, sorted by number, and the range
    /// of each one's positions in `positions`.
    pub tf: Vec<(u32, f32, u32, u32)>,
    pub positions: Vec<u32>,
    pub len: usize,
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

#[cfg(test)]
mod tests {
    use crate::search::encoding::{decode, decode_positions};
    use crate::search::index::testing::{page, postings_of, postings_with};
    use crate::search::index::FIELD_GAP;
    use crate::search::synonyms::Synonyms;
    use crate::search::tokenize::Language;

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
}
