//! Typed template contexts: what each theme template can use, and how it is built
//! from the site model. URLs here are already relative to the page being rendered.

use serde::Serialize;

use crate::config::Config;
use crate::model::{Guide, GuideKind, GuideMeta, Home, HomeMeta, Step, StepMeta, TocEntry};
use crate::render::pages::{guide_path, relative, root, step_path, term_path, TermKind};

#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
}

/// Fields every template gets.
#[derive(Serialize)]
pub struct Common<'a> {
    pub site: SiteCtx<'a>,
    /// `""` at the top of the output, `"../"` inside a guide folder.
    pub root: &'static str,
    pub page_title: String,
    pub page_description: &'a str,
    /// Markup later features add to every page (`<script>` tags); empty when unused.
    pub extra_head: &'a str,
    pub extra_body: &'a str,
    /// Whether the site has search (`[search] enabled`): shows the search box.
    pub search: bool,
    /// "Edit this page" (from `edit_url` in site.toml), for pages made from a file.
    pub edit_url: Option<String>,
    /// When the page last changed (front matter `updated`, else the last git commit).
    pub updated: Option<&'a str>,
    /// The page is a draft (built with `--drafts`): the theme marks it.
    pub draft: bool,
}

impl<'a> Common<'a> {
    /// For the page at output path `path`.
    pub fn new(config: &'a Config, path: &str, page_title: String, page_description: &'a str) -> Self {
        Common {
            site: SiteCtx { title: &config.title, description: &config.description, language: &config.language },
            root: root(path),
            page_title,
            page_description,
            extra_head: "",
            extra_body: "",
            search: config.search.enabled,
            edit_url: None,
            updated: None,
            draft: false,
        }
    }

    /// For a page made from the file at `source`.
    pub fn from_file(mut self, config: &Config, source: &str, updated: Option<&'a str>) -> Self {
        self.edit_url = config.edit_link(source);
        self.updated = updated;
        self
    }

    /// For a draft's page.
    pub fn draft(mut self, draft: bool) -> Self {
        self.draft = draft;
        self
    }
}

#[derive(Serialize)]
pub struct HomePage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub page: HomeCtx<'a>,
    /// Every guide, in the site's order.
    pub guides: Vec<GuideCard<'a>>,
    /// The same guides by `category`, groups in the order their first guide comes;
    /// guides without one form a group with no name.
    pub categories: Vec<Category<'a>>,
}

/// A group of guides on the home page.
#[derive(Serialize)]
pub struct Category<'a> {
    pub name: Option<&'a str>,
    pub guides: Vec<GuideCard<'a>>,
}

impl<'a> Category<'a> {
    /// Groups `guides` (in order) by category.
    pub fn group(guides: &'a [Guide], from: &str) -> Vec<Category<'a>> {
        let mut groups: Vec<Category<'a>> = Vec::new();
        for guide in guides {
            let name = guide.meta.category.as_deref();
            match groups.iter_mut().find(|g| g.name == name) {
                Some(group) => group.guides.push(GuideCard::new(guide, from)),
                None => groups.push(Category { name, guides: vec![GuideCard::new(guide, from)] }),
            }
        }
        groups
    }
}

/// The home page's own content: every front-matter field (`page.title`, ...) and its body.
#[derive(Serialize)]
pub struct HomeCtx<'a> {
    #[serde(flatten)]
    pub meta: &'a HomeMeta,
    pub body_html: &'a str,
    pub toc: &'a [TocEntry],
}

#[derive(Serialize, Clone)]
pub struct GuideCard<'a> {
    pub slug: &'a str,
    /// `guide` or `reference`.
    pub kind: GuideKind,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub symptoms: &'a [String],
    pub step_count: usize,
    pub url: String,
}

impl<'a> GuideCard<'a> {
    /// On the page at output path `from`.
    pub fn new(guide: &'a Guide, from: &str) -> Self {
        GuideCard {
            slug: &guide.slug,
            kind: guide.meta.kind,
            title: &guide.meta.title,
            summary: guide.meta.summary.as_deref(),
            symptoms: &guide.meta.symptoms,
            step_count: guide.steps.len(),
            url: relative(from, &guide_path(&guide.slug)),
        }
    }
}

#[derive(Serialize)]
pub struct GuidePage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub guide: GuideCtx<'a>,
    /// The guide's tags and `applies_to`, each linked to its page.
    pub tag_links: Vec<Link<'a>>,
    pub device_links: Vec<Link<'a>>,
    pub steps: Vec<StepItem<'a>>,
    pub costly_steps: Vec<StepItem<'a>>,
}

/// The guide a guide page shows: every front-matter field (`guide.title`, ...), its
/// slug and its body.
#[derive(Serialize)]
pub struct GuideCtx<'a> {
    #[serde(flatten)]
    pub meta: &'a GuideMeta,
    pub slug: &'a str,
    pub body_html: &'a str,
    pub toc: &'a [TocEntry],
}

