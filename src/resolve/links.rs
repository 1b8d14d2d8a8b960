//! Checks every internal link and image of every page: the file must exist (and be
//! part of this build), and an `#anchor` must be an id on the target page.
//!
//! A missing file gets a did-you-mean: a typo in the file name is looked for among
//! the files of the same folder, a typo in the folder among the folders; so a first
//! migration pass with a thousand broken links on a large site stays fast.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{closest, Code, Diagnostic};
use crate::model::{CopyFile, LinkTarget, Rendered, Site};

pub fn check(site: &Site, assets: &[CopyFile], drafts: &[String]) -> Vec<Diagnostic> {
    check_some(site, assets, drafts, &|_| true)
}

/// Like [`check`], for the links of the pages `which` selects (by source path) only.
pub fn check_some<'s>(
    site: &'s Site,
    assets: &[CopyFile],
    drafts: &[String],
    which: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    // By the source path a link names: a translation (`s.fr.md`) under its source's
    // (`s.md`), since links in translations name the sources' files.
    let mut pages: HashMap<String, (&str, &Rendered)> = HashMap::new();
    let mut add = |file: &'s str, body: &'s Rendered| {
        pages.insert(crate::lang::split(file).0, (file, body));
    };
    add(&site.home.source, &site.home.body);
    for guide in &site.guides {
        add(&guide.source, &guide.body);
        for step in &guide.steps {
            add(&step.source, &step.body);
        }
    }
    let assets: BTreeSet<&str> = assets.iter().map(|a| a.source.as_str()).collect();
    let page_names = Suggestions::new(pages.keys().map(String::as_str));
    let file_names = Suggestions::new(pages.keys().map(String::as_str).chain(assets.iter().copied()));

    let mut diagnostics = Vec::new();
    let mut sources: Vec<(&str, &Rendered)> = pages.values().filter(|(file, _)| which(file)).copied().collect();
    sources.sort_by_key(|(file, _)| *file);
    for &(source, body) in &sources {
        for link in &body.links {
            let problem = match &link.target {
                LinkTarget::Anchor(anchor) => missing_anchor(body, anchor, "this page"),
                LinkTarget::External(_) => None,
                LinkTarget::Page { source: target, anchor } => match pages.get(target.as_str()) {
                    Some((target_file, target_body)) => {
                        anchor.as_deref().and_then(|a| missing_anchor(target_body, a, target_file))
                    }
                    None if drafts.contains(target) => Some((
                        Code::DraftLink,
                        format!("links to `{}`, a draft that this build leaves out (build with --drafts, or remove the link)", link.written),
                    )),
                    None if crate::lang::split(target).1.is_some() => Some((
                        Code::BrokenLink,
                        format!(
                            "links to `{}`, a translation: links name the source's file (`{}`), and land on the page in the reader's language",
                            link.written,
                            crate::lang::split(target).0
                        ),
                    )),
                    None => {
                        let mut message = format!("links to `{}`, but {target} does not exist", link.written);
                        if let Some(close) = page_names.closest(target) {
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
                        let mut message = format!("refers to `{}`, but {target} does not exist", link.written);
                        let page = format!("{target}.md");
                        if pages.contains_key(page.as_str()) {
                            // `[x](other)` for the page `other.md`.
                            let cut = link.written.find(['#', '?']).unwrap_or(link.written.len());
                            let written = format!("{}.md{}", &link.written[..cut], &link.written[cut..]);
                            message.push_str(&format!("; did you mean `{written}`, the page {page}?"));
                        } else if let Some(close) = file_names.closest(target) {
                            message.push_str(&format!("; did you mean {close}?"));
                        }
                        Some((Code::MissingFile, message))
                    }
                }
            };
            if let Some((code, message)) = problem {
                diagnostics.push(Diagnostic::error(link.in_file.as_deref().unwrap_or(source), link.pos, code, message));
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
                out.push((link.in_file.as_deref().unwrap_or(source).to_string(), link.pos, url.clone()));
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

/// Paths by folder, for suggestions.
struct Suggestions<'p> {
    by_folder: BTreeMap<&'p str, Vec<&'p str>>,
}

impl<'p> Suggestions<'p> {
    fn new(paths: impl Iterator<Item = &'p str>) -> Self {
        let mut by_folder: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for path in paths {
            let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
            by_folder.entry(folder).or_default().push(name);
        }
        for names in by_folder.values_mut() {
            names.sort_unstable();
        }
        Suggestions { by_folder }
    }

    /// The path closest to `missing`: a typo in its file name (same folder), else in
    /// its folder (then the closest name there).
    fn closest(&self, missing: &str) -> Option<String> {
        let (folder, name) = missing.rsplit_once('/').unwrap_or(("", missing));
        let in_folder = |folder: &str| {
            let names = self.by_folder.get(folder)?;
            names.binary_search(&name).ok().map(|i| names[i]).or_else(|| closest(name, names.iter().copied()))
        };
        if let Some(close) = in_folder(folder) {
            return Some(format!("{folder}/{close}"));
        }
        let other = closest(folder, self.by_folder.keys().copied().filter(|f| *f != folder))?;
        in_folder(other).map(|close| format!("{other}/{close}"))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_look_in_the_folder_then_among_folders() {
        let s = Suggestions::new(
            ["content/_index.md", "content/wi-fi/_index.md", "content/wi-fi/reset.md", "content/mail/reset.md"]
                .into_iter(),
        );
        assert_eq!(s.closest("content/wi-fi/rest.md").as_deref(), Some("content/wi-fi/reset.md"));
        assert_eq!(s.closest("content/wifi/reset.md").as_deref(), Some("content/wi-fi/reset.md"));
        assert_eq!(s.closest("content/wifi/_index.md").as_deref(), Some("content/wi-fi/_index.md"));
        assert_eq!(s.closest("content/printer/reset.md"), None);
        assert_eq!(s.closest("content/wi-fi/erase-everything.md"), None);
    }

    #[test]
    fn a_thousand_broken_links_in_six_thousand_pages_stay_cheap() {
        // Before, each suggestion measured the whole path against every page: this
        // took minutes. Now each looks at one folder's files and the folder names.
        let paths: Vec<String> = (0..300)
            .flat_map(|g| (0..20).map(move |s| format!("content/g{g:05}-guide/s{s:03}-a-step-title.md")))
            .collect();
        let s = Suggestions::new(paths.iter().map(String::as_str));
        let started = std::time::Instant::now();
        for i in 0..1000 {
            let missing = format!("content/g{:05}-guide/x{:03}-a-step-title.md", i % 300, i % 20);
            assert!(s.closest(&missing).is_some(), "{missing}");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    }
}
