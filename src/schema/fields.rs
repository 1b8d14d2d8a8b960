//! [`Fields`]: typed values out of a front-matter (or `site.toml`) tree, with every
//! problem reported at its line and column.
//!
//! A schema reads the keys it knows one by one (`f.string("title")`, ...); each read
//! checks the value's type and names the field and the type it wants when it is
//! wrong. [`Fields::finish`] then reports every key left over as unknown, with the
//! closest valid key. The valid keys are the keys the schema asked for, in the order
//! it asked, so a schema is written once: [`keys_of`] runs a schema on nothing to list
//! them (for `remedy new`, README's tables and their tests).

use crate::diagnostics::{closest, Code, Diagnostic, Pos};
use crate::model::Located;
use crate::schema::tree::{Entry, Node, Value};

/// Reads typed fields out of a list of entries, collecting diagnostics.
pub struct Fields<'a> {
    path: &'a str,
    /// What the entries describe, for messages ("a step's front matter").
    what: &'a str,
    /// Where to report a missing required key.
    start: Pos,
    entries: Vec<Option<Entry>>,
    /// Every key asked for, in order: the schema's valid keys.
    keys: Vec<&'static str>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The keys a schema reads, in the order it reads them.
pub fn keys_of<T>(schema: impl FnOnce(&mut Fields<'_>) -> T) -> Vec<&'static str> {
    let mut f = Fields::new("", "", Pos::START, Vec::new());
    schema(&mut f);
    f.keys
}

impl<'a> Fields<'a> {
    pub fn new(path: &'a str, what: &'a str, start: Pos, entries: Vec<Entry>) -> Self {
        let entries = entries.into_iter().map(Some).collect();
        Fields { path, what, start, entries, keys: Vec::new(), diagnostics: Vec::new() }
    }

    /// Where the entries start (for messages about the block as a whole).
    pub fn start(&self) -> Pos {
        self.start
    }

    fn take(&mut self, key: &'static str) -> Option<Entry> {
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
        self.entries.iter_mut().find(|e| e.as_ref().is_some_and(|e| e.key == key)).and_then(Option::take)
    }

    fn wrong_type(&mut self, key: &str, node: &Node, expected: &str) {
        let message = format!("`{key}` must be {expected}, not {}", node.value.kind());
        self.diagnostics.push(Diagnostic::error(self.path, node.pos, Code::WrongType, message));
    }

    pub fn error(&mut self, pos: Pos, code: Code, message: String) {
        self.diagnostics.push(Diagnostic::error(self.path, pos, code, message));
    }

    pub fn string(&mut self, key: &'static str) -> Option<Located<String>> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Str(s) => Some(Located { value: s, pos: entry.value.pos }),
            _ => {
                self.wrong_type(key, &entry.value, "a string");
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &'static str) -> String {
        let had_key = self.entries.iter().flatten().any(|e| e.key == key);
        match self.string(key) {
            Some(s) if s.value.trim().is_empty() => {
                self.error(s.pos, Code::MissingKey, format!("`{key}` must not be empty"));
                String::new()
            }
            Some(s) => s.value,
            None => {
                if !had_key {
                    let message = format!("{} has no `{key}`; it is required", self.what);
                    self.error(self.start, Code::MissingKey, message);
                }
                String::new()
            }
        }
    }

    pub fn bool(&mut self, key: &'static str) -> bool {
        self.opt_bool(key).unwrap_or(false)
    }

    /// A boolean that may be left out (`None`), for keys whose default is `true`.
    pub fn opt_bool(&mut self, key: &'static str) -> Option<bool> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(key, &entry.value, "true or false");
                None
            }
        }
    }

    pub fn integer(&mut self, key: &'static str) -> Option<Located<i64>> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Int(n) => Some(Located { value: n, pos: entry.value.pos }),
            _ => {
                self.wrong_type(key, &entry.value, "a whole number");
                None
            }
        }
    }

    /// A whole number from 1 to `max`, or `default` (with an error, at the value,
    /// when it is out of range: a number too large for the setting must not wrap).
    pub fn positive(&mut self, key: &'static str, default: u64, max: u64) -> u64 {
        match self.integer(key) {
            Some(n) if n.value > 0 && n.value as u64 <= max => n.value as u64,
            Some(n) if n.value > 0 => {
                self.error(n.pos, Code::WrongType, format!("`{key}` must be at most {max}, not {}", n.value));
                default
            }
            Some(n) => {
                self.error(n.pos, Code::WrongType, format!("`{key}` must be a positive whole number"));
                default
            }
            None => default,
        }
    }

    /// A list of strings; a single string is not accepted (it is usually a mistake).
    pub fn strings(&mut self, key: &'static str) -> Option<Vec<Located<String>>> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.value {
                        Value::Str(s) => out.push(Located { value: s, pos: item.pos }),
                        _ => self.wrong_type(key, &item, "a list of strings"),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, &entry.value, "a list of strings, like [\"one\", \"two\"]");
                None
            }
        }
    }

    pub fn string_list(&mut self, key: &'static str) -> Vec<String> {
        self.strings(key).unwrap_or_default().into_iter().map(|s| s.value).collect()
    }

    /// A list of tables, each read by `item` with its own `Fields` (`what` names one
    /// item in messages: "an entry of `sources`"). A table that is not one is an error.
    pub fn tables<T>(&mut self, key: &'static str, what: &'static str, item: impl Fn(&mut Fields<'_>) -> T) -> Vec<T> {
        let Some(entry) = self.take(key) else {
            return Vec::new();
        };
        let Value::List(items) = entry.value.value else {
            self.wrong_type(key, &entry.value, "a list of tables, like [{ ... }, { ... }]");
            return Vec::new();
        };
        let mut out = Vec::new();
        for node in items {
            match node.value {
                Value::Map(entries) => {
                    let mut f = Fields::new(self.path, what, node.pos, entries);
                    out.push(item(&mut f));
                    let diagnostics = f.finish();
                    self.diagnostics.extend(diagnostics);
                }
                ref other => {
                    let message = format!("each entry of `{key}` must be a table, not {}", other.kind());
                    self.error(node.pos, Code::WrongType, message);
                }
            }
        }
        out
    }

    /// A calendar date `YYYY-MM-DD`, written as a TOML date or as a string.
    pub fn date(&mut self, key: &'static str) -> Option<String> {
        let entry = self.take(key)?;
        let text = match &entry.value.value {
            Value::Str(s) | Value::Date(s) => s.clone(),
            _ => String::new(),
        };
        if is_date(&text) {
            Some(text)
        } else {
            self.wrong_type(key, &entry.value, "a date written YYYY-MM-DD");
            None
        }
    }

    /// A nested table (`[name]` in TOML), read by `read` with its own `Fields`
    /// (`what` names it in messages); `None` when the key is absent or not a table.
    pub fn table<T>(&mut self, key: &'static str, what: &'a str, read: impl FnOnce(&mut Fields<'a>) -> T) -> Option<T> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Map(entries) => {
                let mut f = Fields::new(self.path, what, entry.key_pos, entries);
                let value = read(&mut f);
                let diagnostics = f.finish();
                self.diagnostics.extend(diagnostics);
                Some(value)
            }
            _ => {
                self.wrong_type(key, &entry.value, "a table");
                None
            }
        }
    }

    /// `extra` (`[extra]` in TOML, `extra:` in YAML): any keys at all, kept with the
    /// types they were written in, for themes and `steps.json`. Dates become strings.
    pub fn extra(&mut self) -> serde_json::Map<String, serde_json::Value> {
        let Some(entry) = self.take("extra") else {
            return serde_json::Map::new();
        };
        match entry.value.value {
            Value::Map(entries) => entries.into_iter().map(|e| (e.key, json(e.value.value))).collect(),
            _ => {
                self.wrong_type("extra", &entry.value, "a table of your own keys ([extra] in TOML, extra: in YAML)");
                serde_json::Map::new()
            }
        }
    }

    /// A table whose keys are the site's own (`[search.synonyms]`: a word, then its
    /// list): every entry, each a list of strings, in the order written.
    pub fn own_lists(&mut self) -> Vec<(String, Vec<Located<String>>)> {
        let mut out = Vec::new();
        for entry in std::mem::take(&mut self.entries).into_iter().flatten() {
            let Value::List(items) = entry.value.value else {
                let message = format!(
                    "`{}` must be a list of strings, like [\"one\", \"two\"], not {}",
                    entry.key,
                    entry.value.value.kind()
                );
                self.error(entry.value.pos, Code::WrongType, message);
                continue;
            };
            let mut list = Vec::new();
            for item in items {
                match item.value {
                    Value::Str(s) => list.push(Located { value: s, pos: item.pos }),
                    ref other => {
                        let message = format!("`{}` must be a list of strings, not {}", entry.key, other.kind());
                        self.error(item.pos, Code::WrongType, message);
                    }
                }
            }
            out.push((entry.key, list));
        }
        out
    }

    /// A table whose keys are the site's own (`[languages]`: a code, then its table):
    /// each entry read by `read` with its own `Fields`, in the order written, with
    /// its key and where the key stands. A value that is not a table is an error.
    pub fn own_tables<T>(
        &mut self,
        what: &'a str,
        read: impl Fn(&str, &mut Fields<'a>) -> T,
    ) -> Vec<(Located<String>, T)> {
        let mut out = Vec::new();
        for entry in std::mem::take(&mut self.entries).into_iter().flatten() {
            let key = Located { value: entry.key, pos: entry.key_pos };
            match entry.value.value {
                Value::Map(entries) => {
                    let mut f = Fields::new(self.path, what, entry.key_pos, entries);
                    let value = read(&key.value, &mut f);
                    let diagnostics = f.finish();
                    self.diagnostics.extend(diagnostics);
                    out.push((key, value));
                }
                ref other => {
                    let message = format!("`{}` must be a table, not {}", key.value, other.kind());
                    self.error(entry.value.pos, Code::WrongType, message);
                }
            }
        }
        out
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, key: &'static str, choices: &[(&str, T)]) -> Option<Located<T>> {
        let s = self.string(key)?;
        match choices.iter().find(|(name, _)| *name == s.value) {
            Some((_, value)) => Some(Located { value: *value, pos: s.pos }),
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
                let message = format!("`{key}` must be one of {}, not \"{}\"", names.join(", "), s.value);
                self.error(s.pos, Code::WrongType, message);
                None
            }
        }
    }

    /// Reports every key not taken (unknown, or written twice); returns the diagnostics.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let valid = self.keys.join(", ");
        for entry in std::mem::take(&mut self.entries).into_iter().flatten() {
            if self.keys.contains(&entry.key.as_str()) {
                let message = format!("`{}` is written twice in {}; keep one", entry.key, self.what);
                self.diagnostics.push(Diagnostic::error(self.path, entry.key_pos, Code::DuplicateKey, message));
                continue;
            }
            let message = {
                let mut message = format!("unknown key `{}` in {}", entry.key, self.what);
                if let Some(close) = closest(&entry.key, self.keys.iter().copied()) {
                    message.push_str(&format!("; did you mean `{close}`?"));
                } else if self.keys.contains(&"extra") {
                    message.push_str("; to keep a key of your own, put it under `[extra]` (YAML: `extra:`).");
                } else {
                    message.push('.');
                }
                message.push_str(&format!(" Valid keys: {valid}"));
                message
            };
            self.diagnostics.push(Diagnostic::error(self.path, entry.key_pos, Code::UnknownKey, message));
        }
        self.diagnostics
    }
}

