//! The text remedy writes into translations: a new translation's skeleton, made
//! from its source (`remedy new step <guide> <slug> --lang fr`), and the
//! `translated_from` key set in an existing one (`remedy translated`), which changes
//! that one line and nothing else. Pure: the commands read and write the files.

use crate::diagnostics::LineIndex;
use crate::lang::stale::{source_hash, KEY};
use crate::schema::tree::{self, Entry, Format, Node, Value};

/// The front-matter keys a translation translates, by the kind of page (the rest,
/// the structural keys and the checked forms such as `time`, come from the source).
fn text_keys(source_path: &str) -> &'static [&'static str] {
    let parts = source_path.strip_prefix("content/").unwrap_or(source_path).split('/').count();
    match (parts, source_path.ends_with("/_index.md")) {
        (1, _) => &["title", "description"],
        (_, true) => &["title", "summary", "category", "symptoms", "error_messages"],
        _ => &["title", "summary", "while_waiting", "side_effects", "prerequisites", "if_fixed", "branches", "sources"],
    }
}

/// The keys kept inside a list entry of a text key: a branch's condition (to
/// translate) and target (which must stay), a source's title and address.
const ENTRY_KEYS: &[&str] = &["when", "go_to", "title", "url"];

/// A translation's first text, from its source's (`source_path`, its text): the text
/// keys the source has, with the source's values for the translator to replace, in the
/// source's syntax (TOML or YAML); `translated_from` set to the source's hash; the body
/// as it is. An error says why not (the source has no front matter, or a broken one).
pub fn skeleton(source_path: &str, source_text: &str) -> Result<String, String> {
    let split = tree::split(source_text).map_err(|e| format!("its front matter does not parse: {}", e.message))?;
    let block = split.block.as_ref().ok_or("it has no front matter")?;
    let entries = tree::read(block, &LineIndex::new(source_text))
        .map_err(|e| format!("its front matter does not parse: {}", e.message))?;
    let format = block.format;
    let (fence, assign) = match format {
        Format::Toml => ("+++", " = "),
        Format::Yaml => ("---", ": "),
    };
    let mut out = format!(
        "{fence}\n# Translated from {source_path}: translate the values below. Every key left out\n\
         # (kind, order, risk, tags, ...) comes from the source.\n"
    );
    let keys = text_keys(source_path);
    for entry in entries.iter().filter(|e| keys.contains(&e.key.as_str())) {
        if entry.key == "branches" {
            out.push_str("# Translate each branch's `when`; keep its `go_to` as it is.\n");
        }
        out.push_str(&format!("{}{assign}{}\n", entry.key, value(&entry.value, format)));
    }
    out.push_str(&format!("{KEY}{assign}\"{}\"\n{fence}\n{}", source_hash(source_text), split.body));
    Ok(out)
}

