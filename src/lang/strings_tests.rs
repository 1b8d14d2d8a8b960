//! Tests of `lang::strings`: tables read, layered and checked.

use super::*;

const EN: &str = "search = \"Search\"\nstep_of = \"Step {n} of {total}\"\nrisk_safe = \"Safe\"\ntried = \"Tried\"\n";
const FR: &str = "search = \"Rechercher\"\nstep_of = \"Étape {n} sur {total}\"\n";

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile { path: path.into(), text: text.into() }
}

fn catalog(files: &[SourceFile]) -> (Catalog, Vec<String>) {
    let (c, d) = Catalog::new(&[("en.toml", EN), ("fr.toml", FR)], files);
    (c, d.iter().map(ToString::to_string).collect())
}

#[test]
fn fills_placeholders() {
    assert_eq!(fill("Step {n} of {total}", &[("n", "2"), ("total", "8")]), "Step 2 of 8");
    assert_eq!(fill("{a} {b} {", &[("a", "x")]), "x {b} {");
    assert_eq!(fill("{n}{n}", &[("n", "{n}")]), "{n}{n}", "a value is not filled again");
    assert_eq!(placeholders("Step {n}: {title}, {n} {Not} {}"), vec!["n", "title"]);
}

#[test]
fn durations_are_said_in_the_language() {
    let (c, _) = Catalog::new(
        &[("en.toml", "time_or_more = \"{time} or more\"\n"), ("fr.toml", "time_or_more = \"{time} ou plus\"\n")],
        &[],
    );
    let fr = c.strings("fr");
    assert_eq!(fr.duration("1 h or more"), "1 h ou plus");
    assert_eq!(fr.duration("10–15 min"), "10–15 min", "units and ranges are the same everywhere");
    assert_eq!(c.strings("en").duration("1 h or more"), "1 h or more");
}

#[test]
fn falls_back_to_english() {
    let (c, d) = catalog(&[]);
    assert!(d.is_empty(), "{d:?}");
    let fr = c.strings("fr");
    assert_eq!(fr.get("search"), "Rechercher");
    assert_eq!(fr.fill("step_of", &[("n", "1"), ("total", "3")]), "Étape 1 sur 3");
    assert_eq!(fr.get("risk_safe"), "Safe", "English where French has none");
    assert_eq!(fr.risk(Risk::Safe), "Safe");
    assert_eq!(fr.get("no_such_key"), "no_such_key");
    assert_eq!(c.strings("ja").get("search"), "Search");
}

#[test]
fn site_tables_override_the_theme() {
    let (c, d) = catalog(&[
        file("themes/mine/i18n/fr.toml", "risk_safe = \"Sans risque\"\n"),
        file("i18n/fr.toml", "search = \"Chercher\"\n"),
        file("i18n/de.toml", "search = \"Suchen\"\n"),
    ]);
    assert!(d.is_empty(), "{d:?}");
    let fr = c.strings("fr");
    assert_eq!(
        (fr.get("search"), fr.get("risk_safe"), fr.get("step_of")),
        ("Chercher", "Sans risque", "Étape {n} sur {total}")
    );
    assert_eq!(c.strings("de").get("search"), "Suchen");
    assert_eq!(c.strings("en").get("search"), "Search", "another language's table changes nothing");
}

#[test]
fn mistakes_in_a_table_are_named() {
    let (c, d) = catalog(&[
        file("i18n/fr.toml", "serach = \"Chercher\"\nrisk_safe = 3\nstep_of = \"Étape {n}, {totl}\"\n"),
        file("i18n/french.toml", "search = \"x\"\n"),
        file("i18n/de.toml", "search = \n"),
    ]);
    let mut d = d;
    d.sort();
    assert_eq!(
        d,
        [
            "i18n/de.toml:1:10: error: string values must be quoted, expected literal string [strings-file]",
            "i18n/fr.toml:1:1: error: `serach` is not a string of the theme; did you mean `search`? [unknown-key]",
            "i18n/fr.toml:2:13: error: `risk_safe` is an integer, but a string table holds only text: `risk_safe = \"...\"` (the table is flat, but for `[language_names]`) [wrong-type]",
            "i18n/fr.toml:3:1: error: `step_of`: it lacks {total} and {totl} means nothing here; the English text is \"Step {n} of {total}\" (placeholders are filled in by the theme) [wrong-type]",
            "i18n/french.toml:1:1: error: a string table is named after its language: i18n/fr.toml, i18n/pt-BR.toml [strings-file]",
        ]
    );
    // What is fine is kept; an unknown key is not.
    let fr = c.strings("fr");
    assert_eq!((fr.get("search"), fr.get("serach")), ("Rechercher", "serach"));
}

