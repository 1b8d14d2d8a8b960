//! The quick path of an incremental build (see the module above): some pages' text
//! changed, but not their front matter nor their headings' ids, so the last site is
//! patched with the new bodies and only those pages are rendered again.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::{hash, job_key, Body, Build, Incremental, LastSite, Parsed};
use crate::build;
use crate::diagnostics::{self, Diagnostic};
use crate::git::History;
use crate::load;
use crate::model::{LinkTarget, Rendered, SourceFile, Translation};
use crate::render;
use crate::resolve::links;

impl Incremental {
    /// The common case, fast: some pages' text changed, but not their front matter
    /// nor their headings' ids, so the site's shape (order, lists, links' targets,
    /// `steps.json`) is the same. Patches the last site with the new bodies, checks
    /// links again and re-renders only those pages. `None` (nothing changed in the
    /// output) means: run the whole pipeline.
    pub(super) fn quick(&mut self, paths: &BTreeSet<String>) -> Option<Build> {
        let start = Instant::now();
        let mut last = self.last.take()?;
        let allow = last.config.allow_raw_html;
        let smart = last.config.smart_punctuation;
        let schemes = last.config.link_schemes.clone();
        let mut changed = Vec::new();
        for path in paths {
            // Only Markdown files that the last build read, changed in place.
            let disk = self.options.site_dir.join(path);
            let plain = disk.symlink_metadata().is_ok_and(|m| m.file_type().is_file());
            if !(path.starts_with("content/") && path.ends_with(".md") && self.pages.contains_key(path) && plain) {
                return None;
            }
            // A source's edit may make its translations out of date (another notice
            // on their pages): the whole pipeline decides.
            if last.sites.len() > 1 && self.is_translated(path) {
                return None;
            }
            let text = load::read_text(&disk, path, last.config.max_file_size_kb * 1024).ok()?;
            let key = hash(&((&text, allow, smart, &schemes[..]), self.snippets.1));
            let old = &self.pages[path];
            if old.text == key {
                continue;
            }
            let source = SourceFile { path: path.clone(), text };
            let (page, diagnostics) = build::parse_page(&source, &last.config, &self.snippets.0);
            let meta = page.as_ref().map_or(0, |p| hash(&format!("{:?}", p.kind)));
            // Heading ids (link targets) and linked files (which are copied) unchanged.
            let same_anchors = match (&page, &old.page) {
                (Some(new), Some(old)) => {
                    new.body.anchors == old.body.anchors && asset_links(&new.body) == asset_links(&old.body)
                }
                _ => false,
            };
            let same_shape = meta == old.meta && same_anchors;
            // Kept either way: the whole pipeline reuses it.
            self.pages.insert(path.clone(), Parsed { text: key, meta, page, diagnostics });
            self.parsed_early += 1;
            if !same_shape {
                return None;
            }
            changed.push(path);
        }

        // A translation's edit may bring it up to date (in git, a change not committed
        // yet is the newest) or, through `translated_from`, make it out of date: when
        // its page's notice would change, the whole pipeline decides.
        if changed.iter().any(|p| crate::lang::split(p).1.is_some()) {
            let history = crate::git::history(&self.options.site_dir);
            let limit = last.config.max_file_size_kb * 1024;
            let site_dir = &self.options.site_dir;
            if !changed.iter().all(|p| stale_as_shown(&last.sites, site_dir, limit, p, &history)) {
                return None;
            }
        }

        let mut timings = vec![("read+parse", start.elapsed())];
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let is_changed = |path: &str| changed.iter().any(|c| *c == path);
        // Parse diagnostics are at the page's path; links' at the linking page's.
        last.parse_diags.retain(|d| !is_changed(&d.path));
        for path in &changed {
            last.parse_diags.extend(self.pages[*path].diagnostics.iter().cloned());
        }
        // Every language's site that shows a changed file: its translation, or the
        // source itself where a language has no translation of it.
        for path in &changed {
            let body = self.pages[*path].page.as_ref().map(|p| p.body.clone())?;
            for last_site in &mut last.sites {
                let site = &mut last_site.site;
                if site.home.source == **path {
                    site.home.body = body.clone();
                } else if let Some(guide) = site.guides.iter_mut().find(|g| g.source == **path) {
                    (guide.intro_html, guide.help_html) = crate::resolve::split_help(&body.html);
                    guide.body = body.clone();
                } else if let Some(step) =
                    site.guides.iter_mut().flat_map(|g| &mut g.steps).find(|s| s.source == **path)
                {
                    step.body = body.clone();
                }
                // Otherwise a draft, or another language's page.
            }
        }
        let shows_changed = |site: &crate::model::Site| {
            is_changed(&site.home.source)
                || site.guides.iter().any(|g| is_changed(&g.source) || g.steps.iter().any(|s| is_changed(&s.source)))
        };
        for (i, last_site) in last.sites.iter_mut().enumerate() {
            if i == 0 {
                // Only the changed pages' own links can have changed: no target moved.
                last_site.link_diags.retain(|d| !is_changed(&d.path));
                let found = links::check_some(&last_site.site, &last.assets, &last.drafts, &is_changed);
                last_site.link_diags.extend(found);
            } else if shows_changed(&last_site.site) {
                // Another language's links are checked page by page against its own.
                last_site.link_diags =
                    crate::resolve::translate::check_links(&last_site.site, &last.assets, &last.drafts);
            }
        }
        lap("links");

        let mut diags: Vec<Diagnostic> = last.fixed.iter().chain(&last.parse_diags).cloned().collect();
        diags.extend(last.sites.iter().flat_map(|s| &s.link_diags).cloned());
        let mut rendered = 0;
        let (_, templates) = self.templates.as_ref()?;
        // The pages made from the changed files (and a guide's print page, which
        // holds the text of all its steps), in every language.
        let reads_changed = |j: &render::PageJob<'_>| {
            is_changed(&j.source)
                || matches!(j.job, render::Job::Print(g) if g.steps.iter().any(|s| is_changed(&s.source)))
        };
        for LastSite { site, config, strings, global, .. } in &last.sites {
            let prefix = &site.language.prefix;
            let jobs: Vec<_> = render::jobs(site, config).into_iter().filter(reads_changed).collect();
            for job in &jobs {
                let path = format!("{prefix}{}", job.path);
                let key = job_key(&self.pages, site, *global, &job.job);
                if self.rendered.get(&path).is_some_and(|(k, _)| *k == key) {
                    continue;
                }
                rendered += 1;
                match render::render_job(site, config, templates, strings, job) {
                    Ok(html) => {
                        let bytes: Arc<[u8]> = Arc::from(html.into_bytes());
                        last.files.changed.insert(path.clone(), Body::Bytes(bytes.clone()));
                        self.rendered.insert(path, (key, bytes));
                    }
                    Err(d) => {
                        self.rendered.remove(&path);
                        diags.push(d);
                    }
                }
            }
        }
        lap("render");
        // The search index is made from every page's text, which takes seconds on a
        // large site: it is made again by `refresh_search`, after the page is served.
        self.search_stale = true;
        diagnostics::sort(&mut diags);
        let files = if diagnostics::has_errors(&diags) {
            None
        } else {
            let files = last.files.clone();
            self.last = Some(last);
            Some(files)
        };
        let parsed = std::mem::take(&mut self.parsed_early);
        Some(Build { files, diagnostics: diags, parsed, rendered, timings, quick: true })
    }
}

