//! The quick path of an incremental build (see the module above): some pages' text
//! changed, but not their front matter nor their headings' ids, so the last site is
//! patched with the new bodies and only those pages are rendered again.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use super::{hash, job_key, Body, Build, Incremental, Parsed};
use crate::build;
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::model::{LinkTarget, Rendered, SourceFile};
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
        for path in &changed {
            let body = self.pages[*path].page.as_ref().map(|p| p.body.clone())?;
            let site = &mut last.site;
            if site.home.source == **path {
                site.home.body = body;
            } else if let Some(guide) = site.guides.iter_mut().find(|g| g.source == **path) {
                (guide.intro_html, guide.help_html) = crate::resolve::split_help(&body.html);
                guide.body = body;
            } else if let Some(step) = site.guides.iter_mut().flat_map(|g| &mut g.steps).find(|s| s.source == **path) {
                step.body = body;
            }
            // Otherwise a draft, not part of the site.
        }
        // Only the changed pages' own links can have changed: no target moved.
        last.link_diags.retain(|d| !is_changed(&d.path));
        last.link_diags.extend(links::check_some(&last.site, &last.assets, &last.drafts, &is_changed));
        lap("links");

        let mut diags: Vec<Diagnostic> =
            last.fixed.iter().chain(&last.parse_diags).chain(&last.link_diags).cloned().collect();
        let mut rendered = 0;
        let (_, templates) = self.templates.as_ref()?;
        // The pages made from the changed files.
        let site = &last.site;
        // (and a guide's print page, which holds the text of all its steps).
        let reads_changed = |j: &render::PageJob<'_>| {
            is_changed(&j.source)
                || matches!(j.job, render::Job::Print(g) if g.steps.iter().any(|s| is_changed(&s.source)))
        };
        let jobs: Vec<_> = render::jobs(site, &last.config).into_iter().filter(reads_changed).collect();
        for job in &jobs {
            let key = job_key(&self.pages, site, last.global, &job.job);
            if self.rendered.get(&job.path).is_some_and(|(k, _)| *k == key) {
                continue;
            }
            rendered += 1;
            match render::render_job(site, &last.config, templates, &last.strings, job) {
                Ok(html) => {
                    let bytes: Arc<[u8]> = Arc::from(html.into_bytes());
                    last.files.changed.insert(job.path.clone(), Body::Bytes(bytes.clone()));
                    self.rendered.insert(job.path.clone(), (key, bytes));
                }
                Err(d) => {
                    self.rendered.remove(&job.path);
                    diags.push(d);
                }
            }
        }
        drop(jobs);
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
