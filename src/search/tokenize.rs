//! Text to search terms. `themes/default/static/search.js` cuts a reader's query
//! with the same rules (`splitChunks` and `chunkTerms` there), so keep the two in step.
//!
//! 1. The text is lowercased and split at whitespace into chunks.
//! 2. Sentence punctuation is trimmed from each chunk's ends; a few marks that
//!    belong to tokens are kept (a leading `-`, `.`, `#`, `$`, `@`, `~`, `/` as in
//!    `--release` or `.gitignore`; a trailing `#`, `+`, `%` as in `C#` or `C++`).
//! 3. The chunk's parts are its runs of letters and digits. A plain word is one part
//!    and is stemmed (Snowball English). A chunk with punctuation inside
//!    (`0xE8000015` is plain; `wi-fi`, `thread::spawn`, `--release` are not) gives
//!    its whole form unstemmed, each part stemmed, and the parts joined (`wifi`), so
//!    it is found whole and by its parts.
//! 4. Stop words and one-letter words are dropped; so is anything over 40 chars.
//!
//! Each chunk that has letters or digits takes the next position (stop words
//! included, punctuation-only chunks not); all the terms of a chunk share its
//! position. Phrase matching compares positions, so search.js counts chunks the
//! same way. A chunk's last term is its *main* key (a plain word's stem, a
//! punctuated chunk's joined form): synonyms are matched on main keys.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

/// Words too common to be worth indexing. search.js drops the same ones.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "if", "in", "into", "is", "it",
    "its", "of", "on", "or", "so", "than", "that", "the", "then", "there", "these", "this", "to", "was", "were",
    "will", "with",
];

/// Longest term kept, in chars.
pub const MAX_TERM_CHARS: usize = 40;

/// One term of a text: the key it is indexed under and the word the reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// What the index stores: the stem of a plain word, or a punctuated form as is.
    pub key: String,
    /// The lowercased word it came from (equal to `key` when nothing was stemmed).
    pub surface: String,
}

/// Cuts text into terms, in reading order. Remembers the stems it made (a site
/// repeats its words), so keep one per thread.
pub struct Tokenizer {
    stemmer: Stemmer,
    stems: FxHashMap<String, String>,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer { stemmer: Stemmer::create(Algorithm::English), stems: Default::default() }
    }
}

const KEEP_LEADING: &[char] = &['-', '.', '#', '$', '@', '~', '/'];
const KEEP_TRAILING: &[char] = &['#', '+', '%'];

/// Trims sentence punctuation from a chunk's ends (rule 2).
pub fn trim_chunk(chunk: &str) -> &str {
    let chunk = chunk.trim_start_matches(|c: char| !c.is_alphanumeric() && !KEEP_LEADING.contains(&c));
    chunk.trim_end_matches(|c: char| !c.is_alphanumeric() && !KEEP_TRAILING.contains(&c))
}

/// The runs of letters and digits in a chunk (rule 3).
pub fn parts(chunk: &str) -> impl Iterator<Item = &str> {
    chunk.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty())
}

fn keep(word: &str) -> bool {
    let n = word.chars().count();
    (n > 1 || word.chars().all(|c| c.is_ascii_digit())) && n <= MAX_TERM_CHARS && !STOP_WORDS.contains(&word)
}

impl Tokenizer {
    /// Every term of `text`, in order (one chunk may give several).
    pub fn terms(&mut self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        self.for_each_term(text, |key, surface| out.push(Term { key: key.into(), surface: surface.into() }));
        out
    }

    /// Calls `f(key, surface)` for every term of `text`, in order: [`Tokenizer::terms`]
    /// without making two strings per term, for the indexer.
    pub fn for_each_term(&mut self, text: &str, mut f: impl FnMut(&str, &str)) {
        self.for_each_term_at(text, |_, key, surface| f(key, surface));
    }

