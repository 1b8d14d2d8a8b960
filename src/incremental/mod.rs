//! Incremental builds, for `serve`: the same pipeline as [`crate::build::run`], with
//! what did not change kept in memory between runs. Two paths:
//!
//! **Quick** (the usual save: a page's text changed, but not its front matter nor its
//! heading ids, so nothing about the site's shape moved): only that file is read and
//! parsed; the last site is patched with the new body; only that page's links are
//! checked again (no target moved); only that page is rendered. The files made from
//! the whole site (`steps.json`, ...) read front matter only and are kept.
//!
//! **Full**, for anything else (front matter, files added, deleted or renamed, new
//! heading ids, settings, templates, static files):
//! - `load` walks the folders again (so added, deleted and renamed files are seen)
//!   but re-reads only the Markdown files that changed;
//! - `parse` (Markdown and highlighting, the expensive stage) runs only for files
//!   whose text changed: parsed pages are kept by path with a hash of their text;
//! - `resolve` runs over every page (ordering and link checks are cheap);
//! - `render` re-renders a page only when the fingerprint of its inputs changed.
//!   The fingerprint of a job is the settings and templates plus what
//!   [`render::Job::fingerprint`] (beside `render_job`) says the page reads.
//!
//! The stages are the ones `build` names (`build::parse_page`, `build::structure`,
//! `build::check_links`, `render::render_job`, `render::finish`); the page list is
//! `render::jobs`. The test `serve::incremental_matches_a_full_build_after_each_edit`
//! compares both paths with a full build, file by file.
//!
//! The result is the whole site in memory, byte for byte what `build` would write.
//! In a site in several languages the quick path patches every language's site that
//! shows the changed file (a translation, or a source no language translates); a
//! source with a translation takes the full path, since its edit may make the
//! translation out of date. `quick.rs` holds the quick path, this file the full one.

mod files;
mod quick;

pub use files::{Body, Files, SearchIndex};

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{self, Options};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::lang::strings::Strings;
use crate::load;
use crate::model::{CopyFile, OutputFile, Page, Site, SourceFile};
use crate::render::pages::SourceHashes;
use crate::render::templates::Templates;
use crate::render::{self, Job};

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

/// What one run produced.
#[derive(Debug)]
pub struct Build {
    /// Output path -> file; `None` when there were errors.
    pub files: Option<Files>,
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// How many Markdown files were parsed, and pages rendered, in this run.
    pub parsed: usize,
    pub rendered: usize,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Whether the quick path (one page's text, same shape) was taken.
    pub quick: bool,
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
    /// The settings parse reads (`allow_raw_html`, `smart_punctuation`, `link_schemes`) at the last run.
    markdown: Option<(bool, bool, Vec<String>)>,
    /// The shared snippets (`content/_shared/`) as of the last run, and their hash
    /// (part of every page's parse key: a snippet edit parses every page again).
    snippets: (crate::parse::include::Snippets, u64),
    templates: Option<(u64, Templates)>,
    /// Output path -> fingerprint of its inputs and the page.
    rendered: HashMap<String, (u64, Arc<[u8]>)>,
    last: Option<Last>,
    /// Pages the quick path parsed before it gave way to the full one (for counts).
    parsed_early: usize,
    /// Whether the last run left the search index of the text before it.
    search_stale: bool,
    /// The search files the last full run made itself (not deferred), by language code.
    index: Option<BTreeMap<String, Vec<OutputFile>>>,
}

impl Incremental {
    pub fn new(options: Options) -> Incremental {
        Incremental {
            options,
            pages: HashMap::new(),
            others: Vec::new(),
            markdown: None,
            snippets: Default::default(),
            templates: None,
            rendered: HashMap::new(),
            last: None,
            parsed_early: 0,
            search_stale: false,
            index: None,
        }
    }

    /// After a quick run, or a full one that served the earlier index, the work of
    /// making the search index again from the new text; `None` when it is up to date. It takes seconds on a large site,
    /// so `serve` runs it on its own thread once the changed page is served.
    pub fn search_refresh(&mut self) -> Option<SearchRefresh> {
        if !std::mem::take(&mut self.search_stale) {
            return None;
        }
        let last = self.last.as_ref()?;
        Some(SearchRefresh { sites: last.sites.iter().map(|s| (s.site.clone(), s.config.search.clone())).collect() })
    }

