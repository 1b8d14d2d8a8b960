//! Front-matter meaning: turns the raw entries of a front-matter block (or of
//! `site.toml`) into checked values such as [`StepMeta`].
//!
//! [`Fields`] takes the keys it knows one by one, checks each value's type, and
//! reports every problem: a wrong type names the field and the type it wants; a key
//! left over at the end is unknown, reported with the closest valid key and the list.

use crate::diagnostics::{closest, Diagnostic, Pos};
use crate::model::{GuideMeta, HomeMeta, Located, Risk, StepMeta};
use crate::parse::front_matter::{Entry, Node, Value};

pub const HOME_KEYS: &[&str] = &["title", "description"];
pub const GUIDE_KEYS: &[&str] = &["title", "summary", "symptoms", "error_messages", "applies_to", "tags", "draft"];
pub const STEP_KEYS: &[&str] = &[
    "title",
    "order",
    "after",
    "summary",
    "risk",
    "time",
    "side_effects",
    "prerequisites",
    "applies_to",
    "tags",
    "updated",
    "draft",
];

/// Reads typed fields out of a list of entries, collecting diagnostics.
pub struct Fields<'a> {
    path: &'a str,
    /// What the entries describe, for messages ("step front matter").
    what: &'a str,
    /// Where to report a missing required key.
    start: Pos,
    entries: Vec<Option<Entry>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    pub fn new(path: &'a str, what: &'a str, start: Pos, entries: Vec<Entry>) -> Self {
        let entries = entries.into_iter().map(Some).collect();
        Fields { path, what, start, entries, diagnostics: Vec::new() }
    }

    fn take(&mut self, key: &str) -> Option<Entry> {
        self.entries.iter_mut().find(|e| e.as_ref().is_some_and(|e| e.key == key)).and_then(Option::take)
    }

    fn wrong_type(&mut self, key: &str, node: &Node, expected: &str) {
        let message = format!("`{key}` must be {expected}, not {}", node.value.kind());
        self.diagnostics.push(Diagnostic::error(self.path, node.pos, "wrong-type", message));
    }

    pub fn error(&mut self, pos: Pos, code: &'static str, message: String) {
        self.diagnostics.push(Diagnostic::error(self.path, pos, code, message));
    }

    pub fn string(&mut self, key: &str) -> Option<Located<String>> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Str(s) => Some(Located { value: s, pos: entry.value.pos }),
            _ => {
                self.wrong_type(key, &entry.value, "a string");
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &str) -> String {
        let had_key = self.entries.iter().flatten().any(|e| e.key == key);
        match self.string(key) {
            Some(s) if s.value.trim().is_empty() => {
                self.error(s.pos, "missing-key", format!("`{key}` must not be empty"));
                String::new()
            }
            Some(s) => s.value,
            None => {
                if !had_key {
                    let message = format!("{} has no `{key}`; it is required", self.what);
                    self.error(self.start, "missing-key", message);
                }
                String::new()
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> bool {
        let Some(entry) = self.take(key) else {
            return false;
        };
        match entry.value.value {
            Value::Bool(b) => b,
            _ => {
                self.wrong_type(key, &entry.value, "true or false");
                false
            }
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<Located<i64>> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Int(n) => Some(Located { value: n, pos: entry.value.pos }),
            _ => {
                self.wrong_type(key, &entry.value, "a whole number");
                None
            }
        }
    }

    /// A list of strings; a single string is not accepted (it is usually a mistake).
    pub fn strings(&mut self, key: &str) -> Option<Vec<Located<String>>> {
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

    pub fn string_list(&mut self, key: &str) -> Vec<String> {
        self.strings(key).unwrap_or_default().into_iter().map(|s| s.value).collect()
    }

    /// A calendar date `YYYY-MM-DD`, written as a TOML date or as a string.
    pub fn date(&mut self, key: &str) -> Option<String> {
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

    /// A nested table (`[name]` in TOML), to be read with its own `Fields`.
    pub fn table(&mut self, key: &str) -> Option<(Pos, Vec<Entry>)> {
        let entry = self.take(key)?;
        match entry.value.value {
            Value::Map(entries) => Some((entry.key_pos, entries)),
            _ => {
                self.wrong_type(key, &entry.value, "a table");
                None
            }
        }
    }

    /// Adds another reader's diagnostics (a nested table's) to this one's.
    pub fn absorb(&mut self, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, key: &str, choices: &[(&str, T)]) -> Option<Located<T>> {
        let s = self.string(key)?;
        match choices.iter().find(|(name, _)| *name == s.value) {
            Some((_, value)) => Some(Located { value: *value, pos: s.pos }),
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
                let message = format!("`{key}` must be one of {}, not \"{}\"", names.join(", "), s.value);
                self.error(s.pos, "wrong-type", message);
                None
            }
        }
    }

    /// Reports every key not taken; returns the diagnostics.
    pub fn finish(mut self, valid: &[&str]) -> Vec<Diagnostic> {
        for entry in std::mem::take(&mut self.entries).into_iter().flatten() {
            let mut message = format!("unknown key `{}` in {}", entry.key, self.what);
            if let Some(close) = closest(&entry.key, valid.iter().copied()) {
                message.push_str(&format!("; did you mean `{close}`?"));
            }
            message.push_str(&format!(" Valid keys: {}", valid.join(", ")));
            self.diagnostics.push(Diagnostic::error(self.path, entry.key_pos, "unknown-key", message));
        }
        self.diagnostics
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

/// `"30 s"`, `"5 min"`, `"1 h"`, or several of them (`"1 h 30 min"`).
pub fn is_duration(s: &str) -> bool {
    let words: Vec<&str> = s.split(' ').collect();
    !words.is_empty()
        && words.len().is_multiple_of(2)
        && words.chunks(2).all(|pair| {
            !pair[0].is_empty()
                && pair[0].bytes().all(|c| c.is_ascii_digit())
                && pair[0].len() <= 4
                && matches!(pair[1], "s" | "min" | "h")
        })
}

pub fn home(path: &str, start: Pos, entries: Vec<Entry>) -> (HomeMeta, Vec<Diagnostic>) {
    let mut f = Fields::new(path, "the home page's front matter", start, entries);
    let meta = HomeMeta { title: f.required_string("title"), description: f.string("description").map(|s| s.value) };
    (meta, f.finish(HOME_KEYS))
}

pub fn guide(path: &str, start: Pos, entries: Vec<Entry>) -> (GuideMeta, Vec<Diagnostic>) {
    let mut f = Fields::new(path, "a guide's front matter", start, entries);
    let meta = GuideMeta {
        title: f.required_string("title"),
        summary: f.string("summary").map(|s| s.value),
        symptoms: f.string_list("symptoms"),
        error_messages: f.string_list("error_messages"),
        applies_to: f.string_list("applies_to"),
        tags: f.string_list("tags"),
        draft: f.bool("draft"),
    };
    (meta, f.finish(GUIDE_KEYS))
}

pub fn step(path: &str, start: Pos, entries: Vec<Entry>) -> (StepMeta, Vec<Diagnostic>) {
    let mut f = Fields::new(path, "a step's front matter", start, entries);
    let title = f.required_string("title");
    let order = f.integer("order");
    let after = f.strings("after").unwrap_or_default();
    let summary = f.string("summary").map(|s| s.value);
    let risks: Vec<(&str, Risk)> = Risk::ALL.iter().map(|r| (r.as_str(), *r)).collect();
    let risk = f.choice("risk", &risks);
    let time = f.string("time").and_then(|t| {
        if is_duration(&t.value) {
            Some(t.value)
        } else {
            let message = format!("`time` must look like \"30 s\", \"5 min\" or \"1 h\", not \"{}\"", t.value);
            f.error(t.pos, "wrong-type", message);
            None
        }
    });
    let meta = StepMeta {
        title,
        order,
        after,
        summary,
        risk: risk.as_ref().map_or(Risk::Safe, |r| r.value),
        time,
        side_effects: f.string_list("side_effects"),
        prerequisites: f.string_list("prerequisites"),
        applies_to: f.strings("applies_to").map(|v| v.into_iter().map(|s| s.value).collect()),
        tags: f.string_list("tags"),
        updated: f.date("updated"),
        draft: f.bool("draft"),
        pos: start,
        risk_pos: risk.map_or(start, |r| r.pos),
    };
    (meta, f.finish(STEP_KEYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;
    use crate::parse::front_matter::{read, split};

    fn step_of(text: &str) -> (StepMeta, Vec<String>) {
        let s = split(text).unwrap();
        let entries = read(s.block.as_ref().unwrap(), &LineIndex::new(text)).unwrap();
        let (meta, diags) = step("s.md", Pos::START, entries);
        (meta, diags.iter().map(|d| format!("{}:{} {}", d.pos.line, d.pos.col, d.message)).collect())
    }

    #[test]
    fn reads_every_step_field() {
        let (meta, diags) = step_of(
            "+++\ntitle = \"Reset\"\norder = 3\nafter = [\"a\"]\nsummary = \"S\"\nrisk = \"caution\"\ntime = \"5 min\"\n\
             side_effects = [\"x\"]\nprerequisites = [\"p\"]\napplies_to = [\"iPhone\"]\ntags = [\"t\"]\nupdated = 2026-01-31\ndraft = true\n+++\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(meta.title, "Reset");
        assert_eq!(meta.order.unwrap().value, 3);
        assert_eq!(meta.after[0].value, "a");
        assert_eq!(meta.risk, Risk::Caution);
        assert_eq!(meta.time.as_deref(), Some("5 min"));
        assert_eq!(meta.updated.as_deref(), Some("2026-01-31"));
        assert_eq!(meta.applies_to, Some(vec!["iPhone".to_string()]));
        assert!(meta.draft);
    }

    #[test]
    fn reports_every_mistake_at_its_place() {
        let (_, diags) =
            step_of("---\ntitle: 3\nrisk: maybe\ntime: soon\nupdated: yesterday\ntitel: x\nafter: one\n---\n");
        assert_eq!(
            diags,
            vec![
                "2:8 `title` must be a string, not an integer",
                "7:8 `after` must be a list of strings, like [\"one\", \"two\"], not a string",
                "3:7 `risk` must be one of \"safe\", \"caution\", \"destructive\", not \"maybe\"",
                "4:7 `time` must look like \"30 s\", \"5 min\" or \"1 h\", not \"soon\"",
                "5:10 `updated` must be a date written YYYY-MM-DD, not a string",
                "6:1 unknown key `titel` in a step's front matter; did you mean `title`? Valid keys: title, order, after, summary, risk, time, side_effects, prerequisites, applies_to, tags, updated, draft",
            ]
        );
    }

    #[test]
    fn missing_title_is_reported_once() {
        let (_, diags) = step_of("+++\norder = 1\n+++\n");
        assert_eq!(diags, vec!["1:1 a step's front matter has no `title`; it is required"]);
    }

    #[test]
    fn dates_and_durations() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01") && !is_date("24-01-01"));
        assert!(is_duration("30 s") && is_duration("1 h 30 min") && !is_duration("5min") && !is_duration("5 days"));
    }
}
