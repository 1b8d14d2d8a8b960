//! Checks every internal link and image of every page: the file must exist (and be
//! part of this build), and an `#anchor` must be an id on the target page.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::{closest, Code, Diagnostic};
use crate::model::{CopyFile, LinkTarget, Rendered, Site};

pub fn check(site: &Site, assets: &[CopyFile], drafts: &[String]) -> Vec<Diagnostic> {
    check_some(site, assets, drafts, &|_| true)
}

/// Like [`check`], for the links of the pages `which` selects (by source path) only.
pub fn check_some(
    site: &Site,
    assets: &[CopyFile],
    drafts: &[String],
    which: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut pages: HashMap<&str, &Rendered> = HashMap::new();
    pages.insert(&site.home.source, &site.home.body);
    for guide in &site.guides {
        pages.insert(&guide.source, &guide.body);
        for step in &guide.steps {
            pages.insert(&step.source, &step.body);
        }
    }
    let assets: BTreeSet<&str> = assets.iter().map(|a| a.source.as_str()).collect();

    let mut diagnostics = Vec::new();
    let mut sources: Vec<&&str> = pages.keys().filter(|s| which(s)).collect();
    sources.sort();
    for &&source in &sources {
        let body = pages[source];
        for link in &body.links {
            let problem = match &link.target {
                LinkTarget::Anchor(anchor) => missing_anchor(body, anchor, "this page"),
                LinkTarget::External(_) => None,
                LinkTarget::Page { source: target, anchor } => match pages.get(target.as_str()) {
                    Some(target_body) => anchor.as_deref().and_then(|a| missing_anchor(target_body, a, target)),
                    None if drafts.contains(target) => Some((
                        Code::DraftLink,
                        format!("links to `{}`, a draft that this build leaves out (build with --drafts, or remove the link)", link.written),
                    )),
                    None => {
                        let mut message = format!("links to `{}`, but {target} does not exist", link.written);
                        if let Some(close) = closest(target, pages.keys().copied()) {
                            message.push_str(&format!("; did you mean {close}?"));
                        }
                        Some((Code::BrokenLink, message))
                    }
                },
                LinkTarget::Asset { source: target } => {
                    if assets.contains(target.as_str()) {
                        None
                    } else if pages.contains_key(target.as_str()) {
                        // An image pointing at a page, or similar: the file exists.
                        None
                    } else {
                        Some((Code::MissingFile, format!("refers to `{}`, but {target} does not exist", link.written)))
                    }
                }
            };
            if let Some((code, message)) = problem {
                diagnostics.push(Diagnostic::error(source, link.pos, code, message));
            }
        }
    }
    diagnostics
}

/// Every `http(s)://` link: (page source, place, URL), in page order; a step's
/// `sources` after its body's links.
pub fn external_links(site: &Site) -> Vec<(String, crate::diagnostics::Pos, String)> {
    fn body_links(out: &mut Vec<(String, crate::diagnostics::Pos, String)>, source: &str, body: &Rendered) {
        for link in &body.links {
            if let LinkTarget::External(url) = &link.target {
                out.push((source.to_string(), link.pos, url.clone()));
            }
        }
    }
    let mut out = Vec::new();
    body_links(&mut out, &site.home.source, &site.home.body);
    for guide in &site.guides {
        body_links(&mut out, &guide.source, &guide.body);
        for step in &guide.steps {
            body_links(&mut out, &step.source, &step.body);
            let sources = step.meta.sources.iter().map(|s| (step.source.clone(), s.url.pos, s.url.value.clone()));
            out.extend(sources);
        }
    }
    out
}

/// The source paths of the files beside the pages that some page links to or shows.
pub fn used_assets(site: &Site) -> BTreeSet<String> {
    let bodies = std::iter::once(&site.home.body)
        .chain(site.guides.iter().flat_map(|g| std::iter::once(&g.body).chain(g.steps.iter().map(|s| &s.body))));
    bodies
        .flat_map(|b| &b.links)
        .filter_map(|l| match &l.target {
            LinkTarget::Asset { source } => Some(source.clone()),
            _ => None,
        })
        .collect()
}

fn missing_anchor(body: &Rendered, anchor: &str, page: &str) -> Option<(Code, String)> {
    if body.anchors.iter().any(|a| a == anchor) {
        return None;
    }
    let mut message = format!("links to `#{anchor}`, but {page} has no heading with that id");
    match closest(anchor, body.anchors.iter().map(String::as_str)) {
        Some(close) => message.push_str(&format!("; did you mean `#{close}`?")),
        None if !body.anchors.is_empty() => message.push_str(&format!(" (its ids: {})", body.anchors.join(", "))),
        None => {}
    }
    Some((Code::BrokenAnchor, message))
}
