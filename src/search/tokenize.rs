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
        let lower = text.to_lowercase();
        let mut joined = String::new();
        for chunk in lower.split_whitespace() {
            let chunk = trim_chunk(chunk);
            if chunk.chars().all(char::is_alphanumeric) {
                // A plain word (or nothing left after trimming).
                if !chunk.is_empty() {
                    self.word(chunk, &mut f);
                }
                continue;
            }
            if parts(chunk).next().is_none() {
                continue;
            }
            if chunk.chars().count() <= MAX_TERM_CHARS {
                f(chunk, chunk);
            }
            joined.clear();
            let mut count = 0;
            for part in parts(chunk) {
                self.word(part, &mut f);
                joined.push_str(part);
                count += 1;
            }
            if count > 1 {
                self.word(&joined, &mut f);
            }
        }
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
