//! What search knows of a language: its Snowball stemmer, its stop words and the
//! elided words it glues to the next one (`l'iPhone`), chosen by the language's code
//! (`fr`, `pt-BR`: the part before the first `-` decides). A language with no stemmer
//! here is indexed unstemmed; one with no list has no stop words. Chinese, Japanese
//! and Korean need nothing here: their text is cut into character pairs by script
//! (see [`super::tokenize`]), whatever the site's language.
//!
//! Stop words are compared folded (so "où" is "ou"). The lists are short and written for troubleshooting text: articles,
//! prepositions, conjunctions and pronouns, never negations ("pas", "nicht", "no")
//! or words such as "plus", "aus", "uit" that change what a reader asks. (The
//! `stop-words` crate's ISO and NLTK lists drop those, and hundreds of words more,
//! which search.js would also have to download with every index.)

use rust_stemmers::Algorithm;

use super::tokenize::fold;

/// English, as remedy has always indexed it.
pub const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "if", "in", "into", "is", "it",
    "its", "of", "on", "or", "so", "than", "that", "the", "then", "there", "these", "this", "to", "was", "were",
    "will", "with",
];

const FRENCH_STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles", "en", "est", "et",
    "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mes", "mon", "nos", "notre", "nous", "on",
    "ou", "par", "pour", "que", "qui", "sa", "se", "ses", "son", "sont", "sur", "ta", "tes", "ton", "tu", "un", "une",
    "vos", "votre", "vous",
];

const GERMAN_STOP_WORDS: &[&str] = &[
    "als", "am", "auf", "bei", "beim", "das", "dass", "dem", "den", "der", "des", "die", "du", "ein", "eine", "einem",
    "einen", "einer", "eines", "er", "es", "für", "ich", "ihr", "im", "in", "ins", "ist", "mit", "oder", "sich", "sie",
    "sind", "und", "vom", "von", "war", "wir", "wird", "zu", "zum", "zur",
];

const SPANISH_STOP_WORDS: &[&str] = &[
    "al", "con", "de", "del", "el", "en", "es", "esa", "ese", "esta", "este", "la", "las", "le", "les", "lo", "los",
    "para", "por", "que", "se", "son", "su", "sus", "un", "una", "unas", "unos", "y",
];

const ITALIAN_STOP_WORDS: &[&str] = &[
    "agli", "ai", "al", "alla", "alle", "allo", "che", "ci", "con", "da", "dal", "dalla", "dei", "degli", "del",
    "della", "delle", "dello", "di", "ed", "gli", "il", "in", "la", "le", "lo", "nei", "nel", "nella", "per", "questa",
    "questo", "si", "su", "sul", "sulla", "tra", "un", "una", "uno",
];

const PORTUGUESE_STOP_WORDS: &[&str] = &[
    "ao", "aos", "as", "com", "da", "das", "de", "do", "dos", "em", "na", "nas", "no", "nos", "os", "para", "pela",
    "pelo", "por", "que", "se", "seu", "sua", "são", "um", "uma", "umas", "uns",
];

const DUTCH_STOP_WORDS: &[&str] = &[
    "als", "bij", "dat", "de", "deze", "die", "dit", "een", "en", "er", "het", "hij", "in", "is", "je", "met", "naar",
    "of", "om", "op", "te", "tot", "uw", "van", "voor", "ze", "zijn",
];

/// Words French writes with an apostrophe before the next word (`l'`, `qu'`).
const FRENCH_ELISIONS: &[&str] = &["c", "d", "j", "jusqu", "l", "lorsqu", "m", "n", "puisqu", "qu", "quoiqu", "s", "t"];

/// Italian's (`l'`, `dell'`, `un'`).
const ITALIAN_ELISIONS: &[&str] =
    &["all", "c", "d", "dall", "dell", "gl", "l", "m", "nell", "quell", "quest", "s", "sull", "t", "un", "v"];

/// How search cuts one language's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// The code it was made from (`fr`, `pt-BR`), written into the index.
    pub code: String,
    /// The Snowball stemmer, if rust-stemmers has one for the language.
    pub stemmer: Option<Algorithm>,
    /// Stop words, folded (see [`fold`]), in the list's order.
    pub stop_words: Vec<String>,
    /// Elided words (`l`, `qu`): a chunk that starts with one and an apostrophe is
    /// read from after the apostrophe.
    pub elisions: &'static [&'static str],
    /// Whether the built-in synonyms (English words) apply.
    pub english: bool,
}

impl Default for Language {
    fn default() -> Self {
        Language::of("en")
    }
}

impl Language {
    /// The language whose code is `code` (a tag such as `fr` or `pt-BR`; case does not
    /// matter). Unknown codes give a language with no stemmer, stop words or elisions.
    pub fn of(code: &str) -> Language {
        let primary = code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let (stemmer, stop, elisions): (_, &[&str], &[&str]) = match primary.as_str() {
            "ar" => (Some(Algorithm::Arabic), &[], &[]),
            "da" => (Some(Algorithm::Danish), &[], &[]),
            "nl" => (Some(Algorithm::Dutch), DUTCH_STOP_WORDS, &[]),
            "en" => (Some(Algorithm::English), ENGLISH_STOP_WORDS, &[]),
            "fi" => (Some(Algorithm::Finnish), &[], &[]),
            "fr" => (Some(Algorithm::French), FRENCH_STOP_WORDS, FRENCH_ELISIONS),
            "de" => (Some(Algorithm::German), GERMAN_STOP_WORDS, &[]),
            "el" => (Some(Algorithm::Greek), &[], &[]),
            "hu" => (Some(Algorithm::Hungarian), &[], &[]),
            "it" => (Some(Algorithm::Italian), ITALIAN_STOP_WORDS, ITALIAN_ELISIONS),
            "no" | "nb" | "nn" => (Some(Algorithm::Norwegian), &[], &[]),
            "pt" => (Some(Algorithm::Portuguese), PORTUGUESE_STOP_WORDS, &[]),
            "ro" => (Some(Algorithm::Romanian), &[], &[]),
            "ru" => (Some(Algorithm::Russian), &[], &[]),
            "es" => (Some(Algorithm::Spanish), SPANISH_STOP_WORDS, &[]),
            "sv" => (Some(Algorithm::Swedish), &[], &[]),
            "ta" => (Some(Algorithm::Tamil), &[], &[]),
            "tr" => (Some(Algorithm::Turkish), &[], &[]),
            _ => (None, &[], &[]),
        };
        Language {
            code: code.to_string(),
            stemmer,
            stop_words: stop.iter().map(|w| fold(w).into_owned()).collect(),
            elisions,
            english: primary == "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_pick_a_stemmer_by_their_first_part() {
        assert_eq!(Language::of("pt-BR").stemmer, Some(Algorithm::Portuguese));
        assert_eq!(Language::of("FR").stemmer, Some(Algorithm::French));
        assert_eq!(Language::of("nb").stemmer, Some(Algorithm::Norwegian));
        assert!(Language::of("en-GB").english);
        for code in ["ja", "zh-Hans", "ko", "pl", ""] {
            let l = Language::of(code);
            assert_eq!((l.stemmer, l.stop_words.len(), l.english), (None, 0, false), "{code}");
        }
        assert!(Language::of("fr").stop_words.contains(&"ou".to_string()), "stop words are folded");
        assert_eq!(Language::default().stop_words, ENGLISH_STOP_WORDS);
    }
}
