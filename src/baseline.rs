//! `remedy check --baseline OLD/steps.json`: which pages a reader could reach before
//! and cannot now. Support tickets, forum posts and bookmarks link to step pages for
//! years; a page that moved without an alias breaks them all. Pure: the caller reads
//! the old `steps.json` (a previous build's, or one kept from a release).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};

/// Every page (and alias) the old `steps.json` lists that is not among `now` (the
/// output paths of this build), as warnings at the old file's line. `path` names the
/// old file in messages.
pub fn gone_pages(path: &str, old: &str, now: &BTreeSet<String>) -> Vec<Diagnostic> {
    let data: Value = match serde_json::from_str(old) {
        Ok(data) => data,
        Err(e) => {
            let message = format!("this is not a steps.json that remedy wrote: {e}");
            let pos = Pos::new(e.line().max(1) as u32, e.column().max(1) as u32);
            return vec![Diagnostic::error(path, pos, Code::BadBaseline, message)];
        }
    };
    let lines = LineIndex::new(old);
    let mut out = Vec::new();
    let mut searched_from = 0;
    let guides = data.get("guides").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let mut pages: Vec<(&str, &Value)> = Vec::new();
    for guide in guides {
        pages.push(("guide", guide));
        for step in guide.get("steps").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
            pages.push(("step", step));
        }
    }
    for (what, page) in pages {
        // Each page's addresses are looked for after the previous page's.
        let page_from = searched_from;
        let title = page.get("title").and_then(Value::as_str).unwrap_or("");
        let urls = page
            .get("url")
            .and_then(Value::as_str)
            .into_iter()
            .chain(page.get("aliases").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str));
        for url in urls {
            // Where the old file says it.
            let quoted = serde_json::to_string(url).expect("a string serializes");
            let at = old[page_from..].find(&quoted).map(|i| page_from + i);
            if let Some(at) = at {
                searched_from = searched_from.max(at);
            }
            if now.contains(url) {
                continue;
            }
            let message = format!(
                "`{url}` (the {what} \"{title}\") existed in this baseline and is gone: add `aliases = [\"{url}\"]` to the page that replaced it, so old links keep working"
            );
            out.push(Diagnostic::warning(path, at.map_or(Pos::START, |at| lines.pos(at)), Code::GonePage, message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"{
  "guides": [
    {
      "slug": "g",
      "title": "G",
      "aliases": ["older/index.html"],
      "url": "g/index.html",
      "steps": [
        { "title": "Restart", "url": "g/restart.html", "aliases": [] },
        { "title": "Reset", "url": "g/reset.html" }
      ]
    }
  ]
}
"#;

    #[test]
    fn lists_what_is_gone_at_its_line() {
        let now: BTreeSet<String> = ["g/index.html", "g/restart.html"].iter().map(|s| s.to_string()).collect();
        let d: Vec<String> = gone_pages("old.json", OLD, &now).iter().map(ToString::to_string).collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("old.json:6:19: warning: `older/index.html` (the guide \"G\") existed"), "{d:?}");
        assert!(d[1].starts_with("old.json:10:36: warning: `g/reset.html` (the step \"Reset\") existed"), "{d:?}");
        let all: BTreeSet<String> = ["g/index.html", "g/restart.html", "g/reset.html", "older/index.html"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(gone_pages("old.json", OLD, &all).is_empty());
    }

    #[test]
    fn a_file_that_is_not_json_is_one_error() {
        let d = gone_pages("old.json", "{\n  \"guides\": [,\n", &BTreeSet::new());
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].pos.line), (Code::BadBaseline, 2));
    }
}
