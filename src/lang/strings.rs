//! The theme's own words, per language: "Step 1 of 8", "Did this fix it?", the risk
//! names, search's "No results". Pure: the tables come in as text.
//!
//! A string table is a flat TOML file of `key = "text"`; `{name}` in a text is a
//! placeholder the theme fills (`"Step {n} of {total}"`). Tables are layered, later
//! over earlier: the default theme's own (`themes/default/i18n/<code>.toml`, built
//! into the binary), a site theme's (`themes/<name>/i18n/<code>.toml`), the site's
//! (`i18n/<code>.toml`). A [`Strings`] is one language's words: its tables over the
//! English ones, so a lookup never fails.
//!
//! A table may end with one sub-table, `[language_names]`: what the language calls
//! other languages, by code (`en = "anglais"` in French), as its sentences use them
//! ("affichée en anglais"). Those do not fall back to English: a language with no word
//! for another one names it by that one's own name (site.toml's `name`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diagnostics::{closest, Code, Diagnostic, LineIndex, Pos};
use crate::model::{Risk, SourceFile};
use crate::schema::tree::{self, Block, Format, Value};

/// The language every table is checked against and falls back to.
pub const ENGLISH: &str = "en";

/// The keys `search.js`, `progress.js` and `remedy serve`'s reload script use: a page
/// carries those whose words differ from the scripts' own (English) ones (see
/// [`Strings::script_json`]).
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
    "serve_build_failed",
    "step_number",
    "tried",
];

/// The sub-table of a string table that names languages (see the module's comment).
pub const LANGUAGE_NAMES: &str = "language_names";

/// One string table as read: where it comes from and its entries, in file order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The language code (the file's name without `.toml`).
    pub code: String,
    pub path: String,
    pub entries: Vec<Entry>,
    /// `[language_names]`: each entry's key is a language code, its text that
    /// language's name in this one.
    pub names: Vec<Entry>,
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
    let mut names = Vec::new();
    for e in read {
        match e.value.value {
            Value::Str(text) => entries.push(Entry { key: e.key, text, pos: e.key_pos }),
            Value::Map(table) if e.key == LANGUAGE_NAMES => {
                let (read, diags) = language_names(path, table);
                names.extend(read);
                diagnostics.extend(diags);
            }
            other => {
                let message = format!(
                    "`{}` is {}, but a string table holds only text: `{} = \"...\"` (the table is flat, but for `[{LANGUAGE_NAMES}]`)",
                    e.key,
                    other.kind(),
                    e.key
                );
                diagnostics.push(Diagnostic::error(path, e.value.pos, Code::WrongType, message));
            }
        }
    }
    (Some(Table { code: code.to_string(), path: path.to_string(), entries, names }), diagnostics)
}

/// The entries of a `[language_names]` table: a language code and a text each.
fn language_names(path: &str, table: Vec<tree::Entry>) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut names = Vec::new();
    let mut diagnostics = Vec::new();
    for e in table {
        if !crate::lang::is_code(&e.key) {
            let message = format!(
                "`{}` is not a language code: `[{LANGUAGE_NAMES}]` names languages by their code (`en = \"English\"`, \
                 `pt-BR = \"...\"`), and every key after it belongs to it, so it comes last in the file",
                e.key
            );
            diagnostics.push(Diagnostic::error(path, e.key_pos, Code::UnknownKey, message));
            continue;
        }
        match e.value.value {
            Value::Str(text) => names.push(Entry { key: e.key, text, pos: e.key_pos }),
            other => {
                let message =
                    format!("`{}` is {}, but a language's name is text: `{} = \"...\"`", e.key, other.kind(), e.key);
                diagnostics.push(Diagnostic::error(path, e.value.pos, Code::WrongType, message));
            }
        }
    }
    (names, diagnostics)
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
        // What this language calls the others: its own tables only, no English.
        let names = self
            .theme
            .iter()
            .chain(&self.site)
            .filter(|t| t.code == code)
            .flat_map(|t| t.names.iter().map(|e| (e.key.clone(), e.text.clone())))
            .collect();
        Strings { language: code.to_string(), map, script, names }
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
    /// (the site's, the default first) other than English, each English key that
    /// neither the theme's nor the site's table of that language has, at the site
    /// file that would hold it; and for each language but the default, its lacking a
    /// name for the default one (which its pages not translated yet name).
    pub fn missing(&self, codes: &[&str]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let default = codes.first().copied().unwrap_or(ENGLISH);
        for &code in codes {
            let path = format!("i18n/{code}.toml");
            let tables: Vec<&Table> = self.theme.iter().chain(&self.site).filter(|t| t.code == code).collect();
            if code != default && !tables.is_empty() && self.strings(code).language_name(default).is_none() {
                let message = format!(
                    "`{code}` has no name for `{default}`, the default language, so a page not translated yet \
                     names it by its own name (site.toml's `[languages.{default}] name`); add `{default} = \"...\"` \
                     under `[{LANGUAGE_NAMES}]` in {path}, as `not_translated` says it"
                );
                out.push(Diagnostic::warning(&path, Pos::START, Code::MissingString, message));
            }
            if code == ENGLISH {
                continue;
            }
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
    /// Language code -> its name in this language (`[language_names]`).
    names: BTreeMap<String, String>,
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

    /// What this language calls the language `code` (`"anglais"` for `en` in French),
    /// from its tables' `[language_names]`; a name given for the code's first part
    /// serves a regional code (`pt` for `pt-BR`). `None` when its tables have none:
    /// the caller says the language's own name instead.
    pub fn language_name(&self, code: &str) -> Option<&str> {
        let primary = code.split('-').next().unwrap_or(code);
        self.names.get(code).or_else(|| self.names.get(primary)).map(String::as_str)
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
#[path = "strings_tests.rs"]
mod tests;
