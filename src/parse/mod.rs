//! Stage 2, pure: each Markdown source becomes a [`Page`].
//!
//! Where a file stands under `content/` says what it is (home page, guide, step);
//! its front matter is read (`schema::tree`) and checked (`meta`); its body is
//! rendered (`markdown`). Files are independent, so they are parsed in parallel,
//! and the result keeps the input's order.

pub mod destination;
pub mod headings;
pub mod highlight;
pub mod include;
pub mod markdown;
pub mod meta;
pub mod raw_html;
pub mod sanitize;
pub mod title_heading;

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};
use crate::model::{Page, PageKind, PageLang, SourceFile};
use crate::schema::bad_slug;
use crate::schema::tree as front_matter;

/// Parses every source. Pages with mistakes are still returned (with what could be
/// read) so that later stages can report their own problems in the same run.
pub fn parse_all(sources: &[SourceFile], settings: markdown::Settings<'_>) -> (Vec<Page>, Vec<Diagnostic>) {
    let snippets = snippets(sources);
    let settings = markdown::Settings { snippets: Some(&snippets), ..settings };
    let results: Vec<(Option<Page>, Vec<Diagnostic>)> = sources.par_iter().map(|s| parse_page(s, settings)).collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for (page, diags) in results {
        pages.extend(page);
        diagnostics.extend(diags);
    }
    (pages, diagnostics)
}

/// The shared snippets among `sources` (`content/_shared/...`), for includes.
pub fn snippets(sources: &[SourceFile]) -> include::Snippets {
    sources.iter().filter(|s| s.path.starts_with(include::SHARED)).map(|s| (s.path.clone(), s.text.clone())).collect()
}

/// What a path under `content/` is.
enum Place<'a> {
    /// A snippet under `content/_shared/`: included by pages, not a page itself.
    Shared,
    Home,
    Guide(&'a str),
    Step(&'a str, &'a str),
}

/// Parses one Markdown file. `None` when the file is not a page at all.
pub fn parse_page(source: &SourceFile, settings: markdown::Settings<'_>) -> (Option<Page>, Vec<Diagnostic>) {
    let path = source.path.as_str();
    let mut diagnostics = Vec::new();
    // A translation (`step.fr.md`) stands where its source would: its place is the source's.
    let (untranslated, code) = crate::lang::split(path);
    let place = match place(&untranslated) {
        Ok(place) => place,
        Err(message) => {
            diagnostics.push(Diagnostic::error(path, Pos::START, Code::MisplacedPage, message));
            return (None, diagnostics);
        }
    };
    let slugs: &[&str] = match place {
        Place::Shared => return (None, diagnostics),
        Place::Home => &[],
        Place::Guide(g) => &[g],
        Place::Step(g, s) => &[g, s],
    };
    for slug in slugs {
        if let Some(message) = bad_slug(slug) {
            diagnostics.push(Diagnostic::error(path, Pos::START, Code::BadSlug, message));
        }
    }

    let text = source.text.as_str();
    let lines = LineIndex::new(text);
    let (entries, body_offset) = match front_matter::split(text) {
        Ok(split) => match &split.block {
            Some(block) => match front_matter::read(block, &lines) {
                Ok(entries) => (Some(entries), split.body_offset),
                Err(e) => {
                    diagnostics.push(Diagnostic::error(path, lines.pos(e.offset), Code::FrontMatterSyntax, e.message));
                    (None, split.body_offset)
                }
            },
            None => {
                let message = "this page has no front matter: start it with a `+++` line, `title = \"...\"`, and another `+++` line";
                diagnostics.push(Diagnostic::error(path, Pos::START, Code::MissingFrontMatter, message));
                (None, 0)
            }
        },
        Err(e) => {
            diagnostics.push(Diagnostic::error(path, lines.pos(e.offset), Code::FrontMatterSyntax, e.message));
            (None, 0)
        }
    };
    // When the block could not be read, its mistakes are already reported: check
    // nothing more about the front matter, but still render the body.
    let read_ok = entries.is_some();
    let entries = entries.unwrap_or_default();
    if code.is_none() {
        diagnostics.extend(not_a_translation(path, &entries));
    }
    let lang = code.map(|code| PageLang {
        code: code.to_string(),
        source: untranslated.clone(),
        keys: entries.iter().map(|e| (e.key.clone(), e.key_pos)).collect(),
    });
    let (kind, meta_diags) = match place {
        Place::Shared => unreachable!("snippets return before their front matter is read"),
        Place::Home => {
            let (meta, d) = meta::home(path, Pos::START, entries);
            (PageKind::Home(meta), d)
        }
        Place::Guide(g) => {
            let (meta, d) = meta::guide(path, Pos::START, entries);
            (PageKind::Guide { slug: g.to_string(), meta }, d)
        }
        Place::Step(g, s) => {
            let ((meta, relations), d) = meta::step(path, Pos::START, entries);
            (PageKind::Step { guide: g.to_string(), slug: s.to_string(), meta, relations }, d)
        }
    };
    if read_ok {
        diagnostics.extend(meta_diags);
    }
    let (mut body, body_diags) = include::render(path, text, body_offset, &lines, settings);
    diagnostics.extend(body_diags);
    let title = match &kind {
        PageKind::Home(meta) => &meta.title,
        PageKind::Guide { meta, .. } => &meta.title,
        PageKind::Step { meta, .. } => &meta.title,
    };
    diagnostics.extend(title_heading::drop_repeated_title(path, title, &mut body, text, body_offset, &lines));
    (Some(Page { source: source.path.clone(), kind, body: body.into(), lang }), diagnostics)
}