    /// Whether the last run left the search index of the text before it (then
    /// [`Incremental::search_refresh`] has work); cheap, unlike that, which copies the site.
    pub fn search_is_stale(&self) -> bool {
        self.search_stale && self.last.is_some()
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
        if let Changes::Paths(paths) = changes {
            if let Some(build) = self.quick(paths) {
                return build;
            }
        }
        self.full(changes)
    }

    /// The whole pipeline, with the parse and render caches.
    fn full(&mut self, changes: &Changes) -> Build {
        self.last = None;
        self.search_stale = false;
        let site_dir = self.options.site_dir.clone();
        let mut diags = Vec::new();
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let (config, config_diags) = crate::build::read_config(&site_dir);
        diags.extend(config_diags);
        // What does not depend on the text of a page (for `quick`).
        let mut fixed = diags.clone();

        // Everything is re-read when asked, or when a setting parse reads changed.
        let markdown = Some((config.allow_raw_html, config.smart_punctuation, config.link_schemes.clone()));
        // A snippet may be in any page: its change reads every page again.
        let shared = crate::parse::include::SHARED.trim_end_matches('/');
        let snippet_changed = match changes {
            Changes::Paths(set) => set.iter().any(|p| p.starts_with(shared) || p == "content"),
            Changes::Everything => true,
        };
        let everything = *changes == Changes::Everything || self.markdown != markdown || snippet_changed;
        self.markdown = markdown;
        let dirty = |path: &str| match changes {
            _ if everything => true,
            Changes::Everything => true,
            Changes::Paths(set) => set.contains(path) || path.match_indices('/').any(|(i, _)| set.contains(&path[..i])),
        };
        let pages = &self.pages;
        let known = |path: &str| !dirty(path) && pages.contains_key(path);
        let (sources, md_paths, load_diags) = load::load_with(&site_dir, &config, &known);
        fixed.extend(load_diags.iter().cloned());
        diags.extend(load_diags);
        lap("load");

        if everything {
            let snippets = crate::parse::snippets(&sources.pages);
            let key = hash(&snippets);
            self.snippets = (snippets, key);
        }
        let (snippets, snippets_key) = (&self.snippets.0, self.snippets.1);

        // Parse what is new or changed.
        let todo: Vec<(u64, &SourceFile)> = sources
            .pages
            .iter()
            .map(|s| {
                let key = (&s.text, config.allow_raw_html, config.smart_punctuation, &config.link_schemes[..]);
                (hash(&(key, snippets_key)), s)
            })
            .filter(|(key, s)| self.pages.get(&s.path).is_none_or(|p| p.text != *key))
            .collect();
        let parsed: Vec<(String, Parsed)> = todo
            .par_iter()
            .map(|(key, source)| {
                let (page, diagnostics) = build::parse_page(source, &config, snippets);
                let meta = page.as_ref().map_or(0, |p| hash(&format!("{:?}", p.kind)));
                (source.path.clone(), Parsed { text: *key, meta, page, diagnostics })
            })
            .collect();
        let parsed_count = parsed.len() + std::mem::take(&mut self.parsed_early);
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
        others.extend(sources.i18n.iter().map(|t| t.path.clone()));
        self.others = others;

        lap("parse");
        let mut pages = Vec::with_capacity(md_paths.len());
        let mut parse_diags = Vec::new();
        for entry in md_paths.iter().filter_map(|path| self.pages.get(path)) {
            parse_diags.extend(entry.diagnostics.iter().cloned());
            pages.extend(entry.page.clone());
        }
        diags.extend(parse_diags.iter().cloned());
        let outdated = outdated(&site_dir, &config, &sources, &md_paths);
        let build::Structure { site, languages, drafts, diagnostics: structure_diags } =
            build::structure(pages, &sources, &config, self.options.include_drafts, &outdated);
        fixed.extend(structure_diags.iter().cloned());
        diags.extend(structure_diags);
        let (catalog, table_diags) = build::string_tables(&sources);
        fixed.extend(table_diags.iter().cloned());
        diags.extend(table_diags);
        // Each language's link diagnostics apart, the default's first (for `quick`).
        let mut link_diags =
            vec![site.as_ref().map_or(Vec::new(), |site| build::check_links(site, &sources.assets, &drafts))];
        for language in &languages {
            link_diags.push(crate::resolve::translate::check_links(language, &sources.assets, &drafts));
        }
        diags.extend(link_diags.iter().flatten().cloned());
        lap("resolve");

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
                let mut sites = vec![site];
                sites.extend(languages);
                // With an index from an earlier build, the pages are served first with
                // it, and the index is made again after them (`search_refresh`), as after
                // a quick rebuild: on a large site it takes longer than the pages. Every
                // language's index, or none (a language added since has none).
                let mut earlier = self.index.clone().filter(|earlier| {
                    config.search.enabled && sites.iter().all(|s| earlier.contains_key(&s.language.code))
                });
                let deferred = earlier.is_some();
                let mut made_now = BTreeMap::new();
                let mut map = HashMap::new();
                let mut all_paths = HashSet::new();
                let mut finished = true;
                let global = hash(&(format!("{config:?}"), templates_key, self.options.include_drafts));
                // Each site's, which the quick path renders with.
                let mut globals = Vec::with_capacity(sites.len());
                for site in &sites {
                    let config = &config.for_language(&site.language.code);
                    let strings = &catalog.strings(&site.language.code);
                    let prefix = &site.language.prefix;
                    let global = hash(&(global, prefix, strings));
                    globals.push(global);
                    let jobs = render::jobs(site, config);
                    let paths: Vec<String> = jobs.iter().map(|j| format!("{prefix}{}", j.path)).collect();
                    let keys: Vec<u64> = jobs.iter().map(|j| job_key(&self.pages, site, global, &j.job)).collect();
                    let todo: Vec<usize> = (0..jobs.len())
                        .filter(|&i| self.rendered.get(&paths[i]).is_none_or(|(key, _)| *key != keys[i]))
                        .collect();
                    let (results, search): (Vec<(usize, Result<String, Diagnostic>)>, _) = rayon::join(
                        || {
                            todo.par_iter()
                                .map(|&i| (i, render::render_job(site, config, templates, strings, &jobs[i])))
                                .collect()
                        },
                        || match earlier.as_mut().and_then(|e| e.remove(&site.language.code)) {
                            Some(files) => (files, Vec::new()),
                            None => crate::search::index_files(site, &config.search),
                        },
                    );
                    if !deferred {
                        made_now.insert(site.language.code.clone(), search.0.clone());
                    }
                    rendered_count += results.len();
                    for (i, result) in results {
                        match result {
                            Ok(html) => {
                                self.rendered.insert(paths[i].clone(), (keys[i], Arc::from(html.into_bytes())));
                            }
                            Err(d) => {
                                self.rendered.remove(&paths[i]);
                                diags.push(d);
                            }
                        }
                    }
                    let (index, diagnostics) = search;
                    let index_paths = index.iter().map(|f| f.path.clone()).collect();
                    let made = render::under_folder(site, index);
                    let search = render::SearchPaths { paths: index_paths, diagnostics };
                    let (output, finish_diags) = render::finish(site, config, &jobs, made, search);
                    if prefix.is_empty() {
                        // One sitemap for every language, from the default's pages.
                        if let Some(sitemap) = render::sitemap(&sites, config, &jobs) {
                            map.insert(sitemap.path, Body::Bytes(Arc::from(sitemap.contents)));
                        }
                    }
                    diags.extend(finish_diags);
                    match output {
                        Some(output) => {
                            for path in &paths {
                                if let Some((_, bytes)) = self.rendered.get(path) {
                                    map.insert(path.clone(), Body::Bytes(bytes.clone()));
                                }
                            }
                            for file in output.files {
                                map.insert(file.path, Body::Bytes(Arc::from(file.contents)));
                            }
                            for copy in output.copies {
                                map.insert(copy.path, Body::Disk(copy.disk));
                            }
                        }
                        None => finished = false,
                    }
                    all_paths.extend(paths);
                }
                if !deferred {
                    self.index = Some(made_now);
                }
                if self.rendered.len() > all_paths.len() {
                    self.rendered.retain(|path, _| all_paths.contains(path));
                }
                lap("render");
                files = finished.then(|| Files { base: Arc::new(map), changed: HashMap::new(), gone: HashSet::new() });
                lap("finish");
                if let Some(files) = files.as_ref().filter(|_| !diagnostics::has_errors(&diags)) {
                    let assets = sources.assets.clone();
                    let files = files.clone();
                    let sites = sites
                        .into_iter()
                        .zip(globals)
                        .zip(link_diags)
                        .map(|((site, global), link_diags)| LastSite {
                            config: config.for_language(&site.language.code),
                            strings: catalog.strings(&site.language.code),
                            site,
                            global,
                            link_diags,
                        })
                        .collect();
                    let last = Last { sites, drafts, assets, fixed, parse_diags, files, config };
                    self.last = Some(last);
                    self.search_stale = deferred;
                }
            }
        }
        diagnostics::sort(&mut diags);
        if diagnostics::has_errors(&diags) {
            files = None;
        }
        Build { files, diagnostics: diags, parsed: parsed_count, rendered: rendered_count, timings, quick: false }
    }
}

