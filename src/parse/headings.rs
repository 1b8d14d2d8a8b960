//! Heading ids: made from the heading's text (`## On a Mac` -> `on-a-mac`) or written
//! (`## Reset {#reset}`), unique on the page, and never one the theme uses itself.
//!
//! Ids are decided when the whole page has been read, so that a written id wins over
//! an automatic one wherever they stand: `## Setup` then `## Other {#setup}` gives
//! `setup-1` to the first heading, and a link to `#setup` lands where its author meant.

use std::collections::{HashMap, HashSet};

use crate::diagnostics::Pos;

/// The ids the default theme's templates give their own elements, on pages that show
/// a Markdown body; a heading never takes one (`## Main` is `main-1`). A test checks
/// this list against the templates.
pub const THEME_IDS: &[&str] = &[
    "main",
    "site-search-q",
    "site-search-results",
    "guides-title",
    "sec-symptoms",
    "sec-errors",
    "sec-steps",
    "sec-costs",
    "step-prereqs",
    "fix-check-title",
    "search-page-q",
    "search-page-status",
    "search-page-results",
    "step-sources",
    "sec-articles",
    "term-guides",
    "term-steps",
    "progress",
    "progress-title",
    "sec-about",
    "sec-flow",
    "flow-arrow",
    "danger-title",
    "step-branches",
    "wait-title",
];

/// Whether the theme may use `id` itself: one of [`THEME_IDS`], or `category-N` (the
/// home page's guide categories, numbered).
pub fn is_theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id)
        || id.strip_prefix("category-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A heading's id: lowercase letters and digits, other runs become one `-`.
/// Combining marks stay with their letter (`İstanbul` is `istanbul`, not `i-stanbul`).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    // `İ` lowercases to `i` and a combining dot; the dot would only show as noise.
    for c in text.chars().flat_map(|c| if c == 'İ' { 'i'.to_lowercase() } else { c.to_lowercase() }) {
        if c.is_alphanumeric() || (is_combining_mark(c) && !slug.is_empty() && !slug.ends_with('-')) {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// The Unicode blocks of combining marks (accents written as a second character).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A heading as read, before its id is decided.
pub struct Pending {
    /// `{#id}`, as written, and where.
    pub written: Option<(String, Pos)>,
    /// The heading's text, for an automatic id.
    pub title: String,
}

/// Why a written id cannot be used: (place, message).
pub type IdError = (Pos, String);

/// The id of each heading, in order: written ids first (unless the theme or an
/// earlier heading has it), then automatic ones around them.
pub fn assign(headings: &[Pending]) -> (Vec<String>, Vec<IdError>) {
    let mut ids = Ids::default();
    let mut errors = Vec::new();
    let mut chosen: Vec<Option<String>> = Vec::with_capacity(headings.len());
    for h in headings {
        let Some((id, pos)) = &h.written else {
            chosen.push(None);
            continue;
        };
        let problem = if is_theme_id(id) {
            Some("the theme uses it for its own element".to_string())
        } else if id.starts_with("fn:") {
            Some("ids that start with `fn:` are the footnotes'".to_string())
        } else if ids.taken.contains(id) {
            Some("an earlier heading on this page has it".to_string())
        } else {
            None
        };
        match problem {
            Some(why) => {
                errors.push((*pos, format!("heading id `{id}` cannot be used: {why}; choose another")));
                chosen.push(None);
            }
            None => {
                ids.taken.insert(id.clone());
                chosen.push(Some(id.clone()));
            }
        }
    }
    let out = headings
        .iter()
        .zip(chosen)
        .map(|(h, id)| {
            // Headings without a usable written id get one from their text.
            id.unwrap_or_else(|| ids.unique(slugify(&h.title)))
        })
        .collect();
    (out, errors)
}

/// The ids used on a page so far.
#[derive(Default)]
struct Ids {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Ids {
    /// `base`, or `base-1`, `base-2`, ... when taken or the theme's. Remembers the next
    /// suffix to try for each base, so a page with thousands of equal headings stays linear.
    fn unique(&mut self, base: String) -> String {
        // Never one of the theme's.
        let free = |ids: &mut Ids, id: &str| !is_theme_id(id) && ids.taken.insert(id.to_string());
        if free(self, &base) {
            return base;
        }
        loop {
            let n = self.next_suffix.entry(base.clone()).or_insert(1);
            let id = format!("{base}-{n}");
            *n += 1;
            if free(self, &id) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(title: &str) -> Pending {
        Pending { written: None, title: title.into() }
    }

    fn written(id: &str, line: u32) -> Pending {
        Pending { written: Some((id.into(), Pos::new(line, 1))), title: "x".into() }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("On Windows"), "on-windows");
        assert_eq!(slugify("If it won't delete!"), "if-it-won-t-delete");
        assert_eq!(slugify("???"), "section");
        assert_eq!(slugify("İstanbul"), "istanbul");
        assert_eq!(slugify("Cafe\u{301} au lait"), "cafe\u{301}-au-lait");
        assert_eq!(slugify("Ünïcödé"), "ünïcödé");
    }

    #[test]
    fn written_ids_win_and_theme_ids_are_reserved() {
        let (ids, errors) = assign(&[auto("Setup"), auto("Main"), written("setup", 3), auto("Setup")]);
        assert_eq!(ids, ["setup-1", "main-1", "setup", "setup-2"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn written_ids_that_cannot_be_kept_are_errors() {
        let (ids, errors) = assign(&[written("a", 1), written("a", 2), written("main", 3), written("fn:1", 4)]);
        assert_eq!(ids, ["a", "x", "x-1", "x-2"]);
        let lines: Vec<u32> = errors.iter().map(|(p, _)| p.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(errors[0].1.contains("an earlier heading"), "{errors:?}");
    }

    #[test]
    fn theme_ids_are_all_reserved() {
        // Ids made from a value: reserved by `is_theme_id`, on pages without a body, or
        // with `--`, which no heading's id has (runs of other characters become one `-`).
        const MADE: &[&str] =
            &["category-{{ loop.index }}", "guide-{{ g.slug }}", "guide-{{ g.slug }}-title", "step--{{ s.slug }}"];
        let mut missing = Vec::new();
        for (name, text) in crate::theme::TEMPLATES {
            for (i, _) in text.match_indices(" id=\"") {
                let id: String = text[i + 5..].chars().take_while(|c| *c != '"').collect();
                let known = if id.contains("{{") { MADE.contains(&id.as_str()) } else { is_theme_id(&id) };
                if !known {
                    missing.push(format!("{name}: {id}"));
                }
            }
        }
        assert!(missing.is_empty(), "ids of the theme that headings could take: {missing:?}");
        assert!(is_theme_id("category-12") && !is_theme_id("category-x") && !is_theme_id("category-"));
        let (ids, _) = assign(&[auto("Category 1"), auto("Main")]);
        assert_eq!(ids, ["category-1-1", "main-1"]);
    }
}
