//! The pipeline, end to end: `load -> parse -> resolve -> render`, then `write`
//! only when there was no error. Every stage runs even after another reported
//! errors (where it has something to work on), so one run lists every mistake.
//!
//! The stages are the named steps below ([`parse_all`], [`structure`],
//! [`check_links`], [`review`], [`render`]); [`process`] runs them in order. `serve`'s
//! incremental builds (`incremental`) call the same steps, with caches around the
//! expensive ones, and the fuzz target calls [`process_with`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::{self, Config};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::lang::strings::Catalog;
use crate::model::{CopyFile, Output, OutputFile, Page, Site, SourceFile, Sources};
use crate::progress::Progress;
use crate::render::templates::Templates;
use crate::render::{SearchPaths, Sink};
use crate::write::{self, WriteError, WriteStats};
use crate::{load, parse, resolve};
use rayon::prelude::*;

#[derive(Debug, Clone)]
pub struct Options {
    pub site_dir: PathBuf,
    pub include_drafts: bool,
}

/// What a run of the pipeline produced: the output when there were no errors,
/// and every diagnostic, sorted.
#[derive(Debug)]
pub struct Outcome {
    /// After [`build`], the pages and the search index are already written and not in
    /// it: only the files made from the whole site are.
    pub output: Option<Output>,
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
    /// How many HTML pages the output holds.
    pub pages: usize,
    /// Every `http(s)://` link: (page source, place, URL), for `check --external`.
    pub external_links: Vec<(String, diagnostics::Pos, String)>,
    /// After a successful [`build`]: how many files were written and how many kept.
    pub written: Option<WriteStats>,
}

/// Runs `load -> parse -> resolve -> render`. Writes nothing.
pub fn run(options: &Options) -> Outcome {
    run_with(options, false, &Some, &Progress::hidden())
}

/// Like [`run`], adding the review checks of `remedy check` (`resolve::lints`).
pub fn check(options: &Options) -> Outcome {
    run_with(options, true, &Some, &Progress::hidden())
}

/// Reads and checks `site.toml` (defaults, and a diagnostic, when it is missing or
/// unreadable).
pub fn read_config(site_dir: &Path) -> (Config, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let text = match load::read_config(site_dir) {
        Ok(text) => text,
        Err(d) => {
            diags.push(d);
            Some(String::new())
        }
    };
    let (config, config_diags) = config::parse(text.as_deref());
    diags.extend(config_diags);
    (config, diags)
}

/// The pipeline; rendered pages go to `sink` (see [`Sink`]).
fn run_with(options: &Options, lints: bool, sink: Sink<'_>, progress: &Progress) -> Outcome {
    progress.stage("loading", 0);
    run_loaded(load_site(&options.site_dir), options, lints, sink, progress)
}

/// Stage 1, load: `site.toml` and everything else the build reads.
fn load_site(site_dir: &Path) -> (Config, Sources, Vec<Diagnostic>) {
    let (config, mut diags) = read_config(site_dir);
    let (sources, load_diags) = load::load(site_dir, &config);
    diags.extend(load_diags);
    (config, sources, diags)
}

/// [`run_with`] on what [`load_site`] read.
fn run_loaded(
    (config, mut sources, mut diags): (Config, Sources, Vec<Diagnostic>),
    options: &Options,
    lints: bool,
    sink: Sink<'_>,
    progress: &Progress,
) -> Outcome {
    progress.stage("parsing", 0);
    let (pages, parse_diags) = parse_all(&sources.pages, &config);
    let stale = stale_translations(&sources);
    if lints {
        diags.extend(stale.diagnostics);
    }
    // Nothing past parse reads the Markdown text: free it before rendering.
    sources.pages = Vec::new();
    let templates = theme_templates(&sources);
    let stages = Later { sink, progress, outdated: &stale.paths };
    let mut outcome =
        after_parse(config, &sources, pages, parse_diags, options.include_drafts, lints, templates.as_ref(), stages);
    outcome.diagnostics.extend(diags);
    diagnostics::sort(&mut outcome.diagnostics);
    if diagnostics::has_errors(&outcome.diagnostics) {
        outcome.output = None;
    }
    outcome
}

