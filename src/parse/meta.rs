//! The schemas of the three kinds of page: home, guide and step front matter, read
//! into [`HomeMeta`], [`GuideMeta`] and [`StepMeta`] with [`Fields`]. Each schema is
//! written once (`read_home`, `read_guide`, `read_step`); its valid keys are the keys
//! it reads (`home_keys`, ...), which `remedy new` and README's tables are tested
//! against.

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{
    BranchSpec, GuideKind, GuideMeta, HomeMeta, Located, Risk, Source, StepKind, StepMeta, StepRelations,
};
use crate::schema::fields::{keys_of, Fields};
use crate::schema::tree::Entry;

/// `"30 s"`, `"5 min"`, `"1 h"`, or several of them (`"1 h 30 min"`); a number may be
/// a range (`"10–15 min"`, `"10-15 min"`, low before high); `" or more"` may follow
/// (`"1 h or more"`).
pub fn is_duration(s: &str) -> bool {
    duration_range(s).is_some()
}

/// A duration's shortest and longest reading, in seconds (`"10–15 min"` is 600..900;
/// `"1 h or more"` is 3600..[`OPEN`]); `None` when it is not a duration.
pub fn duration_range(s: &str) -> Option<(u64, u64)> {
    if let Some(low) = s.strip_suffix(" or more") {
        let (low, high) = duration_range(low)?;
        return (low == high).then_some((low, OPEN));
    }
    let words: Vec<&str> = s.split(' ').collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    let number = |w: &str| -> Option<u64> {
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|c| c.is_ascii_digit())).then(|| w.parse().ok())?
    };
    let (mut low, mut high) = (0, 0);
    for pair in words.chunks(2) {
        let unit = match pair[1] {
            "s" => 1,
            "min" => 60,
            "h" => 3600,
            _ => return None,
        };
        let (a, b) = match pair[0].split_once(['–', '-']) {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(pair[0])?, number(pair[0])?),
        };
        if a > b {
            return None;
        }
        low += a * unit;
        high += b * unit;
    }
    Some((low, high))
}

/// The longest reading of a duration that ends in "or more".
pub const OPEN: u64 = u64::MAX;

