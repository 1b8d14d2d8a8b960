//! Typed template contexts: what each theme template can use, and how it is built
//! from the site model. URLs here are already relative to the page being rendered.

use std::borrow::Cow;

use serde::Serialize;

use crate::config::Config;
use crate::lang::strings::Strings;
use crate::model::{
    Branch, BranchTarget, Guide, GuideKind, GuideMeta, Home, HomeMeta, Risk, Step, StepMeta, TocEntry, Translation,
};
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
    /// `""` at the top of the output, `"../"` inside a guide folder; on `404.html`
    /// with `base_url` set, the site's absolute URL (a host serves it at any depth).
    pub root: String,
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
    /// The theme's words in the page's language (`{{ t.search }}`; `lang::strings`).
    pub t: &'a Strings,
    /// The words `search.js` and `progress.js` need, as JSON, when they differ from
    /// the scripts' own English (`base.html` puts them on `<body data-strings>`).
    pub script_strings: &'a str,
    /// The same page in each of the site's languages, the default first (for
    /// `hreflang` links and the language switcher); empty when the site has one.
    pub languages: Vec<Alternate>,
    /// On a page that has no translation yet, the language its text is in (the
    /// default one); the theme marks the page and sets `lang` on its text.
    pub content_language: Option<ContentLanguage<'a>>,
    /// A translation whose source changed after it: "may be out of date".
    pub translation_outdated: bool,
}

/// A page in one of the site's languages.
#[derive(Serialize)]
pub struct Alternate {
    pub code: String,
    /// What the switcher calls it ("Français").
    pub name: String,
    /// Relative to the page, or absolute with `base_url` (as `hreflang` wants).
    pub url: String,
    /// The page being rendered is this one.
    pub current: bool,
}

#[derive(Serialize)]
pub struct ContentLanguage<'a> {
    pub code: &'a str,
    /// What the page's language calls it ("anglais": `[language_names]` of the string
    /// tables), else its own name (site.toml's `name`).
    pub name: &'a str,
}

impl<'a> Common<'a> {
    /// For the page at output path `path`.
    pub fn new(config: &'a Config, t: &'a Strings, path: &str, page_title: String, page_description: &'a str) -> Self {
        Common {
            site: SiteCtx { title: &config.title, description: &config.description, language: &config.language },
            root: root(path).to_string(),
            page_title,
            page_description,
            extra_head: "",
            extra_body: "",
            search: config.search.enabled,
            edit_url: None,
            updated: None,
            draft: false,
            t,
            script_strings: t.script_json(),
            languages: alternates(config, path),
            content_language: None,
            translation_outdated: false,
        }
    }

    /// For a page made from the file at `source`.
    pub fn from_file(mut self, config: &'a Config, source: &str, updated: Option<&'a str>) -> Self {
        self.edit_url = config.edit_link(source);
        self.updated = updated;
        self
    }

    /// For a page whose text is `translation`: marked when it has none yet (its text
    /// is in the language it names) or may be out of date.
    pub fn translation(mut self, config: &'a Config, translation: &Translation) -> Self {
        self.content_language = translation
            .missing()
            .and_then(|code| config.language_named(code))
            .map(|l| ContentLanguage { code: &l.code, name: self.t.language_name(&l.code).unwrap_or(&l.name) });
        self.translation_outdated = *translation == Translation::Outdated;
        self
    }

    /// For a draft's page.
    pub fn draft(mut self, draft: bool) -> Self {
        self.draft = draft;
        self
    }
}

/// The page at `path` (in the language of `config`) in each of the site's languages.
fn alternates(config: &Config, path: &str) -> Vec<Alternate> {
    if !config.multilingual() {
        return Vec::new();
    }
    let here = format!("{}{path}", config.language_prefix(&config.language));
    config
        .languages
        .iter()
        .map(|l| {
            let there = format!("{}{path}", config.language_prefix(&l.code));
            let url = match &config.base_url {
                Some(base) => format!("{base}/{there}"),
                None => relative(&here, &there),
            };
            Alternate { code: l.code.clone(), name: l.name.clone(), url, current: l.code == config.language }
        })
        .collect()
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
    /// No translation yet: the code of the language it is shown in (the default one).
    pub untranslated: Option<&'a str>,
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
            untranslated: guide.translation.missing(),
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
    pub totals: Totals,
    /// The flow diagram, laid out at build time (the theme draws it as SVG).
    pub diagram: crate::render::diagram::Diagram,
    /// The printable whole guide.
    pub print_url: String,
}

