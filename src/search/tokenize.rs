//! Text to search terms, in the site's language ([`Language`]).
//! `themes/default/static/search.js` cuts a reader's query with the same rules
//! (`splitChunks` and `queryTerms` there), so keep the two in step.
//!
//! 1. The text is lowercased and split at whitespace into chunks. A chunk with
//!    Chinese, Japanese or Korean characters (Han, Hiragana, Katakana, Hangul:
//!    [`is_cjk`]) is cut further: each run of them is one piece, and the text
//!    between runs (`iPhone`, `、`) a chunk of its own.
//! 2. Sentence punctuation is trimmed from each chunk's ends; a few marks that
//!    belong to tokens are kept (a leading `-`, `.`, `#`, `$`, `@`, `~`, `/` as in
//!    `--release` or `.gitignore`; a trailing `#`, `+`, `%` as in `C#` or `C++`).
//!    A chunk that starts with one of the language's elided words and an
//!    apostrophe (French `l'iPhone`, `qu'il`) is read from after the apostrophe.
//! 3. The chunk's parts are its runs of letters and digits. A plain word is one part
//!    and is stemmed (the language's Snowball stemmer, if it has one). A chunk with
//!    punctuation inside (`0xE8000015` is plain; `wi-fi`, `thread::spawn`,
//!    `--release` are not) gives its whole form unstemmed, each part stemmed, and
//!    the parts joined (`wifi`), so it is found whole and by its parts.
//! 4. Stop words and one-letter words are dropped (a lone CJK character is kept);
//!    so is anything over 40 chars.
//! 5. Keys and word forms are folded ([`fold`]): accents are taken off Latin and
//!    Greek letters (`réinitialiser` is found as `reinitialiser`), `œ` `æ` `ß`
//!    are spelled `oe` `ae` `ss`, full-width letters and digits are ASCII. A word
//!    is stemmed before it is folded (the stemmers know the accents); stop words
//!    and lengths are judged on the folded word. What results show is not folded.
//!    Accents are expected precomposed (NFC, as editors save text); search.js puts
//!    a query in NFC before it folds it.
//! 6. A run of CJK characters gives each pair of neighbours (`再起動`: `再起`,
//!    `起動`), each at a position of its own; a lone character gives itself.
//!
//! Each chunk that has letters or digits takes the next position (stop words
//! included, punctuation-only chunks not), and each CJK pair its own; all the
//! terms of a chunk share its position. Phrase matching compares positions, so
//! search.js counts the same way. A chunk's last term is its *main* key (a plain
//! word's stem, a punctuated chunk's joined form): synonyms are matched on main keys.

use std::borrow::Cow;

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap;
use unicode_normalization::char::decompose_canonical;

pub use super::language::Language;

/// Longest term kept, in chars.
pub const MAX_TERM_CHARS: usize = 40;

/// One term of a text: the key it is indexed under and the word the reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// What the index stores: the stem of a plain word, or a punctuated form as is.
    pub key: String,
    /// The lowercased, folded word it came from (equal to `key` when nothing was stemmed).
    pub surface: String,
}

/// Cuts text into terms. Remembers the words it met (a site repeats its words), so
/// keep one per thread.
pub struct Tokenizer {
    language: Language,
    stemmer: Option<Stemmer>,
    /// Each lowercased word met: `None` when dropped (rule 4), else its key and,
    /// when folding changed it, its folded form.
    words: FxHashMap<String, Option<(String, Option<String>)>>,
    /// A punctuated chunk's parts joined (kept to save an allocation a chunk).
    joined: String,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer::new(&Language::default())
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

/// Whether `c` is a Chinese, Japanese or Korean letter, indexed by pairs (rule 6):
/// Han ideographs, Hiragana, Katakana (full and half width), Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 | 0x3040..=0x30ff | 0x31f0..=0x31ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff
        | 0xf900..=0xfaff | 0xff66..=0xff9f | 0x1100..=0x11ff | 0x3130..=0x318f | 0xac00..=0xd7af
        | 0x20000..=0x3ffff)
        && c.is_alphanumeric()
}