/// Seconds as a reader reads them: "45 s", "20 min", "1 h 30 min".
pub fn format_seconds(secs: u64) -> String {
    let (h, min) = (secs / 3600, (secs % 3600).div_ceil(60));
    match (h, min) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A duration field: checked, or reported at its place.
fn duration(f: &mut Fields<'_>, key: &'static str) -> Option<String> {
    let t = f.string(key)?;
    if is_duration(&t.value) {
        Some(t.value)
    } else {
        let message = format!(
            "`{key}` must look like \"30 s\", \"5 min\", \"1 h\", \"10–15 min\" or \"1 h or more\", not \"{}\"",
            t.value
        );
        f.error(t.pos, Code::WrongType, message);
        None
    }
}

/// One entry of a step's `branches`: `{ when = "No computer?", go_to = "step-slug" }`.
fn read_branch(f: &mut Fields<'_>) -> Option<BranchSpec> {
    let start = f.start();
    let when = f.required_string("when");
    match f.string("go_to") {
        Some(go_to) => (!when.is_empty()).then_some(BranchSpec { when, go_to }),
        None => {
            let message =
                "an entry of `branches` has no `go_to` (a step's slug, or \"#still-not-fixed\"); it is required";
            f.error(start, Code::MissingKey, message.to_string());
            None
        }
    }
}

fn read_home(f: &mut Fields<'_>) -> HomeMeta {
    HomeMeta {
        title: f.required_string("title"),
        description: f.string("description").map(|s| s.value),
        translated_from: f.string("translated_from"),
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
        translated_from: f.string("translated_from"),
        extra: f.extra(),
    }
}

fn read_step(f: &mut Fields<'_>) -> (StepMeta, StepRelations) {
    // Read in the order a contributor meets the keys (README's table and `remedy
    // new`'s scaffold follow it; a test checks both).
    let start = f.start();
    let title = f.required_string("title");
    let kinds: Vec<(&str, StepKind)> = StepKind::ALL.iter().map(|k| (k.as_str(), *k)).collect();
    let kind = f.choice("kind", &kinds).map(|k| k.value).unwrap_or_default();
    let order = f.integer("order");
    let after = f.strings("after").unwrap_or_default();
    let summary = f.string("summary").map(|s| s.value);
    let risks: Vec<(&str, Risk)> = Risk::ALL.iter().map(|r| (r.as_str(), *r)).collect();
    let risk = f.choice("risk", &risks).unwrap_or(Located { value: Risk::Safe, pos: start });
    let time = duration(f, "time");
    let wait = duration(f, "wait");
    let while_waiting = f.string("while_waiting").map(|s| s.value);
    let side_effects = f.string_list("side_effects");
    let prerequisites = f.string_list("prerequisites");
    let if_fixed = f.string("if_fixed").map(|s| s.value);
    let branches = f.tables("branches", "an entry of `branches`", read_branch).into_iter().flatten().collect();
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
        kind,
        if_fixed,
        wait,
        while_waiting,
        aliases: read_aliases(f),
        translated_from: f.string("translated_from"),
        extra: f.extra(),
        pos: start,
    };
    (meta, StepRelations { after, applies_to, branches })
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
                "4:7 `time` must look like \"30 s\", \"5 min\", \"1 h\", \"10–15 min\" or \"1 h or more\", not \"soon\"",
                "5:10 `updated` must be a date written YYYY-MM-DD, not a string",
                "6:1 unknown key `titel` in a step's front matter; did you mean `title`? Valid keys: title, kind, order, after, summary, risk, time, wait, while_waiting, side_effects, prerequisites, if_fixed, branches, applies_to, tags, updated, draft, sources, aliases, translated_from, extra",
            ]
        );
    }

    #[test]
    fn the_schemas_list_their_keys() {
        assert_eq!(home_keys(), ["title", "description", "translated_from", "extra"]);
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
                "translated_from",
                "extra"
            ]
        );
        assert_eq!(
            step_keys().join(", "),
            "title, kind, order, after, summary, risk, time, wait, while_waiting, side_effects, prerequisites, if_fixed, branches, applies_to, tags, updated, draft, sources, aliases, translated_from, extra"
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
        assert_eq!(duration_range("10–15 min"), Some((600, 900)));
        assert_eq!(duration_range("1-2 h 30 min"), Some((5400, 9000)));
        assert!(!is_duration("15–10 min") && !is_duration("–5 min") && !is_duration("5– min"));
        assert_eq!(duration_range("1 h or more"), Some((3600, OPEN)));
        assert!(!is_duration("1–2 h or more") && !is_duration("or more") && !is_duration("1 h or more or more"));
        assert_eq!(
            (format_seconds(90 * 60), format_seconds(600), format_seconds(7200)),
            ("1 h 30 min".into(), "10 min".into(), "2 h".into())
        );
    }

    #[test]
    fn reads_outcomes_and_branches() {
        let ((meta, relations), diags) = step_of(
            "+++\ntitle = \"T\"\nkind = \"preparation\"\nif_fixed = \"Add cards\"\nwait = \"1–2 h\"\nwhile_waiting = \"Keep it charging\"\n\
             branches = [{ when = \"No computer?\", go_to = \"other\" }]\n+++\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(meta.kind, StepKind::Preparation);
        assert_eq!((meta.if_fixed.as_deref(), meta.wait.as_deref()), (Some("Add cards"), Some("1–2 h")));
        assert_eq!(meta.while_waiting.as_deref(), Some("Keep it charging"));
        assert_eq!(
            (relations.branches[0].when.as_str(), relations.branches[0].go_to.value.as_str()),
            ("No computer?", "other")
        );
        assert_eq!(relations.branches[0].go_to.pos.line, 7);
    }

    #[test]
    fn reports_wrong_outcomes_and_branches() {
        let (_, diags) = step_of(
            "+++\ntitle = \"T\"\nkind = \"repair\"\nif_fixed = 3\nwait = \"overnight\"\nbranches = [{ when = \"X\" }, { go_to = \"a\", whn = \"Y\" }]\n+++\n",
        );
        assert_eq!(
            diags,
            vec![
                "3:8 `kind` must be one of \"fix\", \"preparation\", \"check\", not \"repair\"",
                "5:8 `wait` must look like \"30 s\", \"5 min\", \"1 h\", \"10–15 min\" or \"1 h or more\", not \"overnight\"",
                "4:12 `if_fixed` must be a string, not an integer",
                "6:13 an entry of `branches` has no `go_to` (a step's slug, or \"#still-not-fixed\"); it is required",
                "6:29 an entry of `branches` has no `when`; it is required",
                "6:44 unknown key `whn` in an entry of `branches`; did you mean `when`? Valid keys: when, go_to",
            ]
        );
    }
}
