//! The pipeline, end to end: `load -> parse -> resolve -> render`, then `write`
//! only when there was no error. Every stage runs even after another reported
//! errors (where it has something to work on), so one run lists every mistake.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::{self, Config};
use crate::diagnostics::{self, Diagnostic};
use crate::model::{Output, OutputFile, Page, Sources};
use crate::progress::Progress;
use crate::write::{self, WriteError, WriteStats};
use crate::{load, parse, render, resolve};

#[derive(Debug, Clone)]
pub struct Options {
    pub site_dir: PathBuf,
    pub include_drafts: bool,
}

/// What a run of the pipeline produced: the output when there were no errors,
/// and every diagnostic, sorted.
#[derive(Debug)]
pub struct Outcome {
    /// After [`build`], the pages are already written and not in it: only the files
    /// made from the whole site are.
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

/// The pipeline; rendered pages go to `sink` (see [`render::Sink`]).
fn run_with(options: &Options, lints: bool, sink: render::Sink<'_>, progress: &Progress) -> Outcome {
    let site_dir = options.site_dir.as_path();
    progress.stage("loading", 0);
    let (config, mut diags) = read_config(site_dir);

    let (mut sources, load_diags) = load::load(site_dir, &config);
    diags.extend(load_diags);
    progress.stage("parsing", 0);
    let (pages, parse_diags) = parse::parse_all(&sources.pages, config.allow_raw_html);
    // Nothing past parse reads the Markdown text: free it before rendering.
    sources.pages = Vec::new();
    let mut outcome =
        resolve_and_render(config, &sources, pages, parse_diags, options.include_drafts, lints, sink, progress);
    outcome.diagnostics.extend(diags);
    diagnostics::sort(&mut outcome.diagnostics);
    if diagnostics::has_errors(&outcome.diagnostics) {
        outcome.output = None;
    }
    outcome
}

/// The pure part of the pipeline, `parse -> resolve -> render`, on sources already
/// in memory. Tests and the fuzzer drive it without any files.
pub fn process(config: Config, sources: &Sources, include_drafts: bool, lints: bool) -> Outcome {
    let (pages, parse_diags) = parse::parse_all(&sources.pages, config.allow_raw_html);
    resolve_and_render(config, sources, pages, parse_diags, include_drafts, lints, &Some, &Progress::hidden())
}

/// `resolve -> render` on parsed pages (`diags`: parse's); see [`process`].
#[allow(clippy::too_many_arguments)]
fn resolve_and_render(
    config: Config,
    sources: &Sources,
    pages: Vec<Page>,
    mut diags: Vec<Diagnostic>,
    include_drafts: bool,
    lints: bool,
    sink: render::Sink<'_>,
    progress: &Progress,
) -> Outcome {
    let inputs = resolve::Inputs { pages, sources, include_drafts };
    let (site, resolve_diags) = resolve::resolve(inputs);
    diags.extend(resolve_diags);

    let mut output = None;
    let mut external_links = Vec::new();
    let taken = AtomicUsize::new(0);
    if let Some(site) = site {
        external_links = resolve::links::external_links(&site);
        if lints {
            diags.extend(resolve::lints::lint(&site, &sources.assets));
        }
        if !sources.theme.templates.is_empty() {
            match render::templates::Templates::new(&sources.theme.templates) {
                Ok(templates) => {
                    progress.stage("rendering pages", render::jobs(&site, &config).len());
                    let counted = |file: OutputFile| {
                        let page = file.path.ends_with(".html");
                        let kept = sink(file);
                        if kept.is_none() && page {
                            taken.fetch_add(1, Ordering::Relaxed);
                        }
                        progress.add(1);
                        kept
                    };
                    let (out, render_diags) = render::render_into(&site, &config, &templates, &counted);
                    diags.extend(render_diags);
                    output = out;
                }
                Err(template_diags) => diags.extend(template_diags),
            }
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

/// Runs the pipeline and, when it produced no error, writes the output to `out_dir`
/// (`force`: even over a folder remedy did not make; see `write::check_out_dir`).
/// A write failure becomes a diagnostic too.
pub fn build(options: &Options, out_dir: &Path, force: bool) -> Outcome {
    build_with(options, out_dir, force, &Progress::hidden())
}

/// [`build`], reporting its stages to `progress`. Pages are written into the staging
/// folder as they are rendered ([`write::Staging`]), not held until the end; the
/// staging folder is swapped in only when the whole build succeeded.
pub fn build_with(options: &Options, out_dir: &Path, force: bool, progress: &Progress) -> Outcome {
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
    let mut outcome = run_with(options, false, &sink, progress);
    let Some(output) = &outcome.output else {
        return outcome; // dropping `staging` removes it
    };
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
    outcome.diagnostics.push(Diagnostic::error(path, diagnostics::Pos::START, "write-error", e.message));
    outcome.output = None;
}
