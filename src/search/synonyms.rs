//! Synonyms: groups of words and phrases a reader may type for the same thing
//! ("wifi", "wi-fi", "wlan"). They are applied when the index is built: where a
//! page says one member of a group, the other members are indexed at the same
//! place with a lower weight ([`SYNONYM_WEIGHT`]), so a query for any of them
//! finds the page and search.js needs to know nothing about them.
//!
//! Members are matched on main keys (see [`super::tokenize`]): "Wi-Fi" and
//! "wifi" are the same member, "passwords" matches "password". A member may be
//! several words ("mobile data"), matched as consecutive chunks.
//!
//! The built-in groups are English words: they apply to an English index only.
//! A site's own groups (`[search.synonyms]`) apply to the index of every
//! language the site has, cut by that language's rules.

use super::tokenize::{Language, Tokenizer};

/// What a synonym's mention weighs against the word the page says.
pub const SYNONYM_WEIGHT: f32 = 0.7;

/// Built in (English only): common device words that readers and writers spell
/// differently. `[search] synonyms` in site.toml adds to them.
pub const BUILT_IN: &[&[&str]] = &[&["wifi", "wlan"], &["cellular", "mobile data"], &["passcode", "password"]];

/// One member of a group, cut into terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The main key of each chunk (`None` for a stop word).
    pub mains: Vec<Option<String>>,
    /// Every term of the member: (position from its start, key, surface).
    pub terms: Vec<(u32, String, String)>,
}

/// Groups of members, merged where they share one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synonyms {
    pub groups: Vec<Vec<Member>>,
}

impl Synonyms {
    /// The built-in groups (for English) and `extra` (each a word and its synonyms,
    /// as in site.toml), cut into terms as `language` cuts them, merged where a
    /// member is in two groups. Members that give no term (stop words only) are
    /// left out, and so are groups left with one member.
    pub fn new(language: &Language, extra: &[(String, Vec<String>)]) -> Synonyms {
        let mut tokenizer = Tokenizer::new(language);
        let mut groups: Vec<Vec<Member>> = Vec::new();
        let built_in: &[&[&str]] = if language.english { BUILT_IN } else { &[] };
        let built_in = built_in.iter().map(|g| g.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let extra = extra.iter().map(|(word, others)| std::iter::once(word.clone()).chain(others.clone()).collect());
        for words in built_in.chain(extra) {
            let mut group: Vec<Member> = Vec::new();
            for w in &words {
                if let Some(m) = member(&mut tokenizer, w) {
                    if !group.iter().any(|g| g.mains == m.mains) {
                        group.push(m);
                    }
                }
            }
            // Merge with every earlier group that shares a member.
            let mut i = 0;
            while i < groups.len() {
                if groups[i].iter().any(|a| group.iter().any(|b| a.mains == b.mains)) {
                    for m in groups.remove(i) {
                        if !group.iter().any(|g| g.mains == m.mains) {
                            group.push(m);
                        }
                    }
                } else {
                    i += 1;
                }
            }
            groups.push(group);
        }
        groups.retain(|g| g.len() > 1);
        Synonyms { groups }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

fn member(tokenizer: &mut Tokenizer, text: &str) -> Option<Member> {
    let mut terms = Vec::new();
    let n = tokenizer.for_each_term_at(text, |p, k, s| terms.push((p, k.to_string(), s.to_string())));
    let mut mains = vec![None; n as usize];
    for (p, k, _) in &terms {
        mains[*p as usize] = Some(k.clone());
    }
    // Leading or trailing stop words would match any word: trim them.
    while mains.last() == Some(&None) {
        mains.pop();
    }
    let skip = mains.iter().take_while(|m| m.is_none()).count();
    if mains.len() == skip {
        return None;
    }
    mains.drain(..skip);
    let terms = terms.into_iter().map(|(p, k, s)| (p - skip as u32, k, s)).collect();
    Some(Member { mains, terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each group's members, each as its main keys joined by spaces.
    fn mains(s: &Synonyms) -> Vec<Vec<String>> {
        let member = |m: &Member| m.mains.iter().map(|k| k.clone().unwrap_or("_".into())).collect::<Vec<_>>().join(" ");
        s.groups.iter().map(|g| g.iter().map(member).collect()).collect()
    }

    #[test]
    fn built_in_groups_and_site_groups_merge_where_they_meet() {
        let s = Synonyms::new(
            &Language::default(),
            &[
                ("Wi-Fi".into(), vec!["wireless".into()]),
                ("reboot".into(), vec!["restart".into(), "Reboot".into()]),
                ("the".into(), vec!["a".into()]),
            ],
        );
        let expected: &[&[&str]] = &[
            &["cellular", "mobil data"],
            &["passcod", "password"],
            &["wifi", "wireless", "wlan"],
            &["reboot", "restart"],
        ];
        assert_eq!(mains(&s), expected);
        let data = &s.groups[0][1];
        assert_eq!(data.terms, [(0, "mobil".into(), "mobile".into()), (1, "data".into(), "data".into())]);
    }

    #[test]
    fn built_in_groups_are_english_and_site_groups_apply_to_every_language() {
        let site = [("redémarrer".to_string(), vec!["relancer".to_string()])];
        assert_eq!(mains(&Synonyms::new(&Language::of("fr"), &site)), [["redemarr", "relanc"]]);
        assert!(Synonyms::new(&Language::of("ja"), &[]).is_empty());
        assert_eq!(Synonyms::new(&Language::of("en-US"), &[]).groups.len(), BUILT_IN.len());
    }
}
