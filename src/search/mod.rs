//! Full-text search with no server: `build::render` calls [`index_files`] (while the
//! pages render) to write the index under `search/`; the theme's `search.js` reads it
//! in the browser.
//!
//! One index is made per language: [`language`] says how a language's text is cut
//! (stemmer, stop words, elisions); [`tokenize`] cuts text into terms; [`synonyms`]
//! adds the words a reader may type instead; [`index`] writes the files (see there
//! for their format). Pure, like the rest of `render`.

pub mod encoding;
pub mod index;
pub mod language;
pub mod synonyms;
pub mod tokenize;

use crate::config::{SearchConfig, CONFIG_FILE};
use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{Guide, GuideKind, OutputFile, Rendered, Site};
use crate::render::pages::{guide_path, step_path, HOME_PATH};
use index::{Layout, PageDoc, SectionDoc, BOOST_BODY, BOOST_ERROR, BOOST_SUMMARY, BOOST_SYMPTOM, BOOST_TITLE};
use language::Language;
use synonyms::Synonyms;

/// Every file of the search index of `site`, in the site's language (its code, such
/// as `fr` or `pt-BR`, picks the stemmer and stop words, see [`language`]), and a
/// warning when they exceed the budget (each language's index has its own). Paths
/// start with `search/`; `render::under_folder` puts another language's under its
/// folder (`fr/search/...`).
pub fn index_files(site: &Site, config: &SearchConfig) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    if !config.enabled {
        return (Vec::new(), Vec::new());
    }
    let language = Language::of(&site.language.code);
    let synonyms = Synonyms::new(&language, &config.synonyms);
    let files = index::write(&pages(site), Layout::default(), &synonyms, &language);
    let total: usize = files.iter().map(|f| f.contents.len()).sum();
    let mut diagnostics = Vec::new();
    if total as u64 > config.budget_kb * 1024 {
        let mut message = format!(
            "the search index is {} KiB, over the budget of {} KiB set by `[search] budget_kb`",
            total.div_ceil(1024),
            config.budget_kb
        );
        let prefix = &site.language.prefix;
        if !prefix.is_empty() {
            message.push_str(&format!(" ({prefix}search/, the `{}` pages' index)", site.language.code));
        }
        diagnostics.push(Diagnostic::warning(CONFIG_FILE, Pos::START, Code::SearchBudget, message));
    }
    (files, diagnostics)
}

/// Whether `path` is one of the files [`index_files`] writes (`search/index.js`,
/// `search/s-N.js`, `search/p-N.js`, `search/v-HEX.js`, `search/d-N.js`), at the
/// output's root or in a language's folder (`fr/search/index.js`, `pt-BR/search/...`).
pub fn is_index_file(path: &str) -> bool {
    let path = match path.split_once('/') {
        Some((code, rest)) if rest.starts_with("search/") && crate::lang::is_code(code) => rest,
        _ => path,
    };
    let Some(name) = path.strip_prefix("search/").and_then(|n| n.strip_suffix(".js")) else {
        return false;
    };
    let numbered = |prefix: &str, digits: fn(&char) -> bool| {
        name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.chars().all(|c| digits(&c)))
    };
    name == "index"
        || numbered("s-", char::is_ascii_digit)
        || numbered("d-", char::is_ascii_digit)
        || numbered("p-", char::is_ascii_digit)
        || numbered("v-", char::is_ascii_hexdigit)
}

/// The pages search covers, in output order: home, then each guide and its steps.
pub fn pages(site: &Site) -> Vec<PageDoc> {
    let home = &site.home;
    let mut meta = vec![(BOOST_TITLE, home.meta.title.clone())];
    meta.extend(home.meta.description.clone().map(|d| (BOOST_SUMMARY, d)));
    let mut out = vec![PageDoc {
        url: HOME_PATH.into(),
        title: home.meta.title.clone(),
        meta_text: home.meta.description.clone().unwrap_or_default(),
        meta,
        sections: sections(&home.body),
        ..PageDoc::default()
    }];
    for guide in &site.guides {
        out.push(guide_doc(guide));
        let reference = guide.meta.kind == GuideKind::Reference;
        for step in &guide.steps {
            let m = &step.meta;
            let mut meta = vec![(BOOST_TITLE, m.title.clone())];
            meta.extend(m.summary.clone().map(|s| (BOOST_SUMMARY, s)));
            meta.extend(m.tags.iter().map(|t| (BOOST_SUMMARY, t.clone())));
            meta.extend(m.side_effects.iter().map(|t| (BOOST_SUMMARY, t.clone())));
            meta.extend(m.prerequisites.iter().map(|t| (BOOST_BODY, t.clone())));
            let meta_text = m.summary.iter().chain(&m.side_effects).cloned().collect::<Vec<_>>().join(" · ");
            out.push(PageDoc {
                url: step_path(&guide.slug, &step.slug),
                title: m.title.clone(),
                guide: guide.meta.title.clone(),
                // A reference article has no step number or risk to show.
                step: if reference { 0 } else { step.number },
                risk: if reference { "" } else { m.risk.value.as_str() },
                meta_text,
                meta,
                sections: sections(&step.body),
                ..PageDoc::default()
            });
        }
    }
    out
}

fn guide_doc(guide: &Guide) -> PageDoc {
    let m = &guide.meta;
    let mut meta = vec![(BOOST_TITLE, m.title.clone())];
    meta.extend(m.error_messages.iter().map(|e| (BOOST_ERROR, e.clone())));
    meta.extend(m.symptoms.iter().map(|s| (BOOST_SYMPTOM, s.clone())));
    meta.extend(m.summary.clone().map(|s| (BOOST_SUMMARY, s)));
    meta.extend(m.tags.iter().map(|t| (BOOST_SUMMARY, t.clone())));
    let meta_text =
        m.summary.iter().chain(&m.error_messages).chain(&m.symptoms).cloned().collect::<Vec<_>>().join(" · ");
    PageDoc {
        url: guide_path(&guide.slug),
        title: m.title.clone(),
        guide: m.title.clone(),
        meta,
        meta_text,
        exact: m.error_messages.clone(),
        sections: sections(&guide.body),
        ..PageDoc::default()
    }
}

fn sections(body: &Rendered) -> Vec<SectionDoc> {
    body.sections
        .iter()
        .map(|s| SectionDoc {
            heading: s.heading.as_ref().map(|h| h.title.clone()),
            anchor: s.heading.as_ref().map(|h| h.id.clone()),
            text: s.text.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_files_are_told_apart_from_pages_and_assets() {
        for path in [
            "search/index.js",
            "search/s-0.js",
            "search/s-12.js",
            "search/v-6f.js",
            "search/d-3.js",
            "search/p-0.js",
            "fr/search/index.js",
            "pt-BR/search/s-3.js",
        ] {
            assert!(is_index_file(path), "{path}");
        }
        for path in [
            "search/index.html",
            "search/s-1.html",
            "search/s-.js",
            "search/x.js",
            "g/search/s-0.js",
            "s-0.js",
            "fr/search/x.js",
            "fr/fr/search/s-0.js",
            "French/search/s-0.js",
        ] {
            assert!(!is_index_file(path), "{path}");
        }
    }
}
