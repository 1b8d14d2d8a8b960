//! The pipeline, end to end: `load -> parse -> resolve -> render`, then `write`
//! only when there was no error. Every stage runs even after another reported
//! errors (where it has something to work on), so one run lists every mistake.
//!
//! The stages are the named steps below ([`parse_all`], [`structure`],
//! [`check_links`], [`review`], [`render`]); [`process`] runs them in order. `serve`'s
//! incremental builds (`incremental`) call the same steps, with caches around the
//! expensive ones, and the fuzz target calls [`process_with`].

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::model::{CopyFile, Output, Page, Site, SourceFile, Sources};
use crate::render::templates::Templates;
use crate::{load, parse, resolve, write};

#[derive(Debug, Clone)]
pub struct Options {
    pub site_dir: PathBuf,
    pub include_drafts: bool,
}

/// What a run of the pipeline produced: the output when there were no errors,
/// and every diagnostic, sorted.
#[derive(Debug)]
pub struct Outcome {
    pub output: Option<Output>,
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
    /// How many HTML pages the output holds.
    pub pages: usize,
    /// Every `http(s)://` link: (page source, place, URL), for `check --external`.
    pub external_links: Vec<(String, diagnostics::Pos, String)>,
}

/// Runs `load -> parse -> resolve -> render`. Writes nothing.
pub fn run(options: &Options) -> Outcome {
    run_with(options, false)
}

/// Like [`run`], adding the review checks of `remedy check` (`resolve::lints`).
pub fn check(options: &Options) -> Outcome {
    run_with(options, true)
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

fn run_with(options: &Options, lints: bool) -> Outcome {
    let site_dir = options.site_dir.as_path();
    let (config, mut diags) = read_config(site_dir);

    let (sources, load_diags) = load::load(site_dir, &config);
    diags.extend(load_diags);
    let mut outcome = process(config, &sources, options.include_drafts, lints);
    outcome.diagnostics.extend(diags);
    diagnostics::sort(&mut outcome.diagnostics);
    if diagnostics::has_errors(&outcome.diagnostics) {
        outcome.output = None;
    }
    outcome
}

/// The pure part of the pipeline, `parse -> resolve -> render`, on sources already
/// in memory. Tests drive it without any files.
pub fn process(config: Config, sources: &Sources, include_drafts: bool, lints: bool) -> Outcome {
    let templates = match sources.theme.templates.is_empty() {
        true => None,
        false => Some(Templates::new(&sources.theme.templates)),
    };
    process_with(config, sources, include_drafts, lints, templates.as_ref())
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
    let mut diags = Vec::new();
    let (pages, parse_diags) = parse_all(&sources.pages, &config);
    diags.extend(parse_diags);

    let structure = structure(pages, sources, include_drafts);
    diags.extend(structure.diagnostics);

    let mut output = None;
    let mut external_links = Vec::new();
    if let Some(site) = structure.site {
        diags.extend(check_links(&site, &sources.assets, &structure.drafts));
        external_links = resolve::links::external_links(&site);
        if lints {
            diags.extend(review(&site, &sources.assets, &config));
        }
        match templates {
            Some(Ok(templates)) => {
                let (out, render_diags) = render(&site, &config, templates);
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
    let pages = output.as_ref().map_or(0, |o| o.files.iter().filter(|f| f.path.ends_with(".html")).count());
    Outcome { output, config, diagnostics: diags, pages, external_links }
}

/// Stage 2, parse: one Markdown source to a page (`None` when it is not a page).
pub fn parse_page(source: &SourceFile, config: &Config) -> (Option<Page>, Vec<Diagnostic>) {
    parse::parse_page(source, parse::markdown::Settings::of(config))
}

/// Stage 2, parse: every Markdown source, in parallel, in input order.
pub fn parse_all(sources: &[SourceFile], config: &Config) -> (Vec<Page>, Vec<Diagnostic>) {
    parse::parse_all(sources, parse::markdown::Settings::of(config))
}

/// What the first half of resolve gives: the site (without link checks), the drafts
/// it left out (which links must not point at), and its diagnostics.
pub struct Structure {
    pub site: Option<Site>,
    pub drafts: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Stage 3, resolve: pages into guides with ordered steps.
pub fn structure(pages: Vec<Page>, sources: &Sources, include_drafts: bool) -> Structure {
    let (site, diagnostics, drafts) = resolve::structure(resolve::Inputs { pages, sources, include_drafts });
    Structure { site, drafts, diagnostics }
}

/// Stage 3, resolve: every internal link, image and anchor checked.
pub fn check_links(site: &Site, assets: &[CopyFile], drafts: &[String]) -> Vec<Diagnostic> {
    resolve::links::check(site, assets, drafts)
}

/// The review checks only `remedy check` runs, after resolve.
pub fn review(site: &Site, assets: &[CopyFile], config: &Config) -> Vec<Diagnostic> {
    let mut diagnostics = resolve::lints::lint(site, assets, config.require_sources);
    diagnostics.extend(resolve::lints::relative_404(config.base_url.is_some()));
    diagnostics
}

/// Stage 4, render: every output file (pages, search index, data), or the errors.
pub fn render(site: &Site, config: &Config, templates: &Templates) -> (Option<Output>, Vec<Diagnostic>) {
    let jobs = crate::render::jobs(site, config);
    // The search index needs the site, not the pages: make it while they render.
    let (rendered, search) = rayon::join(
        || crate::render::render_pages(site, config, templates, &jobs),
        || crate::search::index_files(site, &config.search),
    );
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(rendered.len() + 3);
    for result in rendered {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    let (output, finish_diags) = crate::render::finish(site, config, &jobs, files, search);
    diagnostics.extend(finish_diags);
    if diagnostics::has_errors(&diagnostics) {
        return (None, diagnostics);
    }
    (output, diagnostics)
}

/// Runs the pipeline and, when it produced no error, writes the output to `out_dir`
/// (`force`: even over a folder remedy did not make; see `write::check_out_dir`).
/// A write failure becomes a diagnostic too.
pub fn build(options: &Options, out_dir: &Path, force: bool) -> Outcome {
    let mut outcome = run(options);
    if let Some(output) = &outcome.output {
        if let Err(e) = write::write(output, &options.site_dir, out_dir, force) {
            let path = e.path.display().to_string();
            outcome.diagnostics.push(Diagnostic::error(path, diagnostics::Pos::START, Code::WriteError, e.message));
            outcome.output = None;
        }
    }
    outcome
}
