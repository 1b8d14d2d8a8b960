//! The pipeline, end to end: `load -> parse -> resolve -> render`, then `write`
//! only when there was no error. Every stage runs even after another reported
//! errors (where it has something to work on), so one run lists every mistake.

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diagnostics::{self, Diagnostic};
use crate::model::{Output, Sources};
use crate::{load, parse, render, resolve, write};

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
/// in memory. Tests and the fuzzer drive it without any files.
pub fn process(config: Config, sources: &Sources, include_drafts: bool, lints: bool) -> Outcome {
    let mut diags = Vec::new();
    let (pages, parse_diags) = parse::parse_all(&sources.pages, parse::markdown::Settings::of(&config));
    diags.extend(parse_diags);

    let inputs = resolve::Inputs { pages, sources, include_drafts };
    let (site, resolve_diags) = resolve::resolve(inputs);
    diags.extend(resolve_diags);

    let mut output = None;
    let mut external_links = Vec::new();
    if let Some(site) = site {
        external_links = resolve::links::external_links(&site);
        if lints {
            diags.extend(resolve::lints::lint(&site, &sources.assets));
        }
        if !sources.theme.templates.is_empty() {
            let (out, render_diags) = render::render(&site, &config, &sources.theme.templates);
            diags.extend(render_diags);
            output = out;
        }
    }
    diagnostics::sort(&mut diags);
    if diagnostics::has_errors(&diags) {
        output = None;
    }
    let pages = output.as_ref().map_or(0, |o| o.files.iter().filter(|f| f.path.ends_with(".html")).count());
    Outcome { output, config, diagnostics: diags, pages, external_links }
}

/// Runs the pipeline and, when it produced no error, writes the output to `out_dir`
/// (`force`: even over a folder remedy did not make; see `write::check_out_dir`).
/// A write failure becomes a diagnostic too.
pub fn build(options: &Options, out_dir: &Path, force: bool) -> Outcome {
    let mut outcome = run(options);
    if let Some(output) = &outcome.output {
        if let Err(e) = write::write(output, &options.site_dir, out_dir, force) {
            let path = e.path.display().to_string();
            outcome.diagnostics.push(Diagnostic::error(path, diagnostics::Pos::START, "write-error", e.message));
            outcome.output = None;
        }
    }
    outcome
}