impl Incremental {
    /// Whether a language has a translation of the source `path`.
    fn is_translated(&self, path: &str) -> bool {
        self.pages.keys().any(|p| matches!(crate::lang::split(p), (source, Some(_)) if source == path))
    }
}

/// Whether the translation at `path` is out of date exactly when the last site's page
/// says so (`true` for a path that is not a translation, or not shown).
fn stale_as_shown(sites: &[LastSite], site_dir: &Path, limit: u64, path: &str, history: &History) -> bool {
    let (source, Some(code)) = crate::lang::split(path) else { return true };
    let Some(site) = sites.iter().map(|s| &s.site).find(|s| s.language.code == code) else { return true };
    let guides = site.guides.iter();
    let shown = std::iter::once(&site.home.translation)
        .filter(|_| site.home.source == path)
        .chain(guides.clone().filter(|g| g.source == path).map(|g| &g.translation))
        .chain(guides.flat_map(|g| &g.steps).filter(|s| s.source == path).map(|s| &s.translation))
        .next();
    let Some(shown) = shown else { return true }; // a draft: not on the site
    let read =
        |p: &str| load::read_text(&site_dir.join(p), p, limit).ok().map(|text| SourceFile { path: p.into(), text });
    let (Some(translation), Some(source)) = (read(path), read(&source)) else { return false };
    let stale = crate::lang::stale::check(&[translation, source], history).paths.contains(path);
    stale == (*shown == Translation::Outdated)
}

/// The files beside the pages that a body links to or shows.
fn asset_links(body: &Rendered) -> BTreeSet<&str> {
    body.links
        .iter()
        .filter_map(|l| match &l.target {
            LinkTarget::Asset { source } => Some(source.as_str()),
            _ => None,
        })
        .collect()
}