/// `translated_from` in a file that is not a translation: an error at the key. Most
/// likely a translation whose name lost its code (`restart-fr.md`), which would be
/// published as a page of the default language; else a key left over that means
/// nothing here.
fn not_a_translation(path: &str, entries: &[front_matter::Entry]) -> Option<Diagnostic> {
    let key = entries.iter().find(|e| e.key == crate::lang::stale::KEY)?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    // `restart-fr.md` was most likely meant to be `restart.fr.md`.
    let named = match stem.rsplit_once(['-', '_']) {
        Some((base, code)) if !base.is_empty() && code.len() <= 3 && crate::lang::is_code(code) => {
            format!("`{base}.{code}.md` for `{base}.md` in `{code}`")
        }
        _ => format!("`{stem}.<code>.md`"),
    };
    let message = format!(
        "`{}` belongs in a translation, and this file is not one: its name has no language code before `.md`, \
         so it is a page of the default language. If it is a translation, name it after its source and language, \
         as in {named}; else remove this key",
        key.key
    );
    Some(Diagnostic::error(path, key.key_pos, Code::NotATranslation, message))
}

fn place(path: &str) -> Result<Place<'_>, String> {
    if path.starts_with(include::SHARED) {
        return Ok(Place::Shared);
    }
    let rest = path.strip_prefix("content/").unwrap_or(path);
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["_index.md"] => Ok(Place::Home),
        [guide, "_index.md"] => Ok(Place::Guide(guide)),
        [guide, file] => Ok(Place::Step(guide, file.strip_suffix(".md").unwrap_or(file))),
        [_] => Err("only `_index.md` (the home page) may stand directly in content/; put steps in a guide folder, content/<guide>/<step>.md".into()),
        _ => Err("pages may be at most one folder deep: content/<guide>/<step>.md".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Risk;

    fn page(path: &str, text: &str) -> (Option<Page>, Vec<String>) {
        let (p, d) = parse_page(&SourceFile { path: path.into(), text: text.into() }, Default::default());
        (p, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_step_in_yaml() {
        let (p, d) = page("content/g/reset.md", "---\ntitle: Reset\nrisk: destructive\n---\nBody\n");
        assert!(d.is_empty(), "{d:?}");
        let Some(Page { kind: PageKind::Step { guide, slug, meta, .. }, body, .. }) = p else { panic!() };
        assert_eq!((guide.as_str(), slug.as_str(), meta.risk.value), ("g", "reset", Risk::Destructive));
        assert_eq!(body.html, "<p>Body</p>\n");
    }

    #[test]
    fn places_and_slugs() {
        let (_, d) = page("content/Guide One/_index.md", "+++\ntitle = \"G\"\n+++\n");
        assert_eq!(d, vec!["content/Guide One/_index.md:1:1: error: `Guide One` is not a valid slug: file and folder names use lowercase a-z, 0-9 and '-' (rename it `guide-one`) [bad-slug]"]);
        let (p, d) = page("content/a/b/c.md", "");
        assert!(p.is_none());
        assert!(d[0].contains(Code::MisplacedPage.as_str()), "{d:?}");
    }

    #[test]
    fn translated_from_outside_a_translation_is_an_error_at_the_key() {
        let (p, d) = page("content/g/reset-fr.md", "---\ntitle: Réinitialiser\n  \ntranslated_from: abc\n---\nCorps\n");
        assert!(p.is_some(), "the page is still parsed");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with("content/g/reset-fr.md:4:1: error: `translated_from` belongs in a translation"),
            "{d:?}"
        );
        assert!(d[0].contains("as in `reset.fr.md` for `reset.md` in `fr`; else remove"), "{d:?}");
        assert!(d[0].ends_with("[not-a-translation]"), "{d:?}");
        let (_, d) = page("content/_index.md", "+++\ntitle = \"H\"\n  translated_from = \"abc\"\n+++\n");
        assert!(d[0].starts_with("content/_index.md:3:3: error:"), "{d:?}");
        assert!(d[0].contains("as in `_index.<code>.md`; else remove"), "{d:?}");
        // In a translation it is the key it is meant to be.
        let (_, d) = page("content/g/reset.fr.md", "+++\ntitle = \"R\"\ntranslated_from = \"abc\"\n+++\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn syntax_errors_are_reported_in_file_lines() {
        let (_, d) = page("content/g/s.md", "+++\ntitle = \"A\"\nrisk = \n+++\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("content/g/s.md:3:"), "{d:?}");
        let (_, d) = page("content/g/s.md", "No front matter\n");
        assert!(d[0].contains(Code::MissingFrontMatter.as_str()));
    }
}