    /// Like [`Tokenizer::for_each_term`], with each term's position (its chunk's
    /// number among the chunks that have letters or digits, from 0). Returns the
    /// number of positions used.
    pub fn for_each_term_at(&mut self, text: &str, mut f: impl FnMut(u32, &str, &str)) -> u32 {
        let lower = text.to_lowercase();
        let mut joined = String::new();
        let mut pos = 0u32;
        for chunk in lower.split_whitespace() {
            let chunk = trim_chunk(chunk);
            if chunk.chars().all(char::is_alphanumeric) {
                // A plain word (or nothing left after trimming).
                if !chunk.is_empty() {
                    self.word(chunk, &mut |k: &str, s: &str| f(pos, k, s));
                    pos += 1;
                }
                continue;
            }
            if parts(chunk).next().is_none() {
                continue;
            }
            if chunk.chars().count() <= MAX_TERM_CHARS {
                f(pos, chunk, chunk);
            }
            joined.clear();
            let mut count = 0;
            for part in parts(chunk) {
                self.word(part, &mut |k: &str, s: &str| f(pos, k, s));
                joined.push_str(part);
                count += 1;
            }
            if count > 1 {
                self.word(&joined, &mut |k: &str, s: &str| f(pos, k, s));
            }
            pos += 1;
        }
        pos
    }

    /// A plain word's term, stemmed, unless rule 4 drops it.
    fn word(&mut self, word: &str, f: &mut impl FnMut(&str, &str)) {
        if !keep(word) {
            return;
        }
        match self.stems.get(word) {
            Some(stem) => f(stem, word),
            None => {
                let stem = self.stemmer.stem(word).into_owned();
                f(&stem, word);
                self.stems.insert(word.to_string(), stem);
            }
        }
    }
}

/// The key under which a whole text (a guide's error message) is found when a
/// query is exactly that text: the text's kept words, unstemmed, each followed
/// by a space, then `=` (`"Error 0x80004005."` is `error 0x80004005 =`). It sorts
/// right after its first word, so it is in the shard a query loads for that word;
/// no other key has a space. search.js makes the same key of the whole query
/// (`exactKey`). `None` when no word is kept.
pub fn exact_key(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().flat_map(|c| parts(trim_chunk(c))).filter(|w| keep(w)).collect();
    (!words.is_empty()).then(|| format!("{} =", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        Tokenizer::default().terms(text).into_iter().map(|t| t.key).collect()
    }

    #[test]
    fn stems_plain_words_and_drops_stop_words() {
        assert_eq!(keys("The last backup could not be Completed."), ["last", "backup", "could", "not", "complet"]);
        let t = Tokenizer::default().terms("Restarting");
        assert_eq!((t[0].key.as_str(), t[0].surface.as_str()), ("restart", "restarting"));
    }

    #[test]
    fn punctuated_tokens_are_kept_whole_and_by_parts() {
        assert_eq!(keys("Wi-Fi"), ["wi-fi", "wi", "fi", "wifi"]);
        assert_eq!(keys("(0xE8000015)."), ["0xe8000015"]);
        assert_eq!(keys("--release"), ["--release", "releas"]);
        assert_eq!(keys("`thread::spawn`"), ["thread::spawn", "thread", "spawn", "threadspawn"]);
        assert_eq!(keys("C++ and C#"), ["c++", "c#"]);
        assert_eq!(keys("\"Settings\" > iCloud"), ["set", "icloud"]);
    }

    #[test]
    fn terms_of_a_chunk_share_its_position_and_stop_words_count() {
        let mut at = Vec::new();
        let n = Tokenizer::default().for_each_term_at("Could not be completed: Wi-Fi — off", |p, k, _| {
            at.push((p, k.to_string()));
        });
        let at: Vec<(u32, &str)> = at.iter().map(|(p, k)| (*p, k.as_str())).collect();
        assert_eq!(
            at,
            [(0, "could"), (1, "not"), (3, "complet"), (4, "wi-fi"), (4, "wi"), (4, "fi"), (4, "wifi"), (5, "off")]
        );
        assert_eq!(n, 6);
    }

    #[test]
    fn exact_keys_ignore_case_punctuation_and_stop_words() {
        assert_eq!(
            exact_key("The last backup could not be completed.").as_deref(),
            Some("last backup could not completed =")
        );
        assert_eq!(exact_key("Error 0x80004005").as_deref(), Some("error 0x80004005 ="));
        assert_eq!(exact_key("... the"), None);
    }

    #[test]
    fn odd_input_gives_no_terms_or_few() {
        assert!(keys("").is_empty());
        assert!(keys("... --- !!! “ ”").is_empty());
        assert_eq!(keys("a 1 x 42"), ["1", "42"]);
        assert!(keys(&"z".repeat(41)).is_empty());
        assert_eq!(
            keys("<img src=x onerror=alert(1)>"),
            ["img", "src=x", "src", "srcx", "onerror=alert(1", "onerror", "alert", "1", "onerroralert1"]
        );
    }
}