/// Making the search index of a site again, in every language (see
/// [`Incremental::search_refresh`]).
pub struct SearchRefresh {
    sites: Vec<(Site, crate::config::SearchConfig)>,
}

impl SearchRefresh {
    /// Every language's index files, each under its language's folder.
    pub fn run(self) -> Vec<OutputFile> {
        self.sites
            .iter()
            .flat_map(|(site, config)| render::under_folder(site, crate::search::index_files(site, config).0))
            .collect()
    }
}

/// The last good run, for [`Incremental::quick`].
struct Last {
    /// The default language's site first, then the others in site.toml's order.
    sites: Vec<LastSite>,
    drafts: Vec<String>,
    assets: Vec<CopyFile>,
    /// Diagnostics of the settings, of `load` and of the site's shape.
    fixed: Vec<Diagnostic>,
    parse_diags: Vec<Diagnostic>,
    files: Files,
    /// The settings as read (those of the default language).
    config: Config,
}

/// One language's site as the last good run left it.
struct LastSite {
    site: Site,
    /// The settings in its language (`Config::for_language`).
    config: Config,
    /// The theme's words in its language.
    strings: Strings,
    /// The fingerprint of the settings, templates and words.
    global: u64,
    /// The diagnostics of its links.
    link_diags: Vec<Diagnostic>,
}