/// The theme's templates, parsed (`None` when it has none: nothing is rendered).
fn theme_templates(sources: &Sources) -> Option<Result<Templates, Vec<Diagnostic>>> {
    (!sources.theme.templates.is_empty()).then(|| Templates::new(&sources.theme.templates))
}

/// The pure part of the pipeline, `parse -> resolve -> render`, on sources already
/// in memory. Tests drive it without any files.
pub fn process(config: Config, sources: &Sources, include_drafts: bool, lints: bool) -> Outcome {
    process_with(config, sources, include_drafts, lints, theme_templates(sources).as_ref())
}

/// [`process`] with the theme's templates already parsed (`None`: render nothing), for
/// callers that run the pipeline many times (the fuzzer).
pub fn process_with(
    config: Config,
    sources: &Sources,
    include_drafts: bool,
    lints: bool,
    templates: Option<&Result<Templates, Vec<Diagnostic>>>,
) -> Outcome {
    let (pages, parse_diags) = parse_all(&sources.pages, &config);
    let stale = stale_translations(sources);
    let stages = Later { sink: &Some, progress: &Progress::hidden(), outdated: &stale.paths };
    let mut outcome = after_parse(config, sources, pages, parse_diags, include_drafts, lints, templates, stages);
    if lints {
        outcome.diagnostics.extend(stale.diagnostics);
    }
    diagnostics::sort(&mut outcome.diagnostics);
    outcome
}

/// The translations whose sources changed after them (`lang::stale`): `remedy
/// check`'s `stale-translation` warnings and their paths. It reads the Markdown text,
/// so it runs before the text is freed.
pub fn stale_translations(sources: &Sources) -> crate::lang::stale::Stale {
    crate::lang::stale::check(&sources.pages, &sources.history)
}

/// Where the render stage hands its pages, and whom it tells how far it got.
struct Later<'a> {
    sink: Sink<'a>,
    progress: &'a Progress,
    /// The translations that may be out of date ([`stale_translations`]).
    outdated: &'a BTreeSet<String>,
}

/// `resolve -> render` on parsed pages (`diags`: parse's); see [`process_with`].
#[allow(clippy::too_many_arguments)]
fn after_parse(
    config: Config,
    sources: &Sources,
    pages: Vec<Page>,
    mut diags: Vec<Diagnostic>,
    include_drafts: bool,
    lints: bool,
    templates: Option<&Result<Templates, Vec<Diagnostic>>>,
    later: Later<'_>,
) -> Outcome {
    let structure = structure(pages, sources, &config, include_drafts, later.outdated);
    diags.extend(structure.diagnostics);
    let (catalog, table_diags) = string_tables(sources);
    diags.extend(table_diags);
    if lints {
        diags.extend(missing_strings(&catalog, &config));
    }

    let mut output = None;
    let mut external_links = Vec::new();
    let taken = AtomicUsize::new(0);
    if let Some(site) = structure.site {
        diags.extend(check_links(&site, &sources.assets, &structure.drafts));
        for language in &structure.languages {
            diags.extend(resolve::translate::check_links(language, &sources.assets, &structure.drafts));
        }
        let mut sites = vec![site];
        sites.extend(structure.languages);
        external_links = external(&sites);
        if lints {
            diags.extend(review(&sites, &sources.assets, &config));
        }
        match templates {
            Some(Ok(templates)) => {
                let total = sites.iter().map(|s| crate::render::jobs(s, &config).len()).sum();
                later.progress.stage("rendering pages", total);
                let counted = |file: OutputFile| {
                    let page = file.path.ends_with(".html");
                    let kept = (later.sink)(file);
                    if page {
                        if kept.is_none() {
                            taken.fetch_add(1, Ordering::Relaxed);
                        }
                        later.progress.add(1);
                    }
                    kept
                };
                let (out, render_diags) = render(&sites, &config, templates, &catalog, &counted);
                diags.extend(render_diags);
                output = out;
            }
            Some(Err(template_diags)) => diags.extend(template_diags.iter().cloned()),
            None => {}
        }
    }
    diagnostics::sort(&mut diags);
    if diagnostics::has_errors(&diags) {
        output = None;
    }
    let pages = output
        .as_ref()
        .map_or(0, |o| o.files.iter().filter(|f| f.path.ends_with(".html")).count() + taken.load(Ordering::Relaxed));
    Outcome { output, config, diagnostics: diags, pages, external_links, written: None }
}