impl<'a> GuideCtx<'a> {
    pub fn new(guide: &'a Guide) -> Self {
        GuideCtx { meta: &guide.meta, slug: &guide.slug, body_html: &guide.body.html, toc: &guide.body.toc }
    }
}

/// A step in a list of steps.
#[derive(Serialize, Clone)]
pub struct StepItem<'a> {
    pub number: usize,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub risk: &'static str,
    pub risk_label: &'static str,
    pub time: Option<&'a str>,
    pub side_effects: &'a [String],
    pub url: String,
}

impl<'a> StepItem<'a> {
    /// A step of `guide`, on the page at output path `from`.
    pub fn new(guide: &Guide, step: &'a Step, from: &str) -> Self {
        let m = &step.meta;
        StepItem {
            number: step.number,
            slug: &step.slug,
            title: &m.title,
            summary: m.summary.as_deref(),
            risk: m.risk.value.as_str(),
            risk_label: m.risk.value.label(),
            time: m.time.as_deref(),
            side_effects: &m.side_effects,
            url: relative(from, &step_path(&guide.slug, &step.slug)),
        }
    }
}

/// A link to a step from another step of the same guide.
#[derive(Serialize)]
pub struct StepRef<'a> {
    pub number: usize,
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
}

impl<'a> StepRef<'a> {
    /// A step of `guide`, on the page at output path `from`.
    pub fn new(guide: &Guide, step: &'a Step, from: &str) -> Self {
        let url = relative(from, &step_path(&guide.slug, &step.slug));
        StepRef { number: step.number, slug: &step.slug, title: &step.meta.title, url }
    }
}

#[derive(Serialize)]
pub struct StepPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub guide: GuideLink<'a>,
    pub step: StepCtx<'a>,
    /// The step's tags and `applies_to`, each linked to its page.
    pub tag_links: Vec<Link<'a>>,
    pub device_links: Vec<Link<'a>>,
    pub after: Vec<StepRef<'a>>,
    pub prev: Option<StepRef<'a>>,
    pub next: Option<StepRef<'a>>,
    /// Where "No" leads after the last step: the guide's help section, or the guide.
    pub last_resort_url: String,
}

#[derive(Serialize)]
pub struct GuideLink<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// The step a step page shows: every front-matter field (`step.title`,
/// `step.side_effects`, ...; `step.updated` is the front matter's, the page's date is
/// the top-level `updated`), its place, and what resolve made of `applies_to`.
#[derive(Serialize)]
pub struct StepCtx<'a> {
    #[serde(flatten)]
    pub meta: &'a StepMeta,
    pub number: usize,
    pub total: usize,
    pub slug: &'a str,
    pub risk_label: &'static str,
    pub applies_to: &'a [String],
    pub body_html: &'a str,
    pub toc: &'a [TocEntry],
}

impl<'a> StepCtx<'a> {
    pub fn new(guide: &'a Guide, step: &'a Step) -> Self {
        StepCtx {
            meta: &step.meta,
            number: step.number,
            total: guide.steps.len(),
            slug: &step.slug,
            risk_label: step.meta.risk.value.label(),
            applies_to: &step.applies_to,
            body_html: &step.body.html,
            toc: &step.body.toc,
        }
    }
}

#[derive(Serialize)]
pub struct StepsPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub guides: Vec<GuideSteps<'a>>,
}

#[derive(Serialize)]
pub struct GuideSteps<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub steps: Vec<StepItem<'a>>,
}

#[derive(Serialize)]
pub struct PlainPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
}

pub fn home_ctx(home: &Home) -> HomeCtx<'_> {
    HomeCtx { meta: &home.meta, body_html: &home.body.html, toc: &home.body.toc }
}

/// A link with its text (a tag or device badge).
#[derive(Serialize)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

/// Links to the term pages of `names`, from the page at `from`.
pub fn term_links<'a>(kind: TermKind, names: &'a [String], from: &str) -> Vec<Link<'a>> {
    names.iter().map(|name| Link { name, url: relative(from, &term_path(kind, name)) }).collect()
}

/// A page listing what carries a tag or applies to a device.
#[derive(Serialize)]
pub struct TermPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    /// `tag` or `device`.
    pub kind: &'static str,
    pub name: &'a str,
    pub guides: Vec<GuideCard<'a>>,
    pub steps: Vec<TermStep<'a>>,
}

/// A step on a term page, with the guide it belongs to.
#[derive(Serialize)]
pub struct TermStep<'a> {
    #[serde(flatten)]
    pub step: StepItem<'a>,
    pub guide_title: &'a str,
    pub guide_url: String,
}
