//! Incremental builds, for `serve`: the same pipeline as [`crate::build::run`], with
//! what did not change kept in memory between runs.
//!
//! - `load` re-reads only the Markdown files that changed (the caller says which
//!   paths changed; the folders are still walked, which is cheap, so added, deleted
//!   and renamed files are seen);
//! - `parse` (Markdown and highlighting, the expensive stage) runs only for files
//!   whose text changed: parsed pages are kept by path with a hash of their text;
//! - `resolve` runs over every page (ordering and link checks are cheap);
//! - `render` re-renders a page only when the fingerprint of its inputs changed.
//!   The fingerprint of a job hashes exactly what [`render::render_job`] reads for it
//!   (the settings, the templates, the page's own text and, for neighbours and lists,
//!   the front matter of the pages it lists). When `render_job` starts reading
//!   something new, [`job_key`] must hash it too: the test
//!   `serve::incremental_matches_a_full_build_after_each_edit` compares the two.
//!
//! The result is the whole site in memory, byte for byte what `build` would write.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::Options;
use crate::config;
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::model::{Page, Site, SourceFile};
use crate::parse;
use crate::render::templates::Templates;
use crate::render::{self, Job};
use crate::resolve;

/// What changed since the last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Anything may have changed: re-read every file (parsed pages are still reused
    /// when their text is the same).
    Everything,
    /// These paths (relative to the site folder, `/` separators) changed; a folder
    /// stands for everything under it.
    Paths(BTreeSet<String>),
}

/// A file of the built site, in memory or (for copies) on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Arc<[u8]>),
    Disk(PathBuf),
}

/// What one run produced.
#[derive(Debug)]
pub struct Build {
    /// Output path -> file; `None` when there were errors.
    pub files: Option<HashMap<String, Body>>,
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// How many Markdown files were parsed, and pages rendered, in this run.
    pub parsed: usize,
    pub rendered: usize,
}

/// A Markdown file as parse left it.
struct Parsed {
    /// Hash of the text (and of the one setting parse reads).
    text: u64,
    /// Hash of the front matter as read (what lists of pages show).
    meta: u64,
    page: Option<Page>,
    diagnostics: Vec<Diagnostic>,
}

/// The state kept between runs.
pub struct Incremental {
    options: Options,
    pages: HashMap<String, Parsed>,
    /// Inputs other than Markdown (assets, static files, templates), by site path.
    others: Vec<String>,
    allow_raw_html: Option<bool>,
    templates: Option<(u64, Templates)>,
    /// Output path -> fingerprint of its inputs and the page.
    rendered: HashMap<String, (u64, Arc<[u8]>)>,
}

impl Incremental {
    pub fn new(options: Options) -> Incremental {
        Incremental {
            options,
            pages: HashMap::new(),
            others: Vec::new(),
            allow_raw_html: None,
            templates: None,
            rendered: HashMap::new(),
        }
    }

    pub fn site_dir(&self) -> &Path {
        &self.options.site_dir
    }

    /// Whether the last run read `path` (a file or a folder holding files).
    pub fn knows(&self, path: &str) -> bool {
        if self.pages.contains_key(path) || self.others.iter().any(|o| o == path) {
            return true;
        }
        let folder = format!("{path}/");
        self.pages.keys().chain(&self.others).any(|p| p.starts_with(&folder))
    }

