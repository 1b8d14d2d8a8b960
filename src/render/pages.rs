//! Every page the site has, in one list: its output path, the file it is made from,
//! how it is rendered ([`Job`]) and what it depends on ([`Job::fingerprint`]).
//!
//! Full builds, `serve`'s incremental builds, `steps.json`, the sitemap and the search
//! index all take their pages and paths from here, and a page's path is formed by one
//! function ([`guide_path`], [`step_path`], ...). Adding an output page means: a
//! [`Job`] variant (the compiler then asks for its rendering in `render_job` and its
//! fingerprint here), a context type and a template.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use crate::config::Config;
use crate::diagnostics::Pos;
use crate::model::{Guide, Located, Site};

/// The "source" of the pages remedy makes from the whole site.
pub const GENERATED: &str = "(generated)";

pub const HOME_PATH: &str = "index.html";
pub const STEPS_PATH: &str = "steps.html";
pub const NOT_FOUND_PATH: &str = "404.html";
pub const SEARCH_PATH: &str = "search.html";

/// The output path of a guide's page.
pub fn guide_path(guide: &str) -> String {
    format!("{guide}/index.html")
}

/// The output path of a step's page.
pub fn step_path(guide: &str, step: &str) -> String {
    format!("{guide}/{step}.html")
}

/// What a term page lists pages by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TermKind {
    /// `tags`.
    Tag,
    /// `applies_to`: a device or system.
    Device,
}

/// The output path of the page listing what carries a tag, or what applies to a
/// device (`tags/backup.html`, `applies-to/iphone.html`). Names that differ only in
/// case or punctuation ("Wi-Fi", "wi fi") share a page.
pub fn term_path(kind: TermKind, name: &str) -> String {
    let folder = match kind {
        TermKind::Tag => "tags",
        TermKind::Device => "applies-to",
    };
    let mut slug = crate::schema::ascii_slug(name);
    if !name.is_ascii() && slug.chars().filter(char::is_ascii_alphanumeric).count() < 2 {
        // Names in other scripts: their bytes, so that two names never share a page.
        slug = name.bytes().take(24).map(|b| format!("{b:02x}")).collect();
    }
    if slug.is_empty() {
        slug.push_str("term");
    }
    format!("{folder}/{slug}.html")
}

/// A term page's content: the term and the guides and steps that carry it.
pub struct Term<'a> {
    pub kind: TermKind,
    /// As first written (in site order).
    pub name: &'a str,
    pub guides: Vec<&'a Guide>,
    /// A step is listed under a device only when its `applies_to` is its own (the
    /// guide's steps are listed through the guide).
    pub steps: Vec<(&'a Guide, usize)>,
}

/// Every term of the site, by output path.
pub fn terms(site: &Site) -> BTreeMap<String, Term<'_>> {
    fn add<'a>(
        terms: &mut BTreeMap<String, Term<'a>>,
        kind: TermKind,
        name: &'a str,
        guide: &'a Guide,
        step: Option<usize>,
    ) {
        let term = terms.entry(term_path(kind, name)).or_insert_with(|| Term {
            kind,
            name,
            guides: Vec::new(),
            steps: Vec::new(),
        });
        match step {
            None if !term.guides.iter().any(|g| std::ptr::eq(*g, guide)) => term.guides.push(guide),
            Some(i) if !term.steps.iter().any(|(g, j)| std::ptr::eq(*g, guide) && *j == i) => {
                term.steps.push((guide, i))
            }
            _ => {}
        }
    }
    let mut terms = BTreeMap::new();
    for guide in &site.guides {
        for tag in &guide.meta.tags {
            add(&mut terms, TermKind::Tag, tag, guide, None);
        }
        for device in &guide.meta.applies_to {
            add(&mut terms, TermKind::Device, device, guide, None);
        }
        for (i, step) in guide.steps.iter().enumerate() {
            for tag in &step.meta.tags {
                add(&mut terms, TermKind::Tag, tag, guide, Some(i));
            }
            if step.applies_to != guide.meta.applies_to {
                for device in &step.applies_to {
                    add(&mut terms, TermKind::Device, device, guide, Some(i));
                }
            }
        }
    }
    terms
}