/// A value in flow syntax (one line), which TOML and YAML both read: strings
/// double-quoted, lists in `[...]`, tables in `{ ... }` (list entries keep only
/// [`ENTRY_KEYS`]).
fn value(node: &Node, format: Format) -> String {
    match &node.value {
        Value::Str(s) => quote(s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.clone(),
        Value::Null => "null".to_string(),
        Value::List(items) => format!("[{}]", items.iter().map(|i| value(i, format)).collect::<Vec<_>>().join(", ")),
        Value::Map(entries) => {
            let assign = if format == Format::Toml { " = " } else { ": " };
            let kept: Vec<String> = entries
                .iter()
                .filter(|e: &&Entry| ENTRY_KEYS.contains(&e.key.as_str()))
                .map(|e| format!("{}{assign}{}", e.key, value(&e.value, format)))
                .collect();
            format!("{{ {} }}", kept.join(", "))
        }
    }
}

/// A double-quoted string, as TOML basic strings and YAML double-quoted scalars
/// both read it.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` (a translation) with `translated_from` set to `hash`: the value replaced
/// where the key is written, or else the key added as the front matter's first line.
/// Nothing else in the text changes.
pub fn mark_translated(text: &str, hash: &str) -> Result<String, String> {
    let split = tree::split(text).map_err(|e| format!("its front matter does not parse: {}", e.message))?;
    let block = split.block.as_ref().ok_or("it has no front matter (a `+++` or `---` block)")?;
    let lines = LineIndex::new(text);
    let entries = tree::read(block, &lines).map_err(|e| format!("its front matter does not parse: {}", e.message))?;
    let assign = if block.format == Format::Toml { " = " } else { ": " };
    let Some(entry) = entries.iter().find(|e| e.key == KEY) else {
        let newline = if text[..block.offset].ends_with("\r\n") { "\r\n" } else { "\n" };
        let at = block.offset;
        return Ok(format!("{}{KEY}{assign}\"{hash}\"{newline}{}", &text[..at], &text[at..]));
    };
    let (start, end) = value_span(text, entry).ok_or(format!(
        "its `{KEY}` (line {}) is not a one-line string; write it as {KEY}{assign}\"\"",
        entry.key_pos.line
    ))?;
    Ok(format!("{}\"{hash}\"{}", &text[..start], &text[end..]))
}

/// Where a one-line string value of `entry` stands in `text` (byte offsets), quotes
/// included; `None` for any other kind of value.
fn value_span(text: &str, entry: &Entry) -> Option<(usize, usize)> {
    if !matches!(entry.value.value, Value::Str(_)) {
        return None;
    }
    // From the key's line: past the key, the `=` or `:`, and spaces.
    let line_start: usize = text.split_inclusive('\n').take(entry.key_pos.line as usize - 1).map(str::len).sum();
    let line_end = text[line_start..].find(['\r', '\n']).map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let key_at = line.char_indices().nth(entry.key_pos.col as usize - 1)?.0;
    let after_key = key_at + line[key_at..].find(KEY)? + KEY.len();
    let rest = line[after_key..].trim_start_matches([' ', '\t', '"', '\'']);
    let rest = rest.strip_prefix(['=', ':'])?.trim_start_matches([' ', '\t']);
    let start = line.len() - rest.len();
    let len = match rest.chars().next()? {
        q @ ('"' | '\'') if !rest.starts_with("\"\"\"") && !rest.starts_with("'''") => {
            let mut escaped = false;
            let close = rest.char_indices().skip(1).find(|&(_, c)| {
                let found = c == q && !(escaped && q == '"');
                escaped = !escaped && c == '\\' && q == '"';
                found
            })?;
            close.0 + 1
        }
        '"' | '\'' | '|' | '>' | '[' | '{' => return None,
        _ => rest.find(" #").unwrap_or(rest.len()),
    };
    let len = rest[..len].trim_end().len();
    Some((line_start + start, line_start + start + len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::stale::translated_from;

    const STEP: &str = "+++\ntitle = \"Restart the router\"\nkind = \"check\"\norder = 20\nrisk = \"caution\"\n\
        time = \"5 min\"\nsummary = \"Off, \\\"wait\\\", on\"\nside_effects = [\"Drops calls\"]\ntags = [\"x\"]\n\
        branches = [{ when = \"No light?\", go_to = \"check-power\" }]\nsources = [{ title = \"Vendor\", url = \"https://e.org/a\" }]\n\
        [extra]\nkb = 1\n+++\nUnplug it. See [power](check-power.md).\n";

    #[test]
    fn a_step_skeleton_has_the_text_keys_the_hash_and_the_body() {
        let text = skeleton("content/g/restart.md", STEP).unwrap();
        let hash = source_hash(STEP);
        assert_eq!(
            text,
            format!(
                "+++\n# Translated from content/g/restart.md: translate the values below. Every key left out\n\
                 # (kind, order, risk, tags, ...) comes from the source.\n\
                 title = \"Restart the router\"\nsummary = \"Off, \\\"wait\\\", on\"\nside_effects = [\"Drops calls\"]\n\
                 # Translate each branch's `when`; keep its `go_to` as it is.\nbranches = [{{ when = \"No light?\", go_to = \"check-power\" }}]\n\
                 sources = [{{ title = \"Vendor\", url = \"https://e.org/a\" }}]\n\
                 translated_from = \"{hash}\"\n+++\nUnplug it. See [power](check-power.md).\n"
            )
        );
        // It parses as a step, with no diagnostic, and its key holds the source's hash.
        let file = crate::model::SourceFile { path: "content/g/restart.fr.md".into(), text: text.clone() };
        let (page, diags) = crate::parse::parse_page(&file, Default::default());
        assert!(diags.is_empty(), "{diags:?}");
        assert!(page.is_some());
        assert_eq!(translated_from(&text).unwrap().value, hash);
    }

    #[test]
    fn yaml_sources_give_yaml_skeletons() {
        let source = "---\ntitle: Printer jams\nkind: guide\nsymptoms: [\"Paper stuck\", 'Beeps']\ncategory: Printers\n---\nBody\n";
        let text = skeleton("content/printer/_index.md", source).unwrap();
        assert!(text.starts_with("---\n# Translated from content/printer/_index.md"), "{text}");
        assert!(
            text.ends_with(&format!(
                "title: \"Printer jams\"\nsymptoms: [\"Paper stuck\", \"Beeps\"]\ncategory: \"Printers\"\n\
                 translated_from: \"{}\"\n---\nBody\n",
                source_hash(source)
            )),
            "{text}"
        );
        let home =
            skeleton("content/_index.md", "+++\ntitle = \"Help\"\ndescription = \"D\"\n[extra]\na = 1\n+++\n").unwrap();
        assert!(home.contains("title = \"Help\"\ndescription = \"D\"\ntranslated_from"), "{home}");
        assert!(skeleton("content/g/s.md", "no front matter").is_err());
        assert!(skeleton("content/g/s.md", "+++\ntitle = \n+++\n").is_err());
    }

    #[test]
    fn quotes_what_toml_and_yaml_both_read() {
        assert_eq!(quote("a \"b\" \\ c\nd\u{7f}"), "\"a \\\"b\\\" \\\\ c\\nd\\u007F\"");
    }

    #[test]
    fn marking_adds_the_key_or_changes_only_its_value() {
        // Added as the first line, in the file's syntax and line endings.
        let toml = "+++\ntitle = \"T\"\n[extra]\na = 1\n+++\nBody\n";
        assert_eq!(
            mark_translated(toml, "abc").unwrap(),
            "+++\ntranslated_from = \"abc\"\ntitle = \"T\"\n[extra]\na = 1\n+++\nBody\n"
        );
        let yaml = "---\r\ntitle: T\r\n---\r\nBody\r\n";
        assert_eq!(
            mark_translated(yaml, "abc").unwrap(),
            "---\r\ntranslated_from: \"abc\"\r\ntitle: T\r\n---\r\nBody\r\n"
        );

        // Replaced where it is, comments and the rest kept.
        let cases = [
            (
                "+++\ntitle = \"T\"\ntranslated_from = \"old\" # mine\n+++\n",
                "+++\ntitle = \"T\"\ntranslated_from = \"new\" # mine\n+++\n",
            ),
            ("+++\ntranslated_from='old'\ntitle = \"T\"\n+++\n", "+++\ntranslated_from=\"new\"\ntitle = \"T\"\n+++\n"),
            (
                "---\ntitle: T\ntranslated_from: old # mine\n---\n",
                "---\ntitle: T\ntranslated_from: \"new\" # mine\n---\n",
            ),
            ("---\ntranslated_from:   \"o\\\"ld\"\n---\n", "---\ntranslated_from:   \"new\"\n---\n"),
            ("---\n\"translated_from\": 'old'\n---\n", "---\n\"translated_from\": \"new\"\n---\n"),
        ];
        for (before, after) in cases {
            let marked = mark_translated(before, "new").unwrap();
            assert_eq!(marked, after, "{before}");
            assert_eq!(translated_from(&marked).unwrap().value, "new");
        }
        assert!(mark_translated("+++\ntranslated_from = 3\n+++\n", "new").is_err());
        assert!(mark_translated("+++\ntranslated_from = \"\"\"\nold\"\"\"\n+++\n", "new").is_err());
        assert!(mark_translated("Body only\n", "new").is_err());
        assert!(mark_translated("+++\ntitle = \n+++\n", "new").is_err());
    }
}