#[test]
fn missing_strings_are_warnings_per_key() {
    let (c, _) = catalog(&[file("i18n/fr.toml", "tried = \"Essayé\"\n")]);
    let d: Vec<String> = c.missing(&["en", "fr", "pt-BR"]).iter().map(ToString::to_string).collect();
    assert_eq!(
        d,
        [
            "i18n/fr.toml:1:1: warning: `fr` has no name for `en`, the default language, so a page not translated yet names it by its own name (site.toml's `[languages.en] name`); add `en = \"...\"` under `[language_names]` in i18n/fr.toml, as `not_translated` says it [missing-string]",
            "i18n/fr.toml:1:1: warning: `fr` has no `risk_safe` string, so it is shown in English (\"Safe\"); add `risk_safe = \"...\"` to i18n/fr.toml [missing-string]",
            "i18n/pt-BR.toml:1:1: warning: the theme has no words in `pt-BR`: its 4 strings are shown in English; translate them in i18n/pt-BR.toml (copy themes/default/i18n/en.toml from remedy's repository) [missing-string]",
        ]
    );
}

#[test]
fn languages_are_named_in_each_language_without_english_under_it() {
    let en = format!("{EN}[language_names]\nen = \"English\"\nde = \"German\"\n");
    let fr = format!("{FR}\n[language_names]\nen = \"anglais\"\n");
    let (c, d) = Catalog::new(
        &[("en.toml", &en), ("fr.toml", &fr)],
        &[
            file("i18n/fr.toml", "search = \"Chercher\"\n[language_names]\npt = \"portugais\"\n"),
            file("i18n/ja.toml", "[language_names]\nen = \"英語\"\n"),
        ],
    );
    assert!(d.is_empty(), "{d:?}");
    let fr = c.strings("fr");
    assert_eq!(fr.language_name("en"), Some("anglais"));
    assert_eq!(fr.language_name("pt"), Some("portugais"), "a site adds names");
    assert_eq!(fr.language_name("pt-BR"), Some("portugais"), "the code's first part serves a regional one");
    assert_eq!(fr.language_name("de"), None, "not English's word: the caller says its own name");
    assert_eq!(fr.get("search"), "Chercher", "the words of a table that names languages are kept");
    assert_eq!(c.strings("ja").language_name("en"), Some("英語"));
    assert_eq!(c.strings("en").language_name("de"), Some("German"));
    assert_eq!(c.strings("de").language_name("en"), None);
}

#[test]
fn mistakes_in_language_names_are_named() {
    let (c, d) = catalog(&[file(
        "i18n/fr.toml",
        "search = \"Chercher\"\n[language_names]\nenglish = \"anglais\"\nde = 3\nes = \"espagnol\"\n",
    )]);
    let d: Vec<&str> = d.iter().map(String::as_str).collect();
    assert_eq!(
        d,
        [
            "i18n/fr.toml:3:1: error: `english` is not a language code: `[language_names]` names languages by their code (`en = \"English\"`, `pt-BR = \"...\"`), and every key after it belongs to it, so it comes last in the file [unknown-key]",
            "i18n/fr.toml:4:6: error: `de` is an integer, but a language's name is text: `de = \"...\"` [wrong-type]",
        ]
    );
    assert_eq!(c.strings("fr").language_name("es"), Some("espagnol"), "what is fine is kept");
    let (_, d) = catalog(&[file("i18n/fr.toml", "[other]\nsearch = \"x\"\n")]);
    assert_eq!(d.len(), 1, "another sub-table is still a mistake: {d:?}");
}

#[test]
fn a_language_with_no_name_for_the_default_one_is_named() {
    let fr = format!("{FR}\n[language_names]\nen = \"anglais\"\n");
    let (c, _) = Catalog::new(&[("en.toml", EN), ("fr.toml", &fr)], &[file("i18n/de.toml", "search = \"Suchen\"\n")]);
    let named = |codes: &[&str]| -> Vec<String> {
        c.missing(codes).iter().filter(|d| d.message.contains("no name")).map(ToString::to_string).collect()
    };
    assert_eq!(named(&["en", "fr"]), Vec::<String>::new(), "French names English");
    assert_eq!(
        named(&["fr", "en", "de", "ja"]),
        [
            "i18n/en.toml:1:1: warning: `en` has no name for `fr`, the default language, so a page not translated yet names it by its own name (site.toml's `[languages.fr] name`); add `fr = \"...\"` under `[language_names]` in i18n/en.toml, as `not_translated` says it [missing-string]",
            "i18n/de.toml:1:1: warning: `de` has no name for `fr`, the default language, so a page not translated yet names it by its own name (site.toml's `[languages.fr] name`); add `fr = \"...\"` under `[language_names]` in i18n/de.toml, as `not_translated` says it [missing-string]",
        ],
        "English is checked too; a language with no table at all has one warning for everything"
    );
}

#[test]
fn scripts_get_only_the_words_that_differ() {
    let (c, _) = catalog(&[file("i18n/fr.toml", "tried = \"Essayé\"\n")]);
    assert_eq!(c.strings("en").script_json(), "");
    assert_eq!(c.strings("fr").script_json(), r#"{"tried":"Essayé"}"#);
}
