//! Stage 4, pure: the [`Site`] becomes the [`Output`], every file the build writes.
//!
//! Pages are rendered in parallel through the theme's templates; `steps.json`,
//! `sitemap.xml` and `highlight.css` are made here too. Every URL a page contains is
//! relative and names a file, so the site reads the same from disk and from any host
//! path. Two sources that would write the same output path are an error.

pub mod context;
pub mod data;
pub mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{Guide, Output, OutputFile, Site, SourceFile};
use crate::parse::highlight;
use context::*;
use templates::Templates;

/// The "source" of the files remedy makes from the whole site.
const GENERATED: &str = "(generated)";

/// How to render one page.
pub enum Job<'a> {
    Home,
    Guide(&'a Guide),
    Step(&'a Guide, usize),
    Steps,
    NotFound,
    Search,
}

/// One page to render: its output path, its source (for messages) and how to render it.
pub struct PageJob<'a> {
    pub path: String,
    pub source: String,
    pub job: Job<'a>,
}

pub fn render(site: &Site, config: &Config, theme_templates: &[SourceFile]) -> (Option<Output>, Vec<Diagnostic>) {
    match Templates::new(theme_templates) {
        Ok(templates) => render_with(site, config, &templates),
        Err(diagnostics) => (None, diagnostics),
    }
}

/// [`render`] with templates already parsed (for callers that render many times).
pub fn render_with(site: &Site, config: &Config, templates: &Templates) -> (Option<Output>, Vec<Diagnostic>) {
    render_into(site, config, templates, &Some)
}

/// Where each page goes as soon as it is rendered (from any thread): the sink takes
/// it (`None`) or hands it back to be kept in the [`Output`] (`Some`). A build passes
/// one that writes the page into the staging folder at once, so that the pages are
/// not all held in memory; its failures are the caller's to report.
pub type Sink<'s> = &'s (dyn Fn(OutputFile) -> Option<OutputFile> + Sync);

/// [`render_with`], handing each page to `sink` as it is rendered: the `Output` then
/// holds only the pages the sink gave back, and the files made from the whole site.
pub fn render_into(
    site: &Site,
    config: &Config,
    templates: &Templates,
    sink: Sink<'_>,
) -> (Option<Output>, Vec<Diagnostic>) {
    let jobs = jobs(site, config);
    // The search index needs the site, not the pages: make it while they render.
    let (rendered, search) = rayon::join(
        || -> Vec<Result<Option<OutputFile>, Diagnostic>> {
            jobs.par_iter()
                .map(|j| {
                    let html = render_job(site, config, templates, &j.job)?;
                    Ok(sink(OutputFile { path: j.path.clone(), contents: html.into_bytes() }))
                })
                .collect()
        },
        || crate::search::index_files(site, &config.search),
    );

    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(rendered.len() + 3);
    for result in rendered {
        match result {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    let (output, finish_diags) = finish(site, config, &jobs, files, search);
    diagnostics.extend(finish_diags);
    if crate::diagnostics::has_errors(&diagnostics) {
        return (None, diagnostics);
    }
    (output, diagnostics)
}

/// Every page the site has, in a fixed order.
pub fn jobs<'a>(site: &'a Site, config: &Config) -> Vec<PageJob<'a>> {
    let job = |path: String, source: &str, job| PageJob { path, source: source.to_string(), job };
    let mut jobs = vec![job("index.html".to_string(), &site.home.source, Job::Home)];
    for guide in &site.guides {
        jobs.push(job(format!("{}/index.html", guide.slug), &guide.source, Job::Guide(guide)));
        for (i, step) in guide.steps.iter().enumerate() {
            jobs.push(job(format!("{}/{}.html", guide.slug, step.slug), &step.source, Job::Step(guide, i)));
        }
    }
    jobs.push(job("steps.html".into(), GENERATED, Job::Steps));
    jobs.push(job("404.html".into(), GENERATED, Job::NotFound));
    if config.search.enabled {
        jobs.push(job("search.html".into(), GENERATED, Job::Search));
    }
    jobs
}