/// A front-matter value as JSON, typed as written.
fn json(value: Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Str(s) | Value::Date(s) => J::String(s),
        Value::Int(n) => J::from(n),
        Value::Float(x) => serde_json::Number::from_f64(x).map_or_else(|| J::String(x.to_string()), J::Number),
        Value::Bool(b) => J::Bool(b),
        Value::List(items) => J::Array(items.into_iter().map(|n| json(n.value)).collect()),
        Value::Map(entries) => J::Object(entries.into_iter().map(|e| (e.key, json(e.value.value))).collect()),
        Value::Null => J::Null,
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).filter(|d| d.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok();
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;
    use crate::schema::tree::{read, split};

    fn fields_of(text: &str, read_with: impl FnOnce(&mut Fields<'_>)) -> Vec<String> {
        let s = split(text).unwrap();
        let entries = read(s.block.as_ref().unwrap(), &LineIndex::new(text)).unwrap();
        let mut f = Fields::new("x.md", "the test's front matter", Pos::START, entries);
        read_with(&mut f);
        f.finish().iter().map(|d| format!("{}:{} {}", d.pos.line, d.pos.col, d.message)).collect()
    }

    #[test]
    fn valid_keys_are_the_keys_read() {
        let keys = keys_of(|f| {
            f.string("title");
            f.integer("order");
            f.table("inner", "inner", |t| t.bool("x"));
        });
        assert_eq!(keys, ["title", "order", "inner"]);
    }

    #[test]
    fn unknown_and_twice_written_keys() {
        let d = fields_of("---\ntitle: a\ntitle: b\nzzz: 1\ntitel: 3\n---\n", |f| {
            f.string("title");
        });
        assert_eq!(
            d,
            [
                "3:1 `title` is written twice in the test's front matter; keep one",
                "4:1 unknown key `zzz` in the test's front matter. Valid keys: title",
                "5:1 unknown key `titel` in the test's front matter; did you mean `title`? Valid keys: title",
            ]
        );
    }

    #[test]
    fn extra_keeps_any_keys_typed_as_written() {
        let mut extra = serde_json::Map::new();
        let d = fields_of(
            "+++\ntitle = \"t\"\nauthor = \"x\"\n[extra]\nkb = 123\n\"ms.date\" = 2024-01-02\nlist = [1.5, true, \"a\"]\n[extra.nested]\nk = \"v\"\n+++\n",
            |f| {
                f.string("title");
                extra = f.extra();
            },
        );
        assert_eq!(
            serde_json::Value::Object(extra),
            serde_json::json!({"kb": 123, "ms.date": "2024-01-02", "list": [1.5, true, "a"], "nested": {"k": "v"}})
        );
        assert_eq!(
            d,
            ["3:1 unknown key `author` in the test's front matter; to keep a key of your own, put it under `[extra]` (YAML: `extra:`). Valid keys: title, extra"]
        );
        let d = fields_of("---\ntitle: t\nextra: 3\n---\n", |f| {
            f.string("title");
            f.extra();
        });
        assert_eq!(
            d,
            ["3:8 `extra` must be a table of your own keys ([extra] in TOML, extra: in YAML), not an integer"]
        );
    }

    #[test]
    fn numbers_out_of_range_do_not_wrap() {
        let mut got = 0;
        let d = fields_of("+++\nn = 18014398509481984\n+++\n", |f| got = f.positive("n", 7, 1 << 30));
        assert_eq!(got, 7);
        assert_eq!(d, ["2:5 `n` must be at most 1073741824, not 18014398509481984"]);
    }

    #[test]
    fn lists_of_tables() {
        let mut got = Vec::new();
        let d = fields_of("+++\ns = [{ t = \"a\" }, 3, { t = 1, zzz = 2 }]\n+++\n", |f| {
            got = f.tables("s", "an entry of `s`", |t| t.string("t").map(|s| s.value));
        });
        assert_eq!(got, [Some("a".to_string()), None]);
        assert_eq!(
            d,
            [
                "2:19 each entry of `s` must be a table, not an integer",
                "2:28 `t` must be a string, not an integer",
                "2:31 unknown key `zzz` in an entry of `s`. Valid keys: t",
            ]
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01") && !is_date("24-01-01"));
    }
}
