//! The theme's own words, per language: "Step 1 of 8", "Did this fix it?", the risk
//! names, search's "No results". Pure: the tables come in as text.
//!
//! A string table is a flat TOML file of `key = "text"`; `{name}` in a text is a
//! placeholder the theme fills (`"Step {n} of {total}"`). Tables are layered, later
//! over earlier: the default theme's own (`themes/default/i18n/<code>.toml`, built
//! into the binary), a site theme's (`themes/<name>/i18n/<code>.toml`), the site's
//! (`i18n/<code>.toml`). A [`Strings`] is one language's words: its tables over the
//! English ones, so a lookup never fails.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diagnostics::{closest, Code, Diagnostic, LineIndex, Pos};
use crate::model::{Risk, SourceFile};
use crate::schema::tree::{self, Block, Format, Value};

/// The language every table is checked against and falls back to.
pub const ENGLISH: &str = "en";

/// The keys `search.js` and `progress.js` use: a page carries those whose words differ
/// from the scripts' own (English) ones (see [`Strings::script_json`]).
pub const SCRIPT_KEYS: &[&str] = &[
    "continue_with",
    "list_separator",
    "mark_tried",
    "marked_tried",
    "progress_tried_one",
    "progress_tried_other",
    "risk_caution",
    "risk_destructive",
    "risk_safe",
    "saved_in_browser",
    "search_all_results",
    "search_count_one",
    "search_count_other",
    "search_more",
    "search_no_results",
    "search_results",
    "search_results_for",
    "search_unavailable",
    "step_number",
    "tried",
];

/// One string table as read: where it comes from and its entries, in file order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The language code (the file's name without `.toml`).
    pub code: String,
    pub path: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub text: String,
    pub pos: Pos,
}

/// A table's file as (language code, path) when it is named `<dir>/i18n/<code>.toml`.
pub fn code_of(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?.strip_suffix(".toml")?;
    crate::lang::is_code(name).then_some(name)
}

/// Reads one table. Mistakes (syntax, a value that is not a string, a nested table, a
/// file not named after a language) are errors; the entries that are fine are kept.
pub fn parse_table(path: &str, text: &str) -> (Option<Table>, Vec<Diagnostic>) {
    let Some(code) = code_of(path) else {
        let message = "a string table is named after its language: i18n/fr.toml, i18n/pt-BR.toml";
        return (None, vec![Diagnostic::error(path, Pos::START, Code::StringsFile, message)]);
    };
    let lines = LineIndex::new(text);
    let block = Block { format: Format::Toml, text, offset: 0 };
    let read = match tree::read(&block, &lines) {
        Ok(entries) => entries,
        Err(e) => return (None, vec![Diagnostic::error(path, lines.pos(e.offset), Code::StringsFile, e.message)]),
    };
    let mut diagnostics = Vec::new();
    let mut entries = Vec::new();
    for e in read {
        match e.value.value {
            Value::Str(text) => entries.push(Entry { key: e.key, text, pos: e.key_pos }),
            other => {
                let message = format!(
                    "`{}` is {}, but a string table holds only text: `{} = \"...\"` (the table is flat)",
                    e.key,
                    other.kind(),
                    e.key
                );
                diagnostics.push(Diagnostic::error(path, e.value.pos, Code::WrongType, message));
            }
        }
    }
    (Some(Table { code: code.to_string(), path: path.to_string(), entries }), diagnostics)
}

/// The `{name}` placeholders of a text, in order, each once.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                if !out.contains(&&after[..end]) {
                    out.push(&after[..end]);
                }
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// `text` with each `{name}` of `args` replaced by its value; other braces stay.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every table a site can use, by layer: the default theme's (built in), then the
/// site theme's and the site's own (from `load`).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The built-in tables and the site theme's, in that order.
    theme: Vec<Table>,
    /// The site's `i18n/` tables.
    site: Vec<Table>,
    /// The keys English has (built in, plus any a site theme's `en.toml` adds).
    known: BTreeSet<String>,
}