/// `text` folded (rule 5): Latin and Greek letters without their accents, `ß` `œ`
/// `æ` `ø` `ł` `đ` `ı` as `ss` `oe` `ae` `o` `l` `d` `i`, full-width ASCII letters
/// and digits as ASCII; everything else as it is. search.js's `fold` is the same.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

fn fold_char(c: char, out: &mut String) {
    let special = match c {
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        'ı' => "i",
        _ => "",
    };
    if !special.is_empty() {
        out.push_str(special);
        return;
    }
    match c as u32 {
        // Full-width digits and letters.
        0xff10..=0xff19 | 0xff21..=0xff3a | 0xff41..=0xff5a => {
            out.push(char::from_u32(c as u32 - 0xfee0).map_or(c, |a| a.to_ascii_lowercase()));
        }
        // Latin-1 Supplement to Latin Extended-B, Greek, Latin Extended Additional and
        // Greek Extended: the letter a canonical decomposition starts with, when the
        // rest are combining accents (U+0300..U+036F).
        0xc0..=0x24f | 0x370..=0x3ff | 0x1e00..=0x1fff => {
            let (mut base, mut marks_only, mut n) = (None, true, 0);
            decompose_canonical(c, |d| {
                if n == 0 {
                    base = Some(d);
                } else if !('\u{300}'..='\u{36f}').contains(&d) {
                    marks_only = false;
                }
                n += 1;
            });
            match base {
                Some(b) if n > 1 && marks_only && (b.is_ascii_alphabetic() || ('\u{370}'..='\u{3ff}').contains(&b)) => {
                    out.push(b)
                }
                _ => out.push(c),
            }
        }
        _ => out.push(c),
    }
}

impl Tokenizer {
    /// A tokenizer for `language`'s text.
    pub fn new(language: &Language) -> Tokenizer {
        Tokenizer {
            stemmer: language.stemmer.map(Stemmer::create),
            language: language.clone(),
            words: FxHashMap::default(),
            joined: String::new(),
        }
    }

    pub fn language(&self) -> &Language {
        &self.language
    }

    /// Whether a folded word is kept (rule 4).
    fn keep(&self, folded: &str) -> bool {
        keep(folded, &self.language)
    }

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
    /// number among the chunks that have letters or digits, from 0; a CJK pair's
    /// own). Returns the number of positions used.
    pub fn for_each_term_at(&mut self, text: &str, mut f: impl FnMut(u32, &str, &str)) -> u32 {
        let lower = text.to_lowercase();
        let mut pos = 0u32;
        for chunk in lower.split_whitespace() {
            if chunk.is_ascii() || !chunk.chars().any(is_cjk) {
                self.chunk(chunk, &mut pos, &mut f);
                continue;
            }
            let mut rest = chunk;
            while !rest.is_empty() {
                let i = rest.find(is_cjk).unwrap_or(rest.len());
                if i > 0 {
                    self.chunk(&rest[..i], &mut pos, &mut f);
                }
                rest = &rest[i..];
                let j = rest.find(|c| !is_cjk(c)).unwrap_or(rest.len());
                cjk_run(&rest[..j], &mut pos, &mut f);
                rest = &rest[j..];
            }
        }
        pos
    }

    /// One chunk's terms (rules 2 to 5), at `pos`, which it moves on if the chunk
    /// has letters or digits.
    fn chunk(&mut self, chunk: &str, pos: &mut u32, f: &mut impl FnMut(u32, &str, &str)) {
        let chunk = strip_elision(trim_chunk(chunk), self.language.elisions);
        let at = *pos;
        if chunk.chars().all(char::is_alphanumeric) {
            // A plain word (or nothing left after trimming).
            if !chunk.is_empty() {
                self.word(chunk, &mut |k: &str, s: &str| f(at, k, s));
                *pos += 1;
            }
            return;
        }
        if parts(chunk).next().is_none() {
            return;
        }
        let whole = fold(chunk);
        if whole.chars().count() <= MAX_TERM_CHARS {
            f(at, &whole, &whole);
        }
        let mut joined = std::mem::take(&mut self.joined);
        joined.clear();
        let mut count = 0;
        for part in parts(chunk) {
            self.word(part, &mut |k: &str, s: &str| f(at, k, s));
            joined.push_str(part);
            count += 1;
        }
        if count > 1 {
            self.word(&joined, &mut |k: &str, s: &str| f(at, k, s));
        }
        self.joined = joined;
        *pos += 1;
    }

