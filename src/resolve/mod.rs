//! Stage 3, pure: parsed pages become the checked [`Site`].
//!
//! 1. sort pages into the home page, guides and their steps (drafts left out
//!    unless asked for);
//! 2. order each guide's steps (`order`), turn `after` into step indices and give
//!    each step its guide's `applies_to` when it has none;
//! 3. check every internal link and anchor (`links`).
//!
//! The `Site` it returns is finished: nothing after resolve looks a slug up or
//! inherits a field.

pub mod links;
pub mod lints;
pub mod order;

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{CopyFile, Guide, Home, Page, PageKind, Site, Sources, Step, StepMeta, StepRelations};

/// The id of the heading that marks a guide's "what to do when no step worked"
/// section ("Still not fixed?"): each step's "No" answer leads there.
pub const HELP_ANCHOR: &str = "still-not-fixed";

/// A step before ordering: what parse gave, with its place.
struct Unordered {
    slug: String,
    source: String,
    meta: StepMeta,
    relations: StepRelations,
    body: std::sync::Arc<crate::model::Rendered>,
    updated: Option<String>,
}

/// What `resolve` needs besides the pages.
pub struct Inputs<'a> {
    pub pages: Vec<Page>,
    pub sources: &'a Sources,
    pub include_drafts: bool,
}

/// Builds the site model. Returns it even when there are errors (callers decide
/// from the diagnostics), except when there is no home page to build on.
pub fn resolve(inputs: Inputs<'_>) -> (Option<Site>, Vec<Diagnostic>) {
    let sources = inputs.sources;
    let (site, mut diagnostics, drafts) = structure(inputs);
    if let Some(site) = &site {
        diagnostics.extend(links::check(site, &sources.assets, &drafts));
    }
    (site, diagnostics)
}

/// Steps 1 and 2 of [`resolve`], without the link checks: the site, its
/// diagnostics, and the drafts left out (which links must not point at). `serve`
/// uses it to check links again after a change that moved nothing.
pub fn structure(inputs: Inputs<'_>) -> (Option<Site>, Vec<Diagnostic>, Vec<String>) {
    let mut diagnostics = Vec::new();
    let mut home = None;
    let mut guides: BTreeMap<String, (String, crate::model::GuideMeta, std::sync::Arc<crate::model::Rendered>)> =
        BTreeMap::new();
    let mut steps: BTreeMap<String, Vec<Unordered>> = BTreeMap::new();
    let mut drafts: Vec<String> = Vec::new();

    for page in inputs.pages {
        match page.kind {
            PageKind::Home(meta) => {
                let updated = inputs.sources.last_commit.get(&page.source).cloned();
                home = Some(Home { source: page.source, meta, body: page.body, updated });
            }
            PageKind::Guide { slug, meta } => {
                if meta.draft && !inputs.include_drafts {
                    drafts.push(page.source);
                } else {
                    guides.insert(slug, (page.source, meta, page.body));
                }
            }
            PageKind::Step { guide, slug, meta, relations } => {
                if meta.draft && !inputs.include_drafts {
                    drafts.push(page.source);
                } else {
                    let updated =
                        meta.updated.clone().or_else(|| inputs.sources.last_commit.get(&page.source).cloned());
                    let step = Unordered { slug, source: page.source, meta, relations, body: page.body, updated };
                    steps.entry(guide).or_default().push(step);
                }
            }
        }
    }

    let mut site_guides = Vec::new();
    for (guide_slug, guide_steps) in &mut steps {
        if !guides.contains_key(guide_slug) {
            let draft_guide = format!("content/{guide_slug}/_index.md");
            if drafts.contains(&draft_guide) {
                // The whole guide is a draft: its steps go with it.
                drafts.extend(guide_steps.drain(..).map(|s| s.source));
                continue;
            }
            for step in guide_steps.drain(..) {
                let message =
                    format!("this step's guide has no page: add content/{guide_slug}/_index.md with the guide's title");
                diagnostics.push(Diagnostic::error(&step.source, Pos::START, Code::MissingGuide, message));
            }
        }
    }

    for (slug, (source, meta, body)) in guides {
        let guide_steps = steps.remove(&slug).unwrap_or_default();
        let infos: Vec<order::StepInfo> = guide_steps
            .iter()
            .map(|s| order::StepInfo { slug: &s.slug, source: &s.source, meta: &s.meta, after: &s.relations.after })
            .collect();
        let prefix = format!("content/{slug}/");
        let draft_slugs: Vec<&str> =
            drafts.iter().filter_map(|d| d.strip_prefix(&prefix)?.strip_suffix(".md")).collect();
        let (ordered, order_diags) = order::order(&infos, &draft_slugs);
        diagnostics.extend(order_diags);
        // Input index -> place in step order.
        let mut place = vec![0; guide_steps.len()];
        for (n, &i) in ordered.order.iter().enumerate() {
            place[i] = n;
        }
        let mut slots: Vec<Option<Unordered>> = guide_steps.into_iter().map(Some).collect();
        let ordered_steps: Vec<Step> = ordered
            .order
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let s = slots[i].take().expect("each step is placed once");
                Step {
                    slug: s.slug,
                    number: n + 1,
                    source: s.source,
                    meta: s.meta,
                    body: s.body,
                    updated: s.updated,
                    after: ordered.after[i].iter().map(|&b| place[b]).collect(),
                    applies_to: s.relations.applies_to.unwrap_or_else(|| meta.applies_to.clone()),
                }
            })
            .collect();
        let updated = inputs.sources.last_commit.get(&source).cloned();
        let help_anchor = body.anchors.iter().any(|a| a == HELP_ANCHOR).then(|| HELP_ANCHOR.to_string());
        site_guides.push(Guide { slug, source, meta, body, updated, steps: ordered_steps, help_anchor });
    }
    // Guides with an `order` first, lowest first; then by title.
    let key = |g: &Guide| {
        (g.meta.order.is_none(), g.meta.order.as_ref().map(|o| o.value), g.meta.title.clone(), g.slug.clone())
    };
    site_guides.sort_by_cached_key(key);

    let Some(home) = home else {
        let message =
            "content/_index.md is missing: it is the home page (front matter with a title, then an introduction)";
        diagnostics.push(Diagnostic::error("content/_index.md", Pos::START, Code::MissingHome, message));
        return (None, diagnostics, drafts);
    };

    let mut copies: Vec<CopyFile> = Vec::new();
    copies.extend(inputs.sources.theme.static_files.iter().cloned());
    copies.extend(inputs.sources.static_files.iter().cloned());
    let mut site =
        Site { home, guides: site_guides, copies, embedded_static: inputs.sources.theme.embedded_static.clone() };
    // Files beside the pages are copied only when a page links to them or shows
    // them: a stray `.html` (or anything else) in content/ never reaches the output
    // unless someone chose to link it (`remedy check` warns about the others).
    let used = links::used_assets(&site);
    site.copies.extend(inputs.sources.assets.iter().filter(|a| used.contains(a.source.as_str())).cloned());
    (Some(site), diagnostics, drafts)
}