/// `<guide>/print.html`: every step's full text in order.
#[derive(Serialize)]
pub struct PrintPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub guide: GuideCtx<'a>,
    pub guide_url: String,
    pub totals: Totals,
    pub steps: Vec<PrintStep<'a>>,
}

/// A step on the print page: its list entry, its full text and where it lives.
#[derive(Serialize)]
pub struct PrintStep<'a> {
    #[serde(flatten)]
    pub item: StepItem<'a>,
    pub prerequisites: &'a [String],
    pub if_fixed: Option<&'a str>,
    pub while_waiting: Option<&'a str>,
    pub body_html: &'a str,
    /// The step's address: absolute with `base_url`, else its path in the site.
    pub address: String,
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
    /// The body without its help section.
    pub intro_html: &'a str,
    /// The help section ("Still not fixed?"), shown after the last step.
    pub help_html: Option<&'a str>,
}

impl<'a> GuideCtx<'a> {
    pub fn new(guide: &'a Guide) -> Self {
        GuideCtx {
            meta: &guide.meta,
            slug: &guide.slug,
            body_html: &guide.body.html,
            toc: &guide.body.toc,
            intro_html: &guide.intro_html,
            help_html: guide.help_html.as_deref(),
        }
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
    pub risk_label: &'a str,
    /// Said in the page's language ([`Strings::duration`]), like `wait`.
    pub time: Option<Cow<'a, str>>,
    pub side_effects: &'a [String],
    pub url: String,
    /// `fix`, `preparation` or `check`.
    pub kind: &'static str,
    pub wait: Option<Cow<'a, str>>,
    /// What going there costs, said before the reader gets there: the first (worst)
    /// side effect of a caution or destructive step.
    pub warning: Option<&'a str>,
    /// No translation yet: the code of the language it is shown in (the default one).
    pub untranslated: Option<&'a str>,
}

impl<'a> StepItem<'a> {
    /// A step of `guide`, on the page at output path `from`.
    pub fn new(guide: &Guide, step: &'a Step, from: &str, t: &'a Strings) -> Self {
        let m = &step.meta;
        StepItem {
            number: step.number,
            slug: &step.slug,
            title: &m.title,
            summary: m.summary.as_deref(),
            risk: m.risk.value.as_str(),
            risk_label: t.risk(m.risk.value),
            time: m.time.as_deref().map(|d| t.duration(d)),
            side_effects: &m.side_effects,
            url: relative(from, &step_path(&guide.slug, &step.slug)),
            kind: m.kind.as_str(),
            wait: m.wait.as_deref().map(|d| t.duration(d)),
            warning: warning(step),
            untranslated: step.translation.missing(),
        }
    }
}

/// The cost to name on every link into `step`: its first side effect, when its risk
/// is not "safe" (authors list the worst side effect first).
pub fn warning(step: &Step) -> Option<&str> {
    (step.meta.risk.value != Risk::Safe).then(|| step.meta.side_effects.first().map(String::as_str)).flatten()
}

/// A link to a step from another step of the same guide.
#[derive(Serialize)]
pub struct StepRef<'a> {
    pub number: usize,
    pub slug: &'a str,
    pub title: &'a str,
    pub url: String,
    pub risk: &'static str,
    pub risk_label: &'a str,
    /// What the step costs (see [`warning`]), named on the link.
    pub warning: Option<&'a str>,
}

impl<'a> StepRef<'a> {
    /// A step of `guide`, on the page at output path `from`.
    pub fn new(guide: &Guide, step: &'a Step, from: &str, t: &'a Strings) -> Self {
        let url = relative(from, &step_path(&guide.slug, &step.slug));
        StepRef {
            number: step.number,
            slug: &step.slug,
            title: &step.meta.title,
            url,
            risk: step.meta.risk.value.as_str(),
            risk_label: t.risk(step.meta.risk.value),
            warning: warning(step),
        }
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
    /// Every step of the guide, compact (where am I, what comes next).
    pub overview: Vec<StepItem<'a>>,
    /// The step's alternatives, with their targets' URLs and costs.
    pub branches: Vec<BranchCtx<'a>>,
    /// The guide's help section, when it has one ("ask for help first").
    pub help_url: Option<String>,
}

/// One of a step's branches on its page: "No computer?" -> step 4 or the help section.
#[derive(Serialize)]
pub struct BranchCtx<'a> {
    pub when: &'a str,
    pub url: String,
    /// "Step 4: Try a different Wi-Fi network", or "Get help".
    pub label: String,
    pub risk: &'static str,
    pub warning: Option<&'a str>,
}

