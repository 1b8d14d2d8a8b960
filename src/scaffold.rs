//! `remedy new`: the text of a new guide or step, with every front-matter field
//! listed and explained, that passes `remedy check` as written. Pure: the command
//! writes the file (and refuses to overwrite one).

/// A title from a slug: `printer-prints-blank` -> "Printer prints blank".
fn title_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub fn guide(slug: &str) -> String {
    format!(
        r#"+++
# The problem, as a reader would put it (required).
title = "{title}"
# "guide" (troubleshooting steps) or "reference" (articles such as an error-code table).
kind = "guide"
# Its place on the home page (lowest first); guides without one follow, by title.
# order = 10
# The group the home page lists it under, e.g. "Networks".
# category = ""
# One line, shown in lists and in search results.
# summary = "What to do when ..."
# What the reader notices, one item each.
symptoms = []
# Exact error messages, as the screen shows them; they are shown verbatim and searchable.
error_messages = []
# Devices and systems this guide is for, e.g. ["iPhone", "iPad"]. Steps inherit it.
applies_to = []
# Free-form labels.
tags = []
# true keeps the guide out of the site until it is ready (build with --drafts to see it).
draft = false
# Old addresses of this guide's page, when it moved: ["old-guide/"].
# aliases = []
# In a translation (_index.<lang>.md): the source's hash, written by `remedy translated`.
# translated_from = "..."
# Keys of your own (an owner, a ticket number) go in a table at the end:
# [extra]
# owner = "..."
+++
Describe the problem in a sentence or two: when it happens and what the reader sees.

Then add the steps, from the least invasive to the most, one file each:
`remedy new step {slug} <step-slug>`.

## Still not fixed?

How to get help when no step worked: who to contact, and what to have ready. The guide
page shows this section after the last step.
"#,
        title = title_of(slug),
    )
}

pub fn step(slug: &str, after: Option<&str>) -> String {
    let after = after.map_or(String::new(), |a| format!("\"{a}\""));
    format!(
        r##"+++
# What to do, phrased as an action (required).
title = "{title}"
# "fix" (asks "Did this fix it?"), "preparation" (a backup: "Done? Continue") or "check".
kind = "fix"
# Position hint: among the steps that are ready, the lowest order comes first.
# order = 10
# Steps that must come before this one (their file names without .md).
after = [{after}]
# One line, shown in the step list and in search results.
# summary = "..."
# "safe", "caution" (side effects you can undo) or "destructive" (loses data).
risk = "safe"
# Hands-on time: "30 s", "5 min", "1 h", "1 h 30 min" or a range, "10–15 min".
time = "5 min"
# How long the result takes to show after the hands-on time, e.g. "1 h" or "1–2 h".
# wait = "1 h"
# What to do during that wait.
# while_waiting = "..."
# What the step costs the reader, one item each (then risk is "caution" or "destructive").
side_effects = []
# What the reader needs before starting, e.g. ["A USB cable"].
prerequisites = []
# What to do when the step worked, e.g. "Add your cards to Wallet again."
# if_fixed = "..."
# Alternatives: a condition and the step to go to (or "#still-not-fixed", the guide's help).
# branches = [{{ when = "No computer?", go_to = "another-step" }}]
# Devices and systems, when not all of the guide's, e.g. ["iPhone"].
# applies_to = []
# Free-form labels; "backup" marks a step that backs the reader's data up.
tags = []
# The date the instructions were last checked, YYYY-MM-DD.
# updated = 2026-01-31
# true keeps the step out of the site until it is ready.
draft = false
# Where the instructions' facts come from, shown at the end of the step.
# sources = [{{ title = "The vendor's article", url = "https://..." }}]
# Old addresses of this step's page, when it moved or was renamed: ["old-guide/old-step.html"].
# aliases = []
# In a translation (<step>.<lang>.md): the source's hash, written by `remedy translated`.
# translated_from = "..."
# Keys of your own (an author, a KB number) go in a table at the end:
# [extra]
# author = "..."
+++
Write the instructions here, as a numbered list:

1. What to open or tap, with the labels **in bold** as the screen shows them.
2. What the reader should see when it worked.
"##,
        title = title_of(slug),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PageKind, SourceFile};
    use crate::parse::meta;
    use crate::parse::parse_page;

    /// The keys a scaffold names, commented out or not, in order.
    fn scaffold_keys(text: &str) -> Vec<String> {
        let front = text.split("+++").nth(1).expect("a front-matter block");
        let mut keys = Vec::new();
        for line in front.lines().map(|l| l.trim_start_matches("# ")) {
            if let Some(table) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                // A table's own keys follow its header; it is the last key.
                keys.push(table.to_string());
                break;
            }
            if let Some((key, _)) = line.split_once(" = ") {
                if key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }

    /// The keys README's table (or line) under `heading` names, in order.
    fn readme_keys(heading: &str) -> Vec<String> {
        let readme = include_str!("../README.md");
        let start = readme.find(heading).unwrap_or_else(|| panic!("README has no {heading}"));
        let section = &readme[start + heading.len()..];
        let section = section.trim_start_matches('\n');
        let end = section.find("\n\n").unwrap_or(section.len());
        let mut keys = Vec::new();
        for line in section[..end].lines() {
            // A table row names its key first; a sentence names them all.
            let names = line.split('`').skip(1).step_by(2);
            let names: Vec<&str> = if line.starts_with('|') { names.take(1).collect() } else { names.collect() };
            for name in names {
                if name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    keys.push(name.to_string());
                }
            }
        }
        keys
    }

    #[test]
    fn scaffolds_and_readme_name_exactly_the_schemas_keys() {
        assert_eq!(scaffold_keys(&guide("g")), meta::guide_keys());
        assert_eq!(scaffold_keys(&step("s", None)), meta::step_keys());
        assert_eq!(readme_keys("Home page (`content/_index.md`):"), meta::home_keys());
        assert_eq!(readme_keys("Guide (`content/<guide>/_index.md`):"), meta::guide_keys());
        assert_eq!(readme_keys("Step (`content/<guide>/<step>.md`):"), meta::step_keys());
    }

    #[test]
    fn scaffolds_parse_without_a_diagnostic() {
        let guide = SourceFile { path: "content/printer-jams/_index.md".into(), text: guide("printer-jams") };
        let (page, d) = parse_page(&guide, Default::default());
        assert!(d.is_empty(), "{d:?}");
        let Some(PageKind::Guide { meta, .. }) = page.map(|p| p.kind) else { panic!() };
        assert_eq!(meta.title, "Printer jams");

        let step =
            SourceFile { path: "content/printer-jams/open-the-tray.md".into(), text: step("open-the-tray", Some("x")) };
        let (page, d) = parse_page(&step, Default::default());
        assert!(d.is_empty(), "{d:?}");
        let Some(PageKind::Step { meta, relations, .. }) = page.map(|p| p.kind) else { panic!() };
        assert_eq!(relations.after[0].value, "x");
        assert_eq!(meta.title, "Open the tray");
    }
}