/// The translations that may be out of date (`build::stale_translations`): it needs
/// the text of every translation and its source, which `load` read only when they
/// changed, so the others are read again here (a site without translations reads none).
fn outdated(
    site_dir: &Path,
    config: &Config,
    sources: &crate::model::Sources,
    md_paths: &[String],
) -> BTreeSet<String> {
    let translations: Vec<&String> = md_paths.iter().filter(|p| crate::lang::split(p).1.is_some()).collect();
    if translations.is_empty() {
        return BTreeSet::new();
    }
    let wanted: BTreeSet<String> = translations.iter().flat_map(|t| [t.to_string(), crate::lang::split(t).0]).collect();
    let limit = config.max_file_size_kb * 1024;
    let read: HashMap<&str, &SourceFile> = sources.pages.iter().map(|p| (p.path.as_str(), p)).collect();
    let texts: Vec<SourceFile> = wanted
        .into_iter()
        .filter_map(|path| match read.get(path.as_str()) {
            Some(file) => Some((*file).clone()),
            None => load::read_text(&site_dir.join(&path), &path, limit).ok().map(|text| SourceFile { path, text }),
        })
        .collect();
    crate::lang::stale::check(&texts, &sources.history).paths
}

fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of everything [`render::render_job`] reads for `job`: the settings
/// and templates (`global`) and what [`Job::fingerprint`] lists.
fn job_key(pages: &HashMap<String, Parsed>, site: &Site, global: u64, job: &Job<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    global.hash(&mut h);
    job.fingerprint(site, pages, &mut h);
    h.finish()
}

impl SourceHashes for HashMap<String, Parsed> {
    fn text(&self, source: &str) -> u64 {
        self.get(source).map_or(0, |p| p.text)
    }

    fn meta(&self, source: &str) -> u64 {
        self.get(source).map_or(0, |p| p.meta)
    }
}