/// The output path of a guide's printable page (every step's full text).
pub fn print_path(guide: &str) -> String {
    format!("{guide}/print.html")
}

/// The link from the page at output path `from` to the file at output path `to`
/// (both relative to the output root, `/` separators): every URL in a page is
/// relative, so the site reads the same from disk and from any host path.
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts[..to_parts.len() - 1]).take_while(|(a, b)| a == b).count();
    let mut url = "../".repeat(from_dirs.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    url
}

/// The way from the page at `path` up to the output root (`""` or `"../"`).
pub fn root(path: &str) -> &'static str {
    match path.matches('/').count() {
        0 => "",
        1 => "../",
        _ => unreachable!("pages are at most one folder deep: {path}"),
    }
}

/// How to render one page.
pub enum Job<'a> {
    Home,
    Guide(&'a Guide),
    /// A guide and the index of the step in its `steps`.
    Step(&'a Guide, usize),
    Steps,
    NotFound,
    Search,
    /// The guides and steps that carry a tag, or apply to a device.
    Term(Term<'a>),
    /// An old path of a page (`aliases`): a small page that sends the reader on.
    Alias {
        /// The output path of the page it leads to.
        target: String,
        title: &'a str,
        /// Where the alias is written (for a clash).
        pos: Pos,
    },
    /// A guide's printable page: every step's full text.
    Print(&'a Guide),
}

/// One page to render: its output path, its source (for messages) and how to render it.
pub struct PageJob<'a> {
    pub path: String,
    pub source: String,
    pub job: Job<'a>,
}

/// Every page the site has, in a fixed order: home, each guide followed by its steps,
/// then the pages made from the whole site.
pub fn jobs<'a>(site: &'a Site, config: &Config) -> Vec<PageJob<'a>> {
    let job = |path: String, source: &str, job| PageJob { path, source: source.to_string(), job };
    let aliases = |jobs: &mut Vec<PageJob<'a>>, aliases: &'a [Located<String>], target: &str, title: &'a str| {
        for alias in aliases {
            let alias_job = Job::Alias { target: target.to_string(), title, pos: alias.pos };
            jobs.push(PageJob {
                path: alias.value.clone(),
                source: jobs[jobs.len() - 1].source.clone(),
                job: alias_job,
            });
        }
    };
    let mut jobs = vec![job(HOME_PATH.to_string(), &site.home.source, Job::Home)];
    for guide in &site.guides {
        let path = guide_path(&guide.slug);
        jobs.push(job(path.clone(), &guide.source, Job::Guide(guide)));
        aliases(&mut jobs, &guide.meta.aliases, &path, &guide.meta.title);
        for (i, step) in guide.steps.iter().enumerate() {
            let path = step_path(&guide.slug, &step.slug);
            jobs.push(job(path.clone(), &step.source, Job::Step(guide, i)));
            aliases(&mut jobs, &step.meta.aliases, &path, &step.meta.title);
        }
        if guide.meta.kind == crate::model::GuideKind::Guide {
            jobs.push(job(print_path(&guide.slug), &guide.source, Job::Print(guide)));
        }
    }
    for (path, term) in terms(site) {
        jobs.push(job(path, GENERATED, Job::Term(term)));
    }
    jobs.push(job(STEPS_PATH.into(), GENERATED, Job::Steps));
    jobs.push(job(NOT_FOUND_PATH.into(), GENERATED, Job::NotFound));
    if config.search.enabled {
        jobs.push(job(SEARCH_PATH.into(), GENERATED, Job::Search));
    }
    jobs
}

/// What a page's fingerprint is made of, per source file: the hash of its whole text,
/// and the hash of its front matter alone (what lists of pages show).
pub trait SourceHashes {
    fn text(&self, source: &str) -> u64;
    fn meta(&self, source: &str) -> u64;
}