    /// A plain word's term, stemmed and folded, unless rule 4 drops it.
    fn word(&mut self, word: &str, f: &mut impl FnMut(&str, &str)) {
        if let Some(known) = self.words.get(word) {
            if let Some((key, folded)) = known {
                f(key, folded.as_deref().unwrap_or(word));
            }
            return;
        }
        let folded = fold(word);
        let entry = self.keep(&folded).then(|| {
            let stem = match &self.stemmer {
                Some(s) => s.stem(word),
                None => Cow::Borrowed(word),
            };
            let key = fold(&stem).into_owned();
            (key, matches!(folded, Cow::Owned(_)).then(|| folded.to_string()))
        });
        if let Some((key, folded)) = &entry {
            f(key, folded.as_deref().unwrap_or(word));
        }
        self.words.insert(word.to_string(), entry);
    }
}

/// Whether a folded word is kept (rule 4).
fn keep(folded: &str, language: &Language) -> bool {
    let mut chars = folded.chars();
    let first = chars.next();
    let n = 1 + chars.count();
    let long_enough = n > 1 || first.is_some_and(|c| c.is_ascii_digit() || is_cjk(c));
    long_enough && n <= MAX_TERM_CHARS && !language.stop_words.iter().any(|s| s == folded)
}

/// A run of CJK characters' terms (rule 6).
fn cjk_run(run: &str, pos: &mut u32, f: &mut impl FnMut(u32, &str, &str)) {
    let starts: Vec<usize> = run.char_indices().map(|(i, _)| i).collect();
    if starts.len() == 1 {
        f(*pos, run, run);
        *pos += 1;
    }
    for i in 1..starts.len() {
        let pair = &run[starts[i - 1]..starts.get(i + 1).copied().unwrap_or(run.len())];
        f(*pos, pair, pair);
        *pos += 1;
    }
}

/// `chunk` less a leading elided word and its apostrophe (`l'`, `qu’`), when one of
/// `elisions` starts it and a letter or digit follows (rule 2).
pub fn strip_elision<'a>(chunk: &'a str, elisions: &[&str]) -> &'a str {
    if elisions.is_empty() {
        return chunk;
    }
    let Some(i) = chunk.find(['\'', '\u{2019}']) else { return chunk };
    let apostrophe = chunk[i..].chars().next().map_or(1, char::len_utf8);
    let rest = &chunk[i + apostrophe..];
    if rest.starts_with(char::is_alphanumeric) && elisions.contains(&fold(&chunk[..i]).as_ref()) {
        rest
    } else {
        chunk
    }
}