    /// Runs the pipeline, reusing what `changes` leaves untouched.
    pub fn run(&mut self, changes: &Changes) -> Build {
        let site_dir = self.options.site_dir.clone();
        let mut diags = Vec::new();
        let config_text = match load::read_config(&site_dir) {
            Ok(text) => text,
            Err(d) => {
                diags.push(d);
                Some(String::new())
            }
        };
        let (config, config_diags) = config::parse(config_text.as_deref());
        diags.extend(config_diags);

        // Everything is re-read when asked, or when the one setting parse reads changed.
        let everything = *changes == Changes::Everything || self.allow_raw_html != Some(config.allow_raw_html);
        self.allow_raw_html = Some(config.allow_raw_html);
        let dirty = |path: &str| match changes {
            _ if everything => true,
            Changes::Everything => true,
            Changes::Paths(set) => set.contains(path) || path.match_indices('/').any(|(i, _)| set.contains(&path[..i])),
        };
        let pages = &self.pages;
        let known = |path: &str| !dirty(path) && pages.contains_key(path);
        let (sources, md_paths, load_diags) = load::load_with(&site_dir, &config.theme, &known);
        diags.extend(load_diags);

        // Parse what is new or changed.
        let allow = config.allow_raw_html;
        let todo: Vec<(u64, &SourceFile)> = sources
            .pages
            .iter()
            .map(|s| (hash(&(&s.text, allow)), s))
            .filter(|(key, s)| self.pages.get(&s.path).is_none_or(|p| p.text != *key))
            .collect();
        let parsed: Vec<(String, Parsed)> = todo
            .par_iter()
            .map(|(key, source)| {
                let (page, diagnostics) = parse::parse_page(source, allow);
                let meta = page.as_ref().map_or(0, |p| hash(&format!("{:?}", p.kind)));
                (source.path.clone(), Parsed { text: *key, meta, page, diagnostics })
            })
            .collect();
        let parsed_count = parsed.len();
        self.pages.extend(parsed);
        // A changed file that could not be read (its error is reported) has no page.
        let read: HashSet<&str> = sources.pages.iter().map(|s| s.path.as_str()).collect();
        let unreadable: Vec<&String> = md_paths.iter().filter(|p| dirty(p) && !read.contains(p.as_str())).collect();
        for path in &unreadable {
            self.pages.remove(*path);
        }
        if self.pages.len() != md_paths.len() || !unreadable.is_empty() {
            // Every readable listed path is in the map (kept or just parsed): drop the others.
            let listed: HashSet<&str> = md_paths.iter().map(String::as_str).collect();
            self.pages.retain(|path, _| listed.contains(path.as_str()));
        }
        let mut others: Vec<String> = Vec::new();
        others.extend(sources.assets.iter().chain(&sources.static_files).map(|c| c.source.clone()));
        others.extend(sources.theme.static_files.iter().map(|c| c.source.clone()));
        others.extend(sources.theme.templates.iter().map(|t| t.path.clone()));
        self.others = others;

        let mut pages = Vec::with_capacity(md_paths.len());
        for entry in md_paths.iter().filter_map(|path| self.pages.get(path)) {
            diags.extend(entry.diagnostics.iter().cloned());
            pages.extend(entry.page.clone());
        }
        let inputs = resolve::Inputs { pages, sources: &sources, include_drafts: self.options.include_drafts };
        let (site, resolve_diags) = resolve::resolve(inputs);
        diags.extend(resolve_diags);

        let mut files = None;
        let mut rendered_count = 0;
        if let Some(site) = site.filter(|_| !sources.theme.templates.is_empty()) {
            let templates_key = hash(&sources.theme.templates.iter().map(|t| (&t.path, &t.text)).collect::<Vec<_>>());
            if self.templates.as_ref().is_none_or(|(key, _)| *key != templates_key) {
                self.templates = match Templates::new(&sources.theme.templates) {
                    Ok(t) => Some((templates_key, t)),
                    Err(d) => {
                        diags.extend(d);
                        None
                    }
                };
            }
            if let Some((_, templates)) = &self.templates {
                let global = hash(&(format!("{config:?}"), templates_key, self.options.include_drafts));
                let jobs = render::jobs(&site);
                let keys: Vec<u64> = jobs.iter().map(|j| job_key(&self.pages, &site, global, &j.job)).collect();
                let todo: Vec<usize> = (0..jobs.len())
                    .filter(|&i| self.rendered.get(&jobs[i].path).is_none_or(|(key, _)| *key != keys[i]))
                    .collect();
                let results: Vec<(usize, Result<String, Diagnostic>)> = todo
                    .par_iter()
                    .map(|&i| (i, render::render_job(&site, &config, templates, &jobs[i].job)))
                    .collect();
                rendered_count = results.len();
                for (i, result) in results {
                    match result {
                        Ok(html) => {
                            self.rendered.insert(jobs[i].path.clone(), (keys[i], Arc::from(html.into_bytes())));
                        }
                        Err(d) => {
                            self.rendered.remove(&jobs[i].path);
                            diags.push(d);
                        }
                    }
                }
                if self.rendered.len() > jobs.len() {
                    let paths: HashSet<&str> = jobs.iter().map(|j| j.path.as_str()).collect();
                    self.rendered.retain(|path, _| paths.contains(path.as_str()));
                }
                let (output, finish_diags) = render::finish(&site, &config, &jobs, Vec::new());
                diags.extend(finish_diags);
                files = output.map(|output| {
                    let mut map = HashMap::with_capacity(jobs.len() + output.files.len() + output.copies.len());
                    for job in &jobs {
                        if let Some((_, bytes)) = self.rendered.get(&job.path) {
                            map.insert(job.path.clone(), Body::Bytes(bytes.clone()));
                        }
                    }
                    for file in output.files {
                        map.insert(file.path, Body::Bytes(Arc::from(file.contents)));
                    }
                    for copy in output.copies {
                        map.insert(copy.path, Body::Disk(copy.disk));
                    }
                    map
                });
            }
        }
        diagnostics::sort(&mut diags);
        if diagnostics::has_errors(&diags) {
            files = None;
        }
        Build { files, diagnostics: diags, parsed: parsed_count, rendered: rendered_count }
    }
}

fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of everything [`render::render_job`] reads for `job`, besides the
/// settings and templates (`global`).
fn job_key(pages: &HashMap<String, Parsed>, site: &Site, global: u64, job: &Job<'_>) -> u64 {
    let text = |source: &str| pages.get(source).map_or(0, |p| p.text);
    let meta = |source: &str| pages.get(source).map_or(0, |p| p.meta);
    let mut h = DefaultHasher::new();
    global.hash(&mut h);
    match job {
        Job::Home => {
            (0u8, text(&site.home.source)).hash(&mut h);
            for guide in &site.guides {
                (&guide.slug, meta(&guide.source), guide.steps.len()).hash(&mut h);
            }
        }
        Job::Guide(guide) => {
            1u8.hash(&mut h);
            (&guide.slug, text(&guide.source)).hash(&mut h);
            for step in &guide.steps {
                (&step.slug, step.number, meta(&step.source)).hash(&mut h);
            }
        }
        Job::Step(guide, i) => {
            2u8.hash(&mut h);
            let has_last_resort = guide.body.anchors.iter().any(|a| a == "still-not-fixed");
            (&guide.slug, meta(&guide.source), has_last_resort, guide.steps.len()).hash(&mut h);
            let step = &guide.steps[*i];
            (&step.slug, step.number, text(&step.source)).hash(&mut h);
            let prev = i.checked_sub(1).map(|p| &guide.steps[p]);
            let after = step.meta.after.iter().filter_map(|a| guide.steps.iter().find(|s| s.slug == a.value));
            for other in prev.into_iter().chain(guide.steps.get(i + 1)).chain(after) {
                (&other.slug, other.number, meta(&other.source)).hash(&mut h);
            }
        }
        Job::Steps => {
            3u8.hash(&mut h);
            for guide in &site.guides {
                (&guide.slug, meta(&guide.source)).hash(&mut h);
                for step in &guide.steps {
                    (&step.slug, step.number, meta(&step.source)).hash(&mut h);
                }
            }
        }
        Job::NotFound => 4u8.hash(&mut h),
    }
    h.finish()
}
