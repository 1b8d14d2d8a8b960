//! Stage 4, pure: the [`Site`] becomes the [`Output`], every file the build writes.
//!
//! Pages are rendered in parallel through the theme's templates; `steps.json`,
//! `sitemap.xml` and `highlight.css` are made here too. Every URL a page contains is
//! relative and names a file, so the site reads the same from disk and from any host
//! path. Two sources that would write the same output path are an error.

pub mod context;
pub mod data;
pub mod diagram;
pub mod pages;
pub mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::lang::strings::Strings;
use crate::model::{GuideKind, Output, OutputFile, Site};
use crate::parse::highlight;
use context::*;
pub use pages::{jobs, Job, PageJob, TermKind, GENERATED};
use templates::Templates;

/// Where each page goes as soon as it is rendered, and each search index file as soon
/// as the index is made (from any thread): the sink takes it (`None`) or hands it back
/// to be kept in the [`Output`] (`Some`). A build passes one that writes the file into
/// the staging folder at once, so that they are not all held in memory; its failures
/// are the caller's to report.
pub type Sink<'s> = &'s (dyn Fn(OutputFile) -> Option<OutputFile> + Sync);

/// Renders every page of `jobs`, in parallel, in order, each handed to `sink` (a page
/// whose template fails gives its diagnostic instead). `config` is the one of the
/// site's language ([`Config::for_language`]); the paths handed on are the language's
/// (`fr/g/s.html`).
pub fn render_pages(
    site: &Site,
    config: &Config,
    templates: &Templates,
    strings: &Strings,
    jobs: &[PageJob<'_>],
    sink: Sink<'_>,
) -> Vec<Result<Option<OutputFile>, Diagnostic>> {
    let prefix = &site.language.prefix;
    jobs.par_iter()
        .map(|j| {
            let html = render_job(site, config, templates, strings, j)?;
            Ok(sink(OutputFile { path: format!("{prefix}{}", j.path), contents: html.into_bytes() }))
        })
        .collect()
}

/// `files` (paths of the site's root) put under the site's language's folder.
pub fn under_folder(site: &Site, mut files: Vec<OutputFile>) -> Vec<OutputFile> {
    let prefix = &site.language.prefix;
    if !prefix.is_empty() {
        for file in &mut files {
            file.path.insert_str(0, prefix);
        }
    }
    files
}

/// What [`finish`] needs of a language's search index once its files are made:
/// their paths, of the site's root (`search/d-0.js`), and the index's warnings.
#[derive(Debug, Default)]
pub struct SearchPaths {
    pub paths: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Completes one language's output around the files `made` already (rendered pages,
/// the search index's files; their paths are the language's already): adds the files
/// made from the whole site (`steps.json`, ...), the theme's built-in static files
/// and the copies, after checking that every output path, the `search` index's
/// included, comes from exactly one source; all under the language's folder (`fr/`),
/// which holds everything its pages link to. `serve` passes no pages (it keeps them
/// apart) and adds its own. The sitemap, one for all languages, is [`sitemap`]'s.
pub fn finish(
    site: &Site,
    config: &Config,
    jobs: &[PageJob<'_>],
    made: Vec<OutputFile>,
    search: SearchPaths,
) -> (Option<Output>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    files.push(OutputFile { path: "highlight.css".into(), contents: highlight::stylesheet().as_bytes().to_vec() });
    files.push(OutputFile { path: "steps.json".into(), contents: data::steps_json(site) });
    let SearchPaths { paths: search_paths, diagnostics: search_diagnostics } = search;

    // Every output path must come from exactly one source.
    let mut diagnostics = Vec::new();
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    let generated = ["highlight.css", "steps.json", "sitemap.xml"];
    let sources = jobs
        .iter()
        .filter(|j| !matches!(j.job, Job::Alias { .. }))
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
                diagnostics.push(Diagnostic::error(at, Pos::START, Code::OutputConflict, message));
            }
        }
    }
    // The default language's folder holds the others' (`fr/`): none of its own files
    // may land in one (a guide named `fr`, a static `fr/search/index.js`).
    if site.language.prefix.is_empty() {
        let mut inside: BTreeMap<&str, (&str, &str)> = BTreeMap::new(); // source -> (path, language)
        for (path, source) in &owners {
            let Some((folder, _)) = path.split_once('/') else { continue };
            let other = config.languages.iter().skip(1).find(|l| l.code == folder);
            if let (Some(language), false) = (other, *source == GENERATED) {
                inside.entry(source).or_insert((path, &language.name));
            }
        }
        for (source, (path, language)) in inside {
            let folder = path.split('/').next().unwrap_or_default();
            let message =
                format!("{source} would be written to `{path}`, inside `{folder}/`, which holds the site in {language}; rename it");
            diagnostics.push(Diagnostic::error(source, Pos::START, Code::OutputConflict, message));
        }
    }
    // An alias may take no path that is already taken, by a page, a file or an alias.
    for job in jobs {
        let Job::Alias { pos, .. } = job.job else { continue };
        if let Some(first) = owners.insert(&job.path, &job.source) {
            let owner = if first == GENERATED { "a file remedy generates".to_string() } else { first.to_string() };
            let message =
                format!("the alias `{}` is already taken by {owner}; an old path can lead to one page only", job.path);
            diagnostics.push(Diagnostic::error(&job.source, pos, Code::AliasConflict, message));
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
    let mut files = under_folder(site, files);
    for copy in &mut copies {
        copy.path.insert_str(0, &site.language.prefix);
    }
    files.extend(made);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (Some(Output { files, copies }), diagnostics)
}

/// `sitemap.xml` (when `base_url` is set), for every language's site (`sites`, the
/// default first), from the default site's pages (`jobs`): the others have the same.
pub fn sitemap(sites: &[Site], config: &Config, jobs: &[PageJob<'_>]) -> Option<OutputFile> {
    let base_url = config.base_url.as_ref()?;
    Some(OutputFile { path: "sitemap.xml".into(), contents: data::sitemap(sites, jobs, base_url) })
}

/// Renders one page, with the theme's words of `t`. Pure: the same site, config,
/// templates and words give the same HTML. (What it reads for a page is listed again
/// in [`Job::fingerprint`].)
pub fn render_job(
    site: &Site,
    config: &Config,
    templates: &Templates,
    t: &Strings,
    page: &PageJob<'_>,
) -> Result<String, Diagnostic> {
    let path = page.path.as_str();
    match page.job {
        Job::Home => {
            let home = &site.home;
            let ctx = HomePage {
                common: Common::new(
                    config,
                    t,
                    path,
                    home.meta.title.clone(),
                    home.meta.description.as_deref().unwrap_or(&config.description),
                )
                .from_file(config, &home.source, home.updated.as_deref())
                .translation(config, &home.translation),
                page: home_ctx(home),
                guides: site.guides.iter().map(|g| GuideCard::new(g, path)).collect(),
                categories: Category::group(&site.guides, path),
            };
            templates.render("home.html", &ctx)
        }
        Job::Guide(guide) => {
            let steps: Vec<StepItem> = guide.steps.iter().map(|s| StepItem::new(guide, s, path, t)).collect();
            let costly_steps = steps.iter().filter(|s| !s.side_effects.is_empty()).cloned().collect();
            let ctx = GuidePage {
                common: Common::new(
                    config,
                    t,
                    path,
                    format!("{} · {}", guide.meta.title, config.title),
                    guide.meta.summary.as_deref().unwrap_or(""),
                )
                .from_file(config, &guide.source, guide.updated.as_deref())
                .draft(guide.meta.draft)
                .translation(config, &guide.translation),
                guide: GuideCtx::new(guide),
                tag_links: term_links(TermKind::Tag, &guide.meta.tags, path),
                device_links: term_links(TermKind::Device, &guide.meta.applies_to, path),
                steps,
                costly_steps,
                totals: Totals::new(guide, t),
                print_url: pages::relative(path, &pages::print_path(&guide.slug)),
                diagram: diagram::diagram(guide, path, t),
            };
            let template = match guide.meta.kind {
                GuideKind::Guide => "guide.html",
                GuideKind::Reference => "reference.html",
            };
            templates.render(template, &ctx)
        }
        Job::Step(guide, i) => {
            let step = &guide.steps[i];
            let step_ref = |s| StepRef::new(guide, s, path, t);
            let guide_url = pages::relative(path, &pages::guide_path(&guide.slug));
            let ctx = StepPage {
                common: Common::new(
                    config,
                    t,
                    path,
                    format!(
                        "{} · {}",
                        t.fill("step_title", &[("n", &step.number.to_string()), ("title", &step.meta.title)]),
                        guide.meta.title
                    ),
                    step.meta.summary.as_deref().unwrap_or(""),
                )
                .from_file(config, &step.source, step.updated.as_deref())
                .draft(step.meta.draft || guide.meta.draft)
                .translation(config, &step.translation),
                guide: GuideLink { slug: &guide.slug, title: &guide.meta.title, url: guide_url.clone() },
                step: StepCtx::new(guide, step, t),
                tag_links: term_links(TermKind::Tag, &step.meta.tags, path),
                device_links: term_links(TermKind::Device, &step.applies_to, path),
                after: step.after.iter().map(|&a| step_ref(&guide.steps[a])).collect(),
                prev: i.checked_sub(1).map(|p| step_ref(&guide.steps[p])),
                next: guide.steps.get(i + 1).map(step_ref),
                last_resort_url: match &guide.help_anchor {
                    Some(anchor) => format!("{guide_url}#{anchor}"),
                    None => guide_url.clone(),
                },
                overview: guide.steps.iter().map(|s| StepItem::new(guide, s, path, t)).collect(),
                branches: step.branches.iter().map(|b| BranchCtx::new(guide, b, path, t)).collect(),
                help_url: guide.help_anchor.as_ref().map(|anchor| format!("{guide_url}#{anchor}")),
            };
            let template = match guide.meta.kind {
                GuideKind::Guide => "step.html",
                GuideKind::Reference => "article.html",
            };
            templates.render(template, &ctx)
        }
        Job::Steps => {
            let guides = site
                .guides
                .iter()
                .filter(|g| g.meta.kind == GuideKind::Guide)
                .map(|g| GuideSteps {
                    slug: &g.slug,
                    title: &g.meta.title,
                    summary: g.meta.summary.as_deref(),
                    url: pages::relative(path, &pages::guide_path(&g.slug)),
                    steps: g.steps.iter().map(|s| StepItem::new(g, s, path, t)).collect(),
                })
                .collect();
            let title = format!("{} · {}", t.get("all_steps"), config.title);
            let ctx = StepsPage { common: Common::new(config, t, path, title, ""), guides };
            templates.render("steps.html", &ctx)
        }
        Job::NotFound => {
            let mut common =
                Common::new(config, t, path, format!("{} · {}", t.get("page_not_found"), config.title), "");
            // A host serves 404.html for a missing page at any depth, where relative
            // links would break: with `base_url`, its links are absolute.
            if let Some(base_url) = &config.base_url {
                common.root = format!("{}/{}", base_url.trim_end_matches('/'), site.language.prefix);
            }
            templates.render("404.html", &PlainPage { common })
        }
        Job::Print(guide) => {
            let address = |s: &crate::model::Step| {
                let p = pages::step_path(&guide.slug, &s.slug);
                match &config.base_url {
                    Some(base) => format!("{}/{}{p}", base.trim_end_matches('/'), site.language.prefix),
                    None => p,
                }
            };
            let ctx = PrintPage {
                common: Common::new(
                    config,
                    t,
                    path,
                    format!("{} · {}", t.fill("print_title", &[("title", &guide.meta.title)]), config.title),
                    "",
                )
                .from_file(config, &guide.source, guide.updated.as_deref())
                .translation(config, &guide.translation),
                guide: GuideCtx::new(guide),
                guide_url: pages::relative(path, &pages::guide_path(&guide.slug)),
                totals: Totals::new(guide, t),
                steps: guide
                    .steps
                    .iter()
                    .map(|s| PrintStep {
                        item: StepItem::new(guide, s, path, t),
                        prerequisites: &s.meta.prerequisites,
                        if_fixed: s.meta.if_fixed.as_deref(),
                        while_waiting: s.meta.while_waiting.as_deref(),
                        body_html: &s.body.html,
                        address: address(s),
                    })
                    .collect(),
            };
            templates.render("print.html", &ctx)
        }
        Job::Search => {
            let title = format!("{} · {}", t.get("search"), config.title);
            let ctx = PlainPage { common: Common::new(config, t, path, title, "") };
            templates.render("search.html", &ctx)
        }
        Job::Alias { ref target, title, .. } => Ok(redirect(config, t, path, target, title)),
        Job::Term(ref term) => {
            let (kind, heading) = match term.kind {
                TermKind::Tag => ("tag", t.fill("tagged", &[("name", term.name)])),
                TermKind::Device => ("device", t.fill("for_device", &[("name", term.name)])),
            };
            let ctx = TermPage {
                common: Common::new(config, t, path, format!("{heading} · {}", config.title), ""),
                kind,
                name: term.name,
                guides: term.guides.iter().map(|g| GuideCard::new(g, path)).collect(),
                steps: term
                    .steps
                    .iter()
                    .map(|&(g, i)| TermStep {
                        step: StepItem::new(g, &g.steps[i], path, t),
                        guide_title: &g.meta.title,
                        guide_url: pages::relative(path, &pages::guide_path(&g.slug)),
                    })
                    .collect(),
            };
            templates.render("taxonomy.html", &ctx)
        }
    }
}

/// The page at an old path (`aliases`): it sends the reader to `target` at once (a
/// `refresh`, which needs no script and works from disk), names the new page for
/// search engines (`canonical`) and, should the refresh not happen, links to it.
fn redirect(config: &Config, t: &Strings, path: &str, target: &str, title: &str) -> String {
    let relative = pages::relative(path, target);
    let canonical = config.base_url.as_ref().map_or_else(|| relative.clone(), |base| format!("{base}/{target}"));
    let escape = |text: &str| {
        let mut out = String::new();
        pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
        out
    };
    let (lang, relative, canonical, title, moved) =
        (escape(&config.language), escape(&relative), escape(&canonical), escape(title), escape(t.get("moved")));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n</head>\n<body>\n\
         <p>{moved} <a href=\"{relative}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}
