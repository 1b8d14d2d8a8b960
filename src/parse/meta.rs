//! The schemas of the three kinds of page: home, guide and step front matter, read
//! into [`HomeMeta`], [`GuideMeta`] and [`StepMeta`] with [`Fields`]. Each schema is
//! written once (`read_home`, `read_guide`, `read_step`); its valid keys are the keys
//! it reads (`home_keys`, ...), which `remedy new` and README's tables are tested
//! against.

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{GuideKind, GuideMeta, HomeMeta, Located, Risk, Source, StepMeta, StepRelations};
use crate::schema::fields::{keys_of, Fields};
use crate::schema::tree::Entry;

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

fn read_home(f: &mut Fields<'_>) -> HomeMeta {
    HomeMeta {
        title: f.required_string("title"),
        description: f.string("description").map(|s| s.value),
        extra: f.extra(),
    }
}

fn read_guide(f: &mut Fields<'_>) -> GuideMeta {
    let title = f.required_string("title");
    let kinds = [("guide", GuideKind::Guide), ("reference", GuideKind::Reference)];
    GuideMeta {
        title,
        kind: f.choice("kind", &kinds).map_or(GuideKind::Guide, |k| k.value),
        order: f.integer("order"),
        category: f.string("category").map(|s| s.value).filter(|c| !c.trim().is_empty()),
        summary: f.string("summary").map(|s| s.value),
        symptoms: f.string_list("symptoms"),
        error_messages: f.string_list("error_messages"),
        applies_to: f.string_list("applies_to"),
        tags: f.string_list("tags"),
        draft: f.bool("draft"),
        aliases: read_aliases(f),
        extra: f.extra(),
    }
}

fn read_step(f: &mut Fields<'_>) -> (StepMeta, StepRelations) {
    let start = f.start();
    let title = f.required_string("title");
    let order = f.integer("order");
    let after = f.strings("after").unwrap_or_default();
    let summary = f.string("summary").map(|s| s.value);
    let risks: Vec<(&str, Risk)> = Risk::ALL.iter().map(|r| (r.as_str(), *r)).collect();
    let risk = f.choice("risk", &risks).unwrap_or(Located { value: Risk::Safe, pos: start });
    let time = f.string("time").and_then(|t| {
        if is_duration(&t.value) {
            Some(t.value)
        } else {
            let message = format!("`time` must look like \"30 s\", \"5 min\" or \"1 h\", not \"{}\"", t.value);
            f.error(t.pos, Code::WrongType, message);
            None
        }
    });
    let side_effects = f.string_list("side_effects");
    let prerequisites = f.string_list("prerequisites");
    let applies_to = f.strings("applies_to").map(|v| v.into_iter().map(|s| s.value).collect());
    let meta = StepMeta {
        title,
        order,
        summary,
        risk,
        time,
        side_effects,
        prerequisites,
        tags: f.string_list("tags"),
        updated: f.date("updated"),
        draft: f.bool("draft"),
        sources: f.tables("sources", "an entry of `sources`", read_source).into_iter().flatten().collect(),
        aliases: read_aliases(f),
        extra: f.extra(),
        pos: start,
    };
    (meta, StepRelations { after, applies_to })
}

/// `aliases`: old paths of a page, relative to the output root, each written as it
/// was published (`old/page.html`, `old/` for `old/index.html`, a leading `/` allowed).
/// Returned as output paths.
fn read_aliases(f: &mut Fields<'_>) -> Vec<Located<String>> {
    let mut out = Vec::new();
    for alias in f.strings("aliases").unwrap_or_default() {
        match alias_path(&alias.value) {
            Ok(path) => out.push(Located { value: path, pos: alias.pos }),
            Err(why) => {
                let message = format!("`aliases` entry \"{}\" {why}", alias.value);
                f.error(alias.pos, Code::WrongType, message);
            }
        }
    }
    out
}

/// An alias as an output path, or why it cannot be one.
fn alias_path(written: &str) -> Result<String, &'static str> {
    let trimmed = written.strip_prefix('/').unwrap_or(written);
    let path = if trimmed.ends_with('/') { format!("{trimmed}index.html") } else { trimmed.to_string() };
    if written.contains("://") || written.starts_with("//") {
        return Err("must be a path on this site (like \"old-guide/old-step.html\"), not a URL");
    }
    if !path.ends_with(".html") {
        return Err("must name a page: end it with `.html`, or with `/` for a folder's index.html");
    }
    if path.contains(['\\', '?', '#', '%']) || path.chars().any(char::is_control) {
        return Err("must be a plain path: no `\\`, `?`, `#`, `%` or control characters");
    }
    if path.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return Err("must stay inside the site: no empty, `.` or `..` parts");
    }
    Ok(path)
}

