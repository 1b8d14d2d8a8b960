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
pub mod translate;

use std::collections::BTreeMap;

use crate::diagnostics::closest;
use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{
    Branch, BranchSpec, BranchTarget, CopyFile, Guide, Home, Page, PageKind, Site, Sources, Step, StepMeta,
    StepRelations,
};

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
    /// The default language (`translate::default_language`).
    pub language: crate::model::SiteLanguage,
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
        debug_assert!(page.lang.is_none(), "translations go to `translate`, not here: {}", page.source);
        match page.kind {
            PageKind::Home(meta) => {
                let updated = inputs.sources.last_commit.get(&page.source).cloned();
                home =
                    Some(Home { source: page.source, meta, body: page.body, updated, translation: Default::default() });
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
        let mut branch_specs: Vec<Vec<BranchSpec>> = guide_steps.iter().map(|s| s.relations.branches.clone()).collect();
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
                    branches: Vec::new(),
                    translation: Default::default(),
                }
            })
            .collect();
        let updated = inputs.sources.last_commit.get(&source).cloned();
        let help_anchor = body.anchors.iter().any(|a| a == HELP_ANCHOR).then(|| HELP_ANCHOR.to_string());
        let mut ordered_steps = ordered_steps;
        // `branches`, like `after`, name steps by slug: resolved here, in step order.
        let specs: Vec<Vec<BranchSpec>> = ordered.order.iter().map(|&i| std::mem::take(&mut branch_specs[i])).collect();
        for (n, specs) in specs.into_iter().enumerate() {
            let (branches, diags) =
                resolve_branches(&ordered_steps, &ordered_steps[n].source, specs, help_anchor.is_some(), &draft_slugs);
            diagnostics.extend(diags);
            ordered_steps[n].branches = branches;
        }
        let (intro_html, help_html) = split_help(&body.html);
        site_guides.push(Guide {
            slug,
            source,
            meta,
            body,
            updated,
            steps: ordered_steps,
            help_anchor,
            intro_html,
            help_html,
            translation: Default::default(),
        });
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
    let mut site = Site {
        language: inputs.language,
        home,
        guides: site_guides,
        copies,
        embedded_static: inputs.sources.theme.embedded_static.clone(),
    };
    // Files beside the pages are copied only when a page links to them or shows
    // them: a stray `.html` (or anything else) in content/ never reaches the output
    // unless someone chose to link it (`remedy check` warns about the others).
    let used = links::used_assets(&site);
    site.copies.extend(inputs.sources.assets.iter().filter(|a| used.contains(a.source.as_str())).cloned());
    (Some(site), diagnostics, drafts)
}

/// A step's `branches` with their targets checked and resolved: a step of the guide
/// by slug, or `#still-not-fixed`, the guide's help section. An unknown target is an
/// error at the place it is written (like an unknown step in `after`).
fn resolve_branches(
    steps: &[Step],
    source: &str,
    specs: Vec<BranchSpec>,
    has_help: bool,
    drafts: &[&str],
) -> (Vec<Branch>, Vec<Diagnostic>) {
    let mut branches = Vec::new();
    let mut diagnostics = Vec::new();
    let help = format!("#{HELP_ANCHOR}");
    for spec in specs {
        let target = &spec.go_to.value;
        let found = if *target == help {
            has_help.then_some(BranchTarget::Help)
        } else {
            steps.iter().position(|s| s.slug == *target).map(BranchTarget::Step)
        };
        match found {
            Some(target) => branches.push(Branch { when: spec.when, target }),
            None => {
                let message = if *target == help {
                    format!("`go_to` names `{help}`, but the guide's _index.md has no \"## Still not fixed?\" section")
                } else if drafts.contains(&target.as_str()) {
                    format!("`go_to` names `{target}`, a draft that this build leaves out")
                } else {
                    let mut m = format!(
                        "`go_to` names `{target}`, which is not a step of this guide (nor `{help}`, the help section)"
                    );
                    if let Some(close) = closest(target, steps.iter().map(|s| s.slug.as_str())) {
                        m.push_str(&format!("; did you mean `{close}`?"));
                    }
                    m
                };
                diagnostics.push(Diagnostic::error(source, spec.go_to.pos, Code::UnknownStep, message));
            }
        }
    }
    (branches, diagnostics)
}

/// Splits a guide's body HTML at its help section: the heading with id
/// [`HELP_ANCHOR`] and everything up to the next heading of the same or a higher
/// level. Returns the rest (the introduction) and the help section, which the guide
/// page shows after the last step.
pub fn split_help(html: &str) -> (String, Option<String>) {
    let Some(start) = (1..=6).find_map(|l| html.find(&format!("<h{l} id=\"{HELP_ANCHOR}\""))) else {
        return (html.to_string(), None);
    };
    let level = html.as_bytes()[start + 2];
    let after = start + 4;
    let end = html[after..]
        .match_indices("<h")
        .find(|(i, _)| {
            let b = html.as_bytes().get(after + i + 2).copied().unwrap_or(0);
            (b'1'..=level).contains(&b) && html.as_bytes().get(after + i + 3) == Some(&b' ')
        })
        .map_or(html.len(), |(i, _)| after + i);
    let intro = format!("{}{}", &html[..start], &html[end..]);
    (intro, Some(html[start..end].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_section_is_split_from_the_body() {
        let html = "<p>a</p>\n<h2 id=\"still-not-fixed\">Still</h2>\n<p>ask</p>\n<h3 id=\"x\">x</h3>\n<h2 id=\"later\">L</h2>\n";
        let (intro, help) = split_help(html);
        assert_eq!(intro, "<p>a</p>\n<h2 id=\"later\">L</h2>\n");
        assert_eq!(help.unwrap(), "<h2 id=\"still-not-fixed\">Still</h2>\n<p>ask</p>\n<h3 id=\"x\">x</h3>\n");
        assert_eq!(split_help("<p>a</p>"), ("<p>a</p>".to_string(), None));
    }
}