impl<'a> BranchCtx<'a> {
    /// `branch` of a step of `guide`, on the page at output path `from`.
    pub fn new(guide: &'a Guide, branch: &'a Branch, from: &str, t: &Strings) -> Self {
        match branch.target {
            BranchTarget::Step(i) => {
                let s = &guide.steps[i];
                BranchCtx {
                    when: &branch.when,
                    url: relative(from, &step_path(&guide.slug, &s.slug)),
                    label: t.fill("step_title", &[("n", &s.number.to_string()), ("title", &s.meta.title)]),
                    risk: s.meta.risk.value.as_str(),
                    warning: warning(s),
                }
            }
            BranchTarget::Help => BranchCtx {
                when: &branch.when,
                url: format!("{}#{}", relative(from, &guide_path(&guide.slug)), crate::resolve::HELP_ANCHOR),
                label: t.get("get_help").to_string(),
                risk: "safe",
                warning: None,
            },
        }
    }
}

/// A guide's time: the hands-on time of all its steps added up, and its longest wait.
#[derive(Serialize, Default)]
pub struct Totals {
    /// "2 h 10 min", or "1 h 40 min to 2 h 30 min" when times are ranges (rounded to 5
    /// minutes), or "1 h or more"; `None` when no step gives a time.
    pub hands_on: Option<String>,
    /// The longest `wait` as written, and the step it belongs to.
    pub longest_wait: Option<String>,
    pub longest_wait_step: Option<usize>,
}

impl Totals {
    pub fn new(guide: &Guide, t: &Strings) -> Self {
        use crate::parse::meta::{duration_range, format_seconds, OPEN};
        let times: Vec<(u64, u64)> =
            guide.steps.iter().filter_map(|s| duration_range(s.meta.time.as_deref()?)).collect();
        let (low, high) =
            times.iter().fold((0u64, 0u64), |(l, h), (a, b)| (l.saturating_add(*a), h.saturating_add(*b)));
        // A sum of estimates, said as one: to the nearest 5 minutes past 10 minutes.
        let round = |secs: u64| if secs > 600 && secs != OPEN { (secs + 150) / 300 * 300 } else { secs };
        let (low, high) = (round(low), round(high));
        let hands_on = (!times.is_empty()).then(|| {
            if high == OPEN {
                t.fill("time_or_more", &[("time", &format_seconds(low))])
            } else if low == high {
                format_seconds(low)
            } else {
                t.fill("time_range", &[("low", &format_seconds(low)), ("high", &format_seconds(high))])
            }
        });
        let longest = guide.steps.iter().filter_map(|s| Some((duration_range(s.meta.wait.as_deref()?)?.1, s))).fold(
            None::<(u64, &Step)>,
            |best, (w, s)| match best {
                Some((b, _)) if b >= w => best,
                _ => Some((w, s)),
            },
        );
        Totals {
            hands_on,
            longest_wait: longest.and_then(|(_, s)| s.meta.wait.as_deref().map(|w| t.duration(w).into_owned())),
            longest_wait_step: longest.map(|(_, s)| s.number),
        }
    }
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
    pub risk_label: &'a str,
    pub applies_to: &'a [String],
    pub body_html: &'a str,
    pub toc: &'a [TocEntry],
    /// `time` and `wait` said in the page's language ([`Strings::duration`]). They
    /// come after `meta`, whose own `time` and `wait` they replace in the context.
    pub time: Option<Cow<'a, str>>,
    pub wait: Option<Cow<'a, str>>,
}

impl<'a> StepCtx<'a> {
    pub fn new(guide: &'a Guide, step: &'a Step, t: &'a Strings) -> Self {
        StepCtx {
            meta: &step.meta,
            number: step.number,
            total: guide.steps.len(),
            slug: &step.slug,
            risk_label: t.risk(step.meta.risk.value),
            applies_to: &step.applies_to,
            body_html: &step.body.html,
            toc: &step.body.toc,
            time: step.meta.time.as_deref().map(|d| t.duration(d)),
            wait: step.meta.wait.as_deref().map(|d| t.duration(d)),
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