/// One entry of a step's `sources`: `{ title = "...", url = "https://..." }`.
fn read_source(f: &mut Fields<'_>) -> Option<Source> {
    let title = f.required_string("title");
    let start = f.start();
    match f.string("url") {
        Some(url) if url.value.starts_with("https://") || url.value.starts_with("http://") => {
            (!title.is_empty()).then_some(Source { title, url })
        }
        Some(url) => {
            let message = format!("`url` must start with https:// or http://, not \"{}\"", url.value);
            f.error(url.pos, Code::WrongType, message);
            None
        }
        None => {
            f.error(start, Code::MissingKey, "an entry of `sources` has no `url`; it is required".to_string());
            None
        }
    }
}

pub fn home(path: &str, start: Pos, entries: Vec<Entry>) -> (HomeMeta, Vec<Diagnostic>) {
    let mut f = Fields::new(path, "the home page's front matter", start, entries);
    let meta = read_home(&mut f);
    (meta, f.finish())
}

pub fn guide(path: &str, start: Pos, entries: Vec<Entry>) -> (GuideMeta, Vec<Diagnostic>) {
    let mut f = Fields::new(path, "a guide's front matter", start, entries);
    let meta = read_guide(&mut f);
    (meta, f.finish())
}

pub fn step(path: &str, start: Pos, entries: Vec<Entry>) -> ((StepMeta, StepRelations), Vec<Diagnostic>) {
    let mut f = Fields::new(path, "a step's front matter", start, entries);
    let meta = read_step(&mut f);
    (meta, f.finish())
}

/// The keys of the home page's front matter, in the order the schema reads them.
pub fn home_keys() -> Vec<&'static str> {
    keys_of(read_home)
}

/// The keys of a guide's front matter.
pub fn guide_keys() -> Vec<&'static str> {
    keys_of(read_guide)
}

/// The keys of a step's front matter.
pub fn step_keys() -> Vec<&'static str> {
    keys_of(read_step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;
    use crate::schema::tree::{read, split};

    fn step_of(text: &str) -> ((StepMeta, StepRelations), Vec<String>) {
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
        let (meta, relations) = meta;
        assert_eq!(meta.title, "Reset");
        assert_eq!(meta.order.unwrap().value, 3);
        assert_eq!(relations.after[0].value, "a");
        assert_eq!(meta.risk.value, Risk::Caution);
        assert_eq!(meta.time.as_deref(), Some("5 min"));
        assert_eq!(meta.updated.as_deref(), Some("2026-01-31"));
        assert_eq!(relations.applies_to, Some(vec!["iPhone".to_string()]));
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
                "6:1 unknown key `titel` in a step's front matter; did you mean `title`? Valid keys: title, order, after, summary, risk, time, side_effects, prerequisites, applies_to, tags, updated, draft, sources, aliases, extra",
            ]
        );
    }

    #[test]
    fn the_schemas_list_their_keys() {
        assert_eq!(home_keys(), ["title", "description", "extra"]);
        assert_eq!(
            guide_keys(),
            [
                "title",
                "kind",
                "order",
                "category",
                "summary",
                "symptoms",
                "error_messages",
                "applies_to",
                "tags",
                "draft",
                "aliases",
                "extra"
            ]
        );
        assert_eq!(
            step_keys().join(", "),
            "title, order, after, summary, risk, time, side_effects, prerequisites, applies_to, tags, updated, draft, sources, aliases, extra"
        );
    }

    #[test]
    fn missing_title_is_reported_once() {
        let (_, diags) = step_of("+++\norder = 1\n+++\n");
        assert_eq!(diags, vec!["1:1 a step's front matter has no `title`; it is required"]);
    }

    #[test]
    fn aliases_become_output_paths() {
        assert_eq!(alias_path("old/step.html").as_deref(), Ok("old/step.html"));
        assert_eq!(alias_path("/old/").as_deref(), Ok("old/index.html"));
        for bad in ["old/step", "../x.html", "a//b.html", "https://e.org/x.html", "a\\b.html", "a%2e.html", "x.html?q"]
        {
            assert!(alias_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert!(is_duration("30 s") && is_duration("1 h 30 min") && !is_duration("5min") && !is_duration("5 days"));
    }
}