impl Job<'_> {
    /// Feeds `h` everything `render_job` reads for this page besides the settings and
    /// templates: the page's own text and, for neighbours and lists, the front matter
    /// of the pages it shows. Two equal fingerprints mean the same HTML, which is how
    /// `serve` skips pages that did not change (its test
    /// `serve::incremental_matches_a_full_build_after_each_edit` holds this to a full
    /// build). When `render_job` starts reading something new, add it here.
    pub fn fingerprint(&self, site: &Site, sources: &dyn SourceHashes, h: &mut impl Hasher) {
        let text = |source: &str| sources.text(source);
        let meta = |source: &str| sources.meta(source);
        match self {
            Job::Home => {
                (0u8, text(&site.home.source), &site.home.updated).hash(h);
                for guide in &site.guides {
                    (&guide.slug, meta(&guide.source), guide.steps.len()).hash(h);
                }
            }
            Job::Guide(guide) => {
                1u8.hash(h);
                (&guide.slug, text(&guide.source), &guide.updated).hash(h);
                for step in &guide.steps {
                    (&step.slug, step.number, meta(&step.source)).hash(h);
                }
            }
            Job::Step(guide, i) => {
                2u8.hash(h);
                (&guide.slug, meta(&guide.source), &guide.help_anchor, guide.steps.len()).hash(h);
                let step = &guide.steps[*i];
                (&step.slug, step.number, text(&step.source), &step.updated).hash(h);
                // The overview, the neighbours, `after` and branches: every step's front matter.
                for other in &guide.steps {
                    (&other.slug, other.number, meta(&other.source)).hash(h);
                }
            }
            Job::Steps => {
                3u8.hash(h);
                for guide in &site.guides {
                    (&guide.slug, meta(&guide.source)).hash(h);
                    for step in &guide.steps {
                        (&step.slug, step.number, meta(&step.source)).hash(h);
                    }
                }
            }
            Job::NotFound => 4u8.hash(h),
            Job::Search => 5u8.hash(h),
            Job::Alias { target, title, .. } => (6u8, target, title).hash(h),
            Job::Term(term) => {
                (7u8, term.kind, term.name).hash(h);
                for guide in &term.guides {
                    (&guide.slug, meta(&guide.source), guide.steps.len()).hash(h);
                }
                for (guide, i) in &term.steps {
                    let step = &guide.steps[*i];
                    (&guide.slug, meta(&guide.source), &step.slug, step.number, meta(&step.source)).hash(h);
                }
            }
            Job::Print(guide) => {
                8u8.hash(h);
                (&guide.slug, text(&guide.source), &guide.updated).hash(h);
                for step in &guide.steps {
                    (&step.slug, step.number, text(&step.source)).hash(h);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_output_paths() {
        let cases = [
            ("g/index.html", "g/a.html", "a.html"),
            ("g/a.html", "g/index.html", "index.html"),
            ("index.html", "g/index.html", "g/index.html"),
            ("steps.html", "g/b.html", "g/b.html"),
            ("g/a.html", "index.html", "../index.html"),
            ("g/a.html", "h/b.html", "../h/b.html"),
        ];
        for (from, to, url) in cases {
            assert_eq!(relative(from, to), url, "{from} -> {to}");
        }
        assert_eq!((root(HOME_PATH), root(&step_path("g", "s"))), ("", "../"));
    }

    #[test]
    fn term_pages_have_safe_distinct_paths() {
        assert_eq!(term_path(TermKind::Tag, "Wi-Fi"), "tags/wi-fi.html");
        assert_eq!(term_path(TermKind::Tag, "wi fi"), term_path(TermKind::Tag, "WI-FI"));
        assert_eq!(term_path(TermKind::Device, "iPhone 15 Pro"), "applies-to/iphone-15-pro.html");
        assert_eq!(term_path(TermKind::Device, "Windows 11"), "applies-to/windows-11.html");
        // Other scripts: by bytes, so that two names never share a page.
        assert_ne!(term_path(TermKind::Tag, "日本"), term_path(TermKind::Tag, "中国"));
        assert_eq!(term_path(TermKind::Tag, "../.."), "tags/term.html");
        assert!(!term_path(TermKind::Tag, "a/b\\c").trim_start_matches("tags/").contains(['/', '\\']));
    }
}