impl Catalog {
    /// The catalog of `builtin` (the default theme's tables, trusted) and `files`
    /// (`themes/<name>/i18n/*.toml` and `i18n/*.toml` as loaded), with the mistakes in
    /// `files`: syntax, types, and keys that are not English's (with the closest one).
    pub fn new(builtin: &[(&str, &str)], files: &[SourceFile]) -> (Catalog, Vec<Diagnostic>) {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        for (name, text) in builtin {
            let (table, _) = parse_table(&format!("themes/default/i18n/{name}"), text);
            catalog.theme.extend(table);
        }
        for file in files {
            let (table, diags) = parse_table(&file.path, &file.text);
            diagnostics.extend(diags);
            if let Some(table) = table {
                if file.path.starts_with("themes/") {
                    catalog.theme.push(table);
                } else {
                    catalog.site.push(table);
                }
            }
        }
        catalog.known = catalog
            .theme
            .iter()
            .filter(|t| t.code == ENGLISH)
            .flat_map(|t| t.entries.iter().map(|e| e.key.clone()))
            .collect();
        let english = catalog.strings(ENGLISH);
        let loaded = catalog.theme.iter().chain(&catalog.site).filter(|t| files.iter().any(|f| f.path == t.path));
        for table in loaded {
            diagnostics.extend(catalog.check(table, &english));
        }
        (catalog, diagnostics)
    }

    /// A loaded table's unknown keys and placeholders that English's text does not have
    /// or that it lacks.
    fn check(&self, table: &Table, english: &Strings) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // A theme's English table may add words of its own; no other table may.
        let defines = table.code == ENGLISH && table.path.starts_with("themes/");
        for e in &table.entries {
            if !defines && !self.known.contains(&e.key) {
                let hint = match closest(&e.key, self.known.iter().map(String::as_str)) {
                    Some(c) => format!("; did you mean `{c}`?"),
                    None => String::new(),
                };
                let message = format!("`{}` is not a string of the theme{hint}", e.key);
                out.push(Diagnostic::error(&table.path, e.pos, Code::UnknownKey, message));
                continue;
            }
            let Some(reference) = english.map.get(&e.key) else { continue };
            let want = placeholders(reference);
            let have = placeholders(&e.text);
            let lacks: Vec<String> = want.iter().filter(|p| !have.contains(p)).map(|p| format!("{{{p}}}")).collect();
            let extra: Vec<String> = have.iter().filter(|p| !want.contains(p)).map(|p| format!("{{{p}}}")).collect();
            if !lacks.is_empty() || !extra.is_empty() {
                let mut what = Vec::new();
                if !lacks.is_empty() {
                    what.push(format!("it lacks {}", lacks.join(", ")));
                }
                if !extra.is_empty() {
                    what.push(format!("{} means nothing here", extra.join(", ")));
                }
                let message = format!(
                    "`{}`: {}; the English text is \"{reference}\" (placeholders are filled in by the theme)",
                    e.key,
                    what.join(" and ")
                );
                out.push(Diagnostic::error(&table.path, e.pos, Code::WrongType, message));
            }
        }
        out
    }

    /// The words of language `code`: the site's table over the theme's over English.
    pub fn strings(&self, code: &str) -> Strings {
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        let layers: &[&str] = if code == ENGLISH { &[ENGLISH] } else { &[ENGLISH, code] };
        for language in layers {
            for table in self.theme.iter().chain(&self.site).filter(|t| t.code == *language) {
                for e in &table.entries {
                    if self.known.contains(&e.key) {
                        map.insert(e.key.clone(), e.text.clone());
                    }
                }
            }
        }
        let script = SCRIPT_KEYS
            .iter()
            .filter_map(|k| {
                let builtin = self.builtin_english(k);
                let own = map.get(*k).map_or("", String::as_str);
                (own != builtin).then(|| (k.to_string(), own.to_string()))
            })
            .collect::<BTreeMap<_, _>>();
        let script = if script.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&script).expect("a map of strings serializes")
        };
        Strings { language: code.to_string(), map, script }
    }

    /// The built-in English text of `key` (what the scripts say by themselves).
    fn builtin_english(&self, key: &str) -> &str {
        self.theme
            .iter()
            .find(|t| t.code == ENGLISH && t.path == "themes/default/i18n/en.toml")
            .and_then(|t| t.entries.iter().find(|e| e.key == key))
            .map_or("", |e| e.text.as_str())
    }

    /// `missing-string` warnings (for `remedy check`): for each language of `codes`
    /// other than English, each English key that neither the theme's nor the site's
    /// table of that language has, at the site file that would hold it.
    pub fn missing(&self, codes: &[&str]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for &code in codes.iter().filter(|c| **c != ENGLISH) {
            let path = format!("i18n/{code}.toml");
            let tables: Vec<&Table> = self.theme.iter().chain(&self.site).filter(|t| t.code == code).collect();
            let has: BTreeSet<&str> = tables.iter().flat_map(|t| t.entries.iter().map(|e| e.key.as_str())).collect();
            let lacking: Vec<&String> = self.known.iter().filter(|k| !has.contains(k.as_str())).collect();
            if lacking.is_empty() {
                continue;
            }
            if tables.is_empty() {
                let message = format!(
                    "the theme has no words in `{code}`: its {} strings are shown in English; translate them in {path} (copy themes/default/i18n/en.toml from remedy's repository)",
                    lacking.len()
                );
                out.push(Diagnostic::warning(&path, Pos::START, Code::MissingString, message));
                continue;
            }
            let english = self.strings(ENGLISH);
            for key in lacking {
                let message = format!(
                    "`{code}` has no `{key}` string, so it is shown in English (\"{}\"); add `{key} = \"...\"` to {path}",
                    english.get(key)
                );
                out.push(Diagnostic::warning(&path, Pos::START, Code::MissingString, message));
            }
        }
        out
    }
}

