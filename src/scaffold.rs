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
+++
Describe the problem in a sentence or two: when it happens and what the reader sees.

Then add the steps, from the least invasive to the most, one file each:
`remedy new step {slug} <step-slug>`.
"#,
        title = title_of(slug),
    )
}

pub fn step(slug: &str, after: Option<&str>) -> String {
    let after = after.map_or(String::new(), |a| format!("\"{a}\""));
    format!(
        r#"+++
# What to do, phrased as an action (required).
title = "{title}"
# Position hint: among the steps that are ready, the lowest order comes first.
# order = 10
# Steps that must come before this one (their file names without .md).
after = [{after}]
# One line, shown in the step list and in search results.
# summary = "..."
# "safe", "caution" (side effects you can undo) or "destructive" (loses data).
risk = "safe"
# How long it takes: "30 s", "5 min", "1 h" or "1 h 30 min".
time = "5 min"
# What the step costs the reader, one item each (then risk is "caution" or "destructive").
side_effects = []
# What the reader needs before starting, e.g. ["A USB cable"].
prerequisites = []
# Devices and systems, when not all of the guide's, e.g. ["iPhone"].
# applies_to = []
# Free-form labels; "backup" marks a step that backs the reader's data up.
tags = []
# The date the instructions were last checked, YYYY-MM-DD.
# updated = 2026-01-31
# true keeps the step out of the site until it is ready.
draft = false
+++
Write the instructions here, as a numbered list:

1. What to open or tap, with the labels **in bold** as the screen shows them.
2. What the reader should see when it worked.
"#,
        title = title_of(slug),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PageKind, SourceFile};
    use crate::parse::parse_page;

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
        let Some(PageKind::Step { meta, .. }) = page.map(|p| p.kind) else { panic!() };
        assert_eq!(meta.after[0].value, "x");
        assert_eq!(meta.title, "Open the tray");
    }
}