/// Stage 2, parse: one Markdown source to a page (`None` when it is not a page).
/// `snippets`: the site's shared snippets (`parse::snippets`), which bodies may include.
pub fn parse_page(
    source: &SourceFile,
    config: &Config,
    snippets: &parse::include::Snippets,
) -> (Option<Page>, Vec<Diagnostic>) {
    let settings = parse::markdown::Settings { snippets: Some(snippets), ..parse::markdown::Settings::of(config) };
    parse::parse_page(source, settings)
}

/// Stage 2, parse: every Markdown source, in parallel, in input order.
pub fn parse_all(sources: &[SourceFile], config: &Config) -> (Vec<Page>, Vec<Diagnostic>) {
    parse::parse_all(sources, parse::markdown::Settings::of(config))
}

/// What the first half of resolve gives: the site (without link checks), the drafts
/// it left out (which links must not point at), and its diagnostics.
pub struct Structure {
    /// In the default language.
    pub site: Option<Site>,
    /// The same site in each other language of site.toml, in its order (empty
    /// without `[languages]`).
    pub languages: Vec<Site>,
    pub drafts: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Stage 3, resolve: pages into guides with ordered steps, in the default language
/// and then, from the translations among `pages`, in every other one.
/// `outdated`: the translations whose sources changed after them ([`stale_translations`]).
pub fn structure(
    pages: Vec<Page>,
    sources: &Sources,
    config: &Config,
    include_drafts: bool,
    outdated: &BTreeSet<String>,
) -> Structure {
    let (translations, pages): (Vec<Page>, Vec<Page>) = pages.into_iter().partition(|p| p.lang.is_some());
    let language = resolve::translate::default_language(config);
    let (site, mut diagnostics, drafts) =
        resolve::structure(resolve::Inputs { pages, sources, include_drafts, language });
    let mut languages = Vec::new();
    if let Some(site) = &site {
        let (sites, translate_diags) =
            resolve::translate::languages(site, translations, sources, config, &drafts, include_drafts, outdated);
        languages = sites;
        diagnostics.extend(translate_diags);
    }
    Structure { site, languages, drafts, diagnostics }
}

/// Stage 3, resolve: every internal link, image and anchor checked.
pub fn check_links(site: &Site, assets: &[CopyFile], drafts: &[String]) -> Vec<Diagnostic> {
    resolve::links::check(site, assets, drafts)
}

/// Every `http(s)://` link of every language's site (`sites`, the default first), for
/// `check --external`: each page once (a page with no translation is the default's).
fn external(sites: &[Site]) -> Vec<(String, diagnostics::Pos, String)> {
    let mut links = resolve::links::external_links(&sites[0]);
    for site in &sites[1..] {
        let translated = resolve::links::external_links(site).into_iter();
        links.extend(translated.filter(|(source, ..)| crate::lang::split(source).1.is_some()));
    }
    links
}

/// The review checks only `remedy check` runs, after resolve, on the default
/// language's site (`sites[0]`; a file only a translation shows is used too).
pub fn review(sites: &[Site], assets: &[CopyFile], config: &Config) -> Vec<Diagnostic> {
    let site = &sites[0];
    let shown: std::collections::BTreeSet<String> = sites[1..].iter().flat_map(resolve::links::used_assets).collect();
    let assets: Vec<CopyFile> = assets.iter().filter(|a| !shown.contains(&a.source)).cloned().collect();
    let mut diagnostics = resolve::lints::lint(site, &assets, config.require_sources);
    diagnostics.extend(resolve::lints::relative_404(config.base_url.is_some()));
    diagnostics
}

/// The theme's words (stage 2, like parse): the string tables built in, the site
/// theme's and the site's, read and checked. Errors in them fail every build.
pub fn string_tables(sources: &Sources) -> (Catalog, Vec<Diagnostic>) {
    Catalog::new(crate::theme::I18N, &sources.i18n)
}

/// The review check of the string tables (`remedy check`): each word of the theme that
/// a declared language lacks (`missing-string`).
pub fn missing_strings(catalog: &Catalog, config: &Config) -> Vec<Diagnostic> {
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    catalog.missing(&codes)
}

/// Stage 4, render: every output file (pages, search index, data) of every
/// language's site (`sites`, the default first, as [`structure`] gives them), each
/// with its language's words from `catalog` ([`string_tables`]), or the errors. Each
/// page goes to `sink` as it is rendered, and each search index file as soon as the
/// index is made (see [`Sink`]); the `Output` holds the files the sink hands back and
/// the files made from the whole site.
pub fn render(
    sites: &[Site],
    config: &Config,
    templates: &Templates,
    catalog: &Catalog,
    sink: Sink<'_>,
) -> (Option<Output>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut all = Output::default();
    for site in sites {
        let config = &config.for_language(&site.language.code);
        let strings = &catalog.strings(&site.language.code);
        let jobs = crate::render::jobs(site, config);
        // The search index needs the site, not the pages: make it while they render.
        let (rendered, (mut files, search)) = rayon::join(
            || crate::render::render_pages(site, config, templates, strings, &jobs, sink),
            || search_files(site, config, sink),
        );
        for result in rendered {
            match result {
                Ok(Some(file)) => files.push(file),
                Ok(None) => {}
                Err(d) => diagnostics.push(d),
            }
        }
        let (output, finish_diags) = crate::render::finish(site, config, &jobs, files, search);
        diagnostics.extend(finish_diags);
        if site.language.prefix.is_empty() {
            // One sitemap for every language, from the default's pages (the others have the same).
            all.files.extend(crate::render::sitemap(sites, config, &jobs));
        }
        if let Some(output) = output {
            all.files.extend(output.files);
            all.copies.extend(output.copies);
        }
    }
    if diagnostics::has_errors(&diagnostics) {
        return (None, diagnostics);
    }
    all.files.sort_by(|a, b| a.path.cmp(&b.path));
    all.copies.sort();
    (Some(all), diagnostics)
}

/// The search index of `site` (`search::index_files`), each file under the
/// language's folder handed to `sink` as soon as the index is made (a build writes
/// them while the pages still render: on a big site they are half the files). Gives
/// the files the sink handed back and, for `render::finish`, the index's paths.
fn search_files(site: &Site, config: &Config, sink: Sink<'_>) -> (Vec<OutputFile>, SearchPaths) {
    let (files, diagnostics) = crate::search::index_files(site, &config.search);
    let paths = files.iter().map(|f| f.path.clone()).collect();
    let kept = crate::render::under_folder(site, files).into_par_iter().filter_map(sink).collect();
    (kept, SearchPaths { paths, diagnostics })
}

/// Runs the pipeline and, when it produced no error, writes the output to `out_dir`
/// (`force`: even over a folder remedy did not make; see `write::check_out_dir`).
/// A write failure becomes a diagnostic too.
pub fn build(options: &Options, out_dir: &Path, force: bool) -> Outcome {
    build_with(options, out_dir, force, &Progress::hidden())
}

/// [`build`], reporting its stages to `progress`. Pages are written into the staging
/// folder as they are rendered ([`write::Staging`]), not held until the end; the
/// staging folder is swapped in only when the whole build succeeded. When the inputs
/// and the output are those of the previous build, nothing is done
/// ([`write::reuse`]).
pub fn build_with(options: &Options, out_dir: &Path, force: bool, progress: &Progress) -> Outcome {
    progress.stage("loading", 0);
    let loaded = load_site(&options.site_dir);
    let key = write::reuse::InputKey::of(&loaded.0, &loaded.1, options.include_drafts);
    let clean = loaded.2.is_empty();
    if let (true, Some(key), Ok(())) = (clean, key, write::check_out_dir(&options.site_dir, out_dir, force)) {
        if let Some(same) = write::reuse::unchanged(out_dir, key) {
            let written = Some(WriteStats { written: 0, reused: same.files });
            let (config, diagnostics, external_links) = (loaded.0, same.warnings, Vec::new());
            return Outcome {
                output: Some(Output::default()),
                config,
                diagnostics,
                pages: same.pages,
                external_links,
                written,
            };
        }
    }
    let staging = match write::Staging::begin(&options.site_dir, out_dir, force) {
        Ok(staging) => staging,
        Err(e) => {
            let mut outcome = run(options);
            write_failed(&mut outcome, e);
            return outcome;
        }
    };
    // The first failure by path, so that the message does not depend on threads.
    let failed: Mutex<Option<WriteError>> = Mutex::new(None);
    let sink = |file: OutputFile| {
        if let Err(e) = staging.file(&file.path, &file.contents) {
            let mut first = failed.lock().unwrap_or_else(|e| e.into_inner());
            if first.as_ref().is_none_or(|f| e.path < f.path) {
                *first = Some(e);
            }
        }
        None
    };
    // Load's warnings are about files it did not read, which the input key does not
    // cover: the record leaves them out (a build is only skipped when load gave none).
    let load_warnings = loaded.2.clone();
    let mut outcome = run_loaded(loaded, options, false, &sink, progress);
    let Some(output) = &outcome.output else {
        return outcome; // dropping `staging` removes it
    };
    if let (false, Some(key)) = (diagnostics::has_errors(&outcome.diagnostics), key) {
        let warnings = outcome.diagnostics.iter().filter(|d| !load_warnings.contains(d)).cloned().collect();
        staging.remember(key, outcome.pages, warnings);
    }
    progress.stage("writing", 0);
    let failed = failed.into_inner().unwrap_or_else(|e| e.into_inner());
    let result = match failed {
        Some(e) => Err(e),
        None => write::write_into(&staging, output).and_then(|()| staging.commit()),
    };
    match result {
        Ok(stats) => outcome.written = Some(stats),
        Err(e) => write_failed(&mut outcome, e),
    }
    outcome
}

fn write_failed(outcome: &mut Outcome, e: WriteError) {
    let path = e.path.display().to_string();
    outcome.diagnostics.push(Diagnostic::error(path, diagnostics::Pos::START, Code::WriteError, e.message));
    outcome.output = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A guide of two steps, in memory, with the built-in theme.
    fn sources() -> Sources {
        let page = |path: &str, text: &str| SourceFile { path: path.into(), text: text.into() };
        let mut sources = Sources { theme: crate::theme::embedded(), ..Sources::default() };
        sources.pages = vec![
            page("content/_index.md", "+++\ntitle = \"Help\"\n+++\n"),
            page("content/wifi/_index.md", "+++\ntitle = \"Wi-Fi drops\"\n+++\nIt drops.\n"),
            page("content/wifi/restart.md", "+++\ntitle = \"Restart the router\"\norder = 1\n+++\nUnplug it.\n"),
            page("content/wifi/forget.md", "+++\ntitle = \"Forget the network\"\norder = 2\n+++\nForget it.\n"),
        ];
        sources
    }

    #[test]
    fn pages_and_search_files_go_to_the_sink_and_only_the_rest_stays_in_the_output() {
        let options = Options { site_dir: PathBuf::from("."), include_drafts: false };
        let taken = Mutex::new(Vec::new());
        let sink = |file: OutputFile| {
            taken.lock().unwrap().push(file.path);
            None
        };
        let progress = Progress::hidden();
        let loaded = (Config::default(), sources(), Vec::new());
        let outcome = run_loaded(loaded, &options, false, &sink, &progress);
        assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
        let output = outcome.output.expect("built");
        let taken = taken.into_inner().unwrap();
        for path in ["index.html", "wifi/index.html", "wifi/restart.html", "search/index.js", "search/d-0.js"] {
            assert!(taken.iter().any(|p| p == path), "{path} not handed to the sink: {taken:?}");
        }
        let kept: Vec<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
        assert!(kept.iter().all(|p| !p.ends_with(".html") && !p.starts_with("search/")), "{kept:?}");
        assert!(kept.contains(&"steps.json"), "{kept:?}");
        assert_eq!(outcome.pages, taken.iter().filter(|p| p.ends_with(".html")).count());

        // The same pipeline with a sink that keeps everything: the same files in all.
        let all = process(Config::default(), &sources(), false, false).output.expect("built");
        let mut every: Vec<&str> = taken.iter().map(String::as_str).chain(kept).collect();
        every.sort_unstable();
        let paths: Vec<&str> = all.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(every, paths);
    }
}