/// One language's words, complete (English where the language has none). It
/// serializes as a map from key to text: templates see it as `t` (`{{ t.search }}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Strings {
    pub language: String,
    map: BTreeMap<String, String>,
    /// The words `search.js` and `progress.js` need that differ from theirs, as JSON
    /// (empty when none do).
    script: String,
}

impl Serialize for Strings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl Strings {
    /// The text of `key`; the key itself when no table has it (a theme's mistake,
    /// shown rather than hidden).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The text of `key` with its placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// A duration as written in front matter (`time`, `wait`: "5 min", "1 h or more"),
    /// said in this language: its units are international, its " or more" is not.
    pub fn duration<'d>(&self, written: &'d str) -> std::borrow::Cow<'d, str> {
        match written.strip_suffix(" or more") {
            Some(time) => self.fill("time_or_more", &[("time", time)]).into(),
            None => written.into(),
        }
    }

    /// What the theme calls a risk ("Safe", "Prudence", ...).
    pub fn risk(&self, risk: Risk) -> &str {
        self.get(match risk {
            Risk::Safe => "risk_safe",
            Risk::Caution => "risk_caution",
            Risk::Destructive => "risk_destructive",
        })
    }

    /// The scripts' words that differ from their built-in English, as a JSON object
    /// (`""` when none do, as in English).
    pub fn script_json(&self) -> &str {
        &self.script
    }

    /// The keys this language has a text for.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str =
        "search = \"Search\"\nstep_of = \"Step {n} of {total}\"\nrisk_safe = \"Safe\"\ntried = \"Tried\"\n";
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
                "i18n/fr.toml:2:13: error: `risk_safe` is an integer, but a string table holds only text: `risk_safe = \"...\"` (the table is flat) [wrong-type]",
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
                "i18n/fr.toml:1:1: warning: `fr` has no `risk_safe` string, so it is shown in English (\"Safe\"); add `risk_safe = \"...\"` to i18n/fr.toml [missing-string]",
                "i18n/pt-BR.toml:1:1: warning: the theme has no words in `pt-BR`: its 4 strings are shown in English; translate them in i18n/pt-BR.toml (copy themes/default/i18n/en.toml from remedy's repository) [missing-string]",
            ]
        );
    }

    #[test]
    fn scripts_get_only_the_words_that_differ() {
        let (c, _) = catalog(&[file("i18n/fr.toml", "tried = \"Essayé\"\n")]);
        assert_eq!(c.strings("en").script_json(), "");
        assert_eq!(c.strings("fr").script_json(), r#"{"tried":"Essayé"}"#);
    }
}