/// Completes the output around the rendered `pages`: adds the files made from the
/// whole site (`steps.json`, ...), the `search` index (from `search::index_files`),
/// the theme's built-in static files and the copies, after checking that every
/// output path comes from exactly one source. `serve` passes no pages (it keeps
/// them apart) and adds its own.
pub fn finish(
    site: &Site,
    config: &Config,
    jobs: &[PageJob<'_>],
    pages: Vec<OutputFile>,
    search: (Vec<OutputFile>, Vec<Diagnostic>),
) -> (Option<Output>, Vec<Diagnostic>) {
    let mut files = pages;
    files.push(OutputFile { path: "highlight.css".into(), contents: highlight::stylesheet().as_bytes().to_vec() });
    files.push(OutputFile { path: "steps.json".into(), contents: data::steps_json(site) });
    let (search_files, search_diagnostics) = search;
    let search_paths: Vec<String> = search_files.iter().map(|f| f.path.clone()).collect();
    files.extend(search_files);
    if let Some(base_url) = &config.base_url {
        files.push(OutputFile { path: "sitemap.xml".into(), contents: data::sitemap(site, base_url) });
    }

    // Every output path must come from exactly one source.
    let mut diagnostics = Vec::new();
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    let generated = ["highlight.css", "steps.json", "sitemap.xml"];
    let sources = jobs
        .iter()
        .map(|j| (j.path.as_str(), j.source.as_str()))
        .chain(generated.iter().map(|g| (*g, GENERATED)))
        .chain(search_paths.iter().map(|p| (p.as_str(), GENERATED)))
        .chain(site.copies.iter().map(|c| (c.path.as_str(), c.source.as_str())));
    for (path, source) in sources {
        if let Some(first) = owners.insert(path, source) {
            if first != source {
                let (at, message) = if first == GENERATED || source == GENERATED {
                    let at = if first == GENERATED { source } else { first };
                    (at, format!("{at} would overwrite `{path}`, which remedy generates; rename it"))
                } else {
                    (source, format!("{source} and {first} would both be written to `{path}`; rename one of them"))
                };
                diagnostics.push(Diagnostic::error(at, Pos::START, "output-conflict", message));
            }
        }
    }
    if !diagnostics.is_empty() {
        return (None, diagnostics);
    }
    diagnostics.extend(search_diagnostics);
    // Theme static files built into the binary, unless the site overrides them.
    let mut copies = site.copies.clone();
    copies.sort();
    // (The search script only when search is on.)
    for (path, bytes) in &site.embedded_static {
        let unused = path == "search.js" && !config.search.enabled;
        if !owners.contains_key(path.as_str()) && !unused {
            files.push(OutputFile { path: path.clone(), contents: bytes.to_vec() });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (Some(Output { files, copies }), diagnostics)
}

/// Renders one page. Pure: the same site, config and templates give the same HTML.
pub fn render_job(site: &Site, config: &Config, templates: &Templates, job: &Job<'_>) -> Result<String, Diagnostic> {
    match job {
        Job::Home => {
            let home = &site.home;
            let ctx = HomePage {
                common: Common::new(
                    config,
                    "",
                    home.meta.title.clone(),
                    home.meta.description.as_deref().unwrap_or(&config.description),
                )
                .from_file(config, &home.source, home.updated.as_deref()),
                page: home_ctx(home),
                guides: site.guides.iter().map(|g| GuideCard::new(g, "")).collect(),
            };
            templates.render("home.html", &ctx)
        }
        Job::Guide(guide) => {
            let steps: Vec<StepItem> = guide.steps.iter().map(|s| StepItem::new(s, "")).collect();
            let costly_steps = steps.iter().filter(|s| !s.side_effects.is_empty()).cloned().collect();
            let ctx = GuidePage {
                common: Common::new(
                    config,
                    "../",
                    format!("{} · {}", guide.meta.title, config.title),
                    guide.meta.summary.as_deref().unwrap_or(""),
                )
                .from_file(config, &guide.source, guide.updated.as_deref()),
                guide: GuideCtx::new(guide),
                steps,
                costly_steps,
            };
            templates.render("guide.html", &ctx)
        }
        Job::Step(guide, i) => {
            let step = &guide.steps[*i];
            let after = step
                .meta
                .after
                .iter()
                .filter_map(|a| guide.steps.iter().find(|s| s.slug == a.value))
                .map(StepRef::new)
                .collect();
            let has_last_resort = guide.body.anchors.iter().any(|a| a == "still-not-fixed");
            let ctx = StepPage {
                common: Common::new(
                    config,
                    "../",
                    format!("Step {}: {} · {}", step.number, step.meta.title, guide.meta.title),
                    step.meta.summary.as_deref().unwrap_or(""),
                )
                .from_file(config, &step.source, step.updated.as_deref()),
                guide: GuideLink { slug: &guide.slug, title: &guide.meta.title, url: "index.html" },
                step: StepCtx::new(guide, step),
                after,
                prev: i.checked_sub(1).map(|p| StepRef::new(&guide.steps[p])),
                next: guide.steps.get(i + 1).map(StepRef::new),
                last_resort_url: if has_last_resort { "index.html#still-not-fixed" } else { "index.html" },
            };
            templates.render("step.html", &ctx)
        }
        Job::Steps => {
            let guides = site
                .guides
                .iter()
                .map(|g| {
                    let prefix = format!("{}/", g.slug);
                    GuideSteps {
                        slug: &g.slug,
                        title: &g.meta.title,
                        summary: g.meta.summary.as_deref(),
                        url: format!("{prefix}index.html"),
                        steps: g.steps.iter().map(|s| StepItem::new(s, &prefix)).collect(),
                    }
                })
                .collect();
            let ctx =
                StepsPage { common: Common::new(config, "", format!("All steps · {}", config.title), ""), guides };
            templates.render("steps.html", &ctx)
        }
        Job::NotFound => {
            let ctx = PlainPage { common: Common::new(config, "", format!("Page not found · {}", config.title), "") };
            templates.render("404.html", &ctx)
        }
        Job::Search => {
            let ctx = PlainPage { common: Common::new(config, "", format!("Search · {}", config.title), "") };
            templates.render("search.html", &ctx)
        }
    }
}