/// The key under which a whole text (a guide's error message) is found when a
/// query is exactly that text: the text's kept words, unstemmed and folded, each
/// followed by a space, then `=` (`"Error 0x80004005."` is `error 0x80004005 =`).
/// It sorts right after its first word, so it is in the shard a query loads for
/// that word; no other key has a space. search.js makes the same key of the whole
/// query (`exactKey`). `None` when no word is kept.
pub fn exact_key(text: &str, language: &Language) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<Cow<str>> = lower
        .split_whitespace()
        .flat_map(|c| parts(strip_elision(trim_chunk(c), language.elisions)))
        .map(fold)
        .filter(|w| keep(w, language))
        .collect();
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
        let en = Language::default();
        assert_eq!(
            exact_key("The last backup could not be completed.", &en).as_deref(),
            Some("last backup could not completed =")
        );
        assert_eq!(exact_key("Error 0x80004005", &en).as_deref(), Some("error 0x80004005 ="));
        assert_eq!(exact_key("... the", &en), None);
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

    fn keys_in(code: &str, text: &str) -> Vec<String> {
        Tokenizer::new(&Language::of(code)).terms(text).into_iter().map(|t| t.key).collect()
    }

    fn at_in(code: &str, text: &str) -> Vec<(u32, String)> {
        let mut at = Vec::new();
        Tokenizer::new(&Language::of(code)).for_each_term_at(text, |p, k, _| at.push((p, k.to_string())));
        at
    }

    #[test]
    fn french_is_stemmed_folded_and_elided() {
        let fr = keys_in("fr", "Réinitialiser réinitialisation réinitialisez reinitialiser");
        assert_eq!(fr, ["reinitialis"; 4], "one key, with or without accents");
        let t = Tokenizer::new(&Language::of("fr")).terms("Réinitialisation");
        assert_eq!(t[0].surface, "reinitialisation", "the form search.js looks up is folded");
        assert_eq!(keys_in("fr", "l'iPhone d’Apple qu'il"), ["iphon", "apple"], "elisions, then `il`, a stop word");
        assert_eq!(keys_in("fr", "Redémarrez le téléphone et la box"), ["redemarr", "telephon", "box"]);
        assert_eq!(keys_in("fr", "Ça ne s'allume pas"), ["ca", "ne", "allum", "pas"], "negations are kept");
        // Elisions are French: English keeps "l'iphone" whole and by its parts.
        assert_eq!(keys("l'iPhone"), ["l'iphone", "iphon", "liphon"]);
        // Each chunk is one position, its elided word included.
        assert_eq!(at_in("fr", "l'écran reste noir"), [(0, "ecran".into()), (1, "rest".into()), (2, "noir".into())]);
        assert_eq!(
            exact_key("Impossible d'activer l'iPhone.", &Language::of("fr")).as_deref(),
            Some("impossible activer iphone =")
        );
    }

    #[test]
    fn italian_elisions_are_read_off() {
        assert_eq!(keys_in("it", "dell'iPhone l’app un'altra"), ["iphon", "app", "altra"]);
    }

    #[test]
    fn german_is_stemmed_and_folded() {
        assert_eq!(keys_in("de", "Einstellungen Einstellung"), ["einstell", "einstell"]);
        assert_eq!(keys_in("de", "Starten Sie den Router neu"), ["start", "rout", "neu"]);
        assert_eq!(keys_in("de", "Größe größe GRÖSSE"), ["gross"; 3], "ß is ss, umlauts lose their dots");
        assert_eq!(keys_in("de", "für das Gerät"), ["gerat"]);
    }

    #[test]
    fn japanese_and_chinese_are_cut_into_pairs() {
        assert_eq!(
            at_in("ja", "iPhoneを再起動してください。"),
            [
                (0, "iphone".into()),
                (1, "を再".into()),
                (2, "再起".into()),
                (3, "起動".into()),
                (4, "動し".into()),
                (5, "して".into()),
                (6, "てく".into()),
                (7, "くだ".into()),
                (8, "ださ".into()),
                (9, "さい".into()),
            ]
        );
        assert_eq!(keys_in("ja", "設定、Wi-Fi"), ["設定", "wi-fi", "wi", "fi", "wifi"]);
        assert_eq!(keys_in("ja", "「アプリ」"), ["アプ", "プリ"]);
        assert_eq!(keys_in("zh", "重新启动路由器"), ["重新", "新启", "启动", "动路", "路由", "由器"]);
        assert_eq!(keys_in("zh", "按 X 键"), ["按", "键"], "a lone character is kept whole");
        assert_eq!(keys_in("ko", "와이파이 설정"), ["와이", "이파", "파이", "설정"]);
        // The same in an English site: pairs are by script, not by language.
        assert_eq!(keys("再起動"), ["再起", "起動"]);
        assert_eq!(keys_in("ja", "ＩＰｈｏｎｅ　１５"), ["iphone", "15"], "full-width letters, digits and space");
    }

    #[test]
    fn folding_takes_accents_off_latin_and_greek_only() {
        assert_eq!(fold("réinitialiser à l’écran"), "reinitialiser a l’ecran");
        assert_eq!(fold("cœur ægis straße øre łódź"), "coeur aegis strasse ore lodz");
        assert_eq!(fold("ελληνικά"), "ελληνικα");
        assert_eq!(fold("ёжик й"), "ёжик й", "Cyrillic is left alone");
        assert_eq!(fold("がぎ パ 한국"), "がぎ パ 한국", "kana keep their marks; Hangul stays whole");
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
        assert!(matches!(fold("日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_language_without_a_stemmer_is_indexed_unstemmed() {
        assert_eq!(keys_in("pl", "Uruchom ponownie telefony"), ["uruchom", "ponownie", "telefony"]);
    }
}
