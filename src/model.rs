//! The values that flow between the pipeline's stages.
//!
//! `load` produces [`Sources`]; `parse` turns each Markdown source into a [`Page`];
//! `resolve` checks links and orders steps into a [`Site`]; `render` turns the site
//! into an [`Output`]; `write` puts the output on disk. Nothing here touches the disk.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostics::Pos;

/// A text file read from the site folder. `path` is relative to the site folder,
/// with `/` separators (`content/icloud-backup/restart.md`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A file that is copied, not read: `path` is where it lands in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CopyFile {
    /// Output path, relative to the output folder, `/` separators.
    pub path: String,
    /// Where it is on disk.
    pub disk: PathBuf,
    /// Where it came from, relative to the site folder (for messages).
    pub source: String,
}

/// A theme: its templates (read) and its static files (copied).
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: Vec<SourceFile>,
    pub static_files: Vec<CopyFile>,
    /// Static files built into the binary (the default theme when the site has none).
    pub embedded_static: Vec<(String, &'static [u8])>,
}

/// Everything `load` read from the site folder.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The Markdown files under `content/`, sorted by path.
    pub pages: Vec<SourceFile>,
    /// Other files under `content/` (images, PDFs), sorted by path.
    pub assets: Vec<CopyFile>,
    /// Files under `static/`, copied as they are.
    pub static_files: Vec<CopyFile>,
    pub theme: Theme,
    /// String tables (`lang::strings`): the site theme's (`themes/<name>/i18n/*.toml`),
    /// then the site's own (`i18n/*.toml`), sorted by path.
    pub i18n: Vec<SourceFile>,
    /// Source path -> date of its last git commit (`YYYY-MM-DD`), when the site is a
    /// git checkout.
    pub last_commit: std::collections::BTreeMap<String, String>,
    /// The content files' commits (and what is not committed yet), when the site is a
    /// git checkout: for the stale-translation check (`lang::stale`).
    pub history: crate::git::History,
}

/// How much a step can cost the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    #[default]
    Safe,
    Caution,
    Destructive,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Safe, Risk::Caution, Risk::Destructive];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Caution => "caution",
            Risk::Destructive => "destructive",
        }
    }
}

/// A value with the place it was written. It serializes as the value alone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Front matter of `content/_index.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HomeMeta {
    pub title: String,
    pub description: Option<String>,
    /// `[extra]`: the site's own keys, kept as written.
    pub extra: Extra,
    /// A translation's hash of its source's text when it was translated (`lang::stale`).
    #[serde(skip)]
    pub translated_from: Option<Located<String>>,
}

/// `[extra]` in front matter: keys of the site's own (an author, a KB number),
/// typed as written, for themes and `steps.json`.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// What a guide folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GuideKind {
    /// Troubleshooting steps, numbered, from least to most invasive.
    #[default]
    Guide,
    /// Reference articles (an error-code table, background): not steps, so no
    /// number, risk or "Did this fix it?"; listed by `order`, then title.
    Reference,
}

impl GuideKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GuideKind::Guide => "guide",
            GuideKind::Reference => "reference",
        }
    }
}

/// Front matter of `content/<guide>/_index.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GuideMeta {
    pub title: String,
    pub kind: GuideKind,
    /// Where the guide stands among the guides (lowest first; then by title).
    pub order: Option<Located<i64>>,
    /// The group the home page lists the guide under.
    pub category: Option<String>,
    pub summary: Option<String>,
    pub symptoms: Vec<String>,
    pub error_messages: Vec<String>,
    pub applies_to: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// Old output paths that lead here (`old-guide/index.html`).
    pub aliases: Vec<Located<String>>,
    pub extra: Extra,
    /// A translation's hash of its source's text when it was translated (`lang::stale`).
    #[serde(skip)]
    pub translated_from: Option<Located<String>>,
}

/// Front matter of `content/<guide>/<step>.md`: the fields that mean the same
/// before and after `resolve`. A new step field goes here and in the schema
/// (`parse::meta::read_step`); the step page's template context and `steps.json`
/// take this struct whole, so they need nothing more (see ARCHITECTURE.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepMeta {
    pub title: String,
    pub order: Option<Located<i64>>,
    pub summary: Option<String>,
    /// `safe` where the front matter says nothing (placed at the front matter's start).
    pub risk: Located<Risk>,
    pub time: Option<String>,
    pub side_effects: Vec<String>,
    pub prerequisites: Vec<String>,
    pub tags: Vec<String>,
    /// `YYYY-MM-DD`, as written (see [`Step::updated`] for what pages show).
    pub updated: Option<String>,
    pub draft: bool,
    /// Where the step's facts come from, shown at the end of its page.
    pub sources: Vec<Source>,
    /// What the step is for: a fix (the default), a preparation or a check; it decides
    /// what the page asks at the end ("Did this fix it?" or "Done? Continue").
    pub kind: StepKind,
    /// What to do when the step worked ("add your cards to Wallet again").
    pub if_fixed: Option<String>,
    /// How long the result takes to show after the hands-on part (`time`), same form.
    pub wait: Option<String>,
    /// What to do during the wait.
    pub while_waiting: Option<String>,
    /// Old output paths that lead here (`old-guide/old-step.html`).
    pub aliases: Vec<Located<String>>,
    pub extra: Extra,
    /// A translation's hash of its source's text when it was translated (`lang::stale`).
    #[serde(skip)]
    pub translated_from: Option<Located<String>>,
    /// Where the front matter starts (for messages about the step as a whole).
    #[serde(skip)]
    pub pos: Pos,
}

/// What a step is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Tries to fix the problem: the page asks "Did this fix it?".
    #[default]
    Fix,
    /// Makes a later step safe (a backup): "Done? Continue with step N".
    Preparation,
    /// Finds something out: "Done? Continue", with its branches.
    Check,
}

impl StepKind {
    pub const ALL: [StepKind; 3] = [StepKind::Fix, StepKind::Preparation, StepKind::Check];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Fix => "fix",
            StepKind::Preparation => "preparation",
            StepKind::Check => "check",
        }
    }
}

/// One of a step's `branches` as written: a condition and where it leads (a step's
/// slug, or `#still-not-fixed` for the guide's help section).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BranchSpec {
    pub when: String,
    pub go_to: Located<String>,
}

/// Where a resolved branch leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BranchTarget {
    /// A step of the same guide, by index into its `steps`.
    Step(usize),
    /// The guide's help section ("Still not fixed?").
    Help,
}

/// A resolved branch: "No computer?" -> step 4.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Branch {
    pub when: String,
    pub target: BranchTarget,
}

/// One entry of a step's `sources`: a page its instructions rest on.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Source {
    pub title: String,
    /// `http(s)://...`; `check --external` asks it like any outside link.
    pub url: Located<String>,
}

/// What a step's front matter says about other steps and its guide, as written.
/// `resolve` turns it into [`Step::after`] and [`Step::applies_to`]; nothing after
/// `resolve` sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepRelations {
    /// Slugs of the steps this one comes after.
    pub after: Vec<Located<String>>,
    /// `None` means "the guide's".
    pub applies_to: Option<Vec<String>>,
    /// Alternatives the step offers, targets as written.
    pub branches: Vec<BranchSpec>,
}

/// What a Markdown file is, from where it stands under `content/`.
// One per Markdown file, moved rather than copied: boxing the step's front matter
// would buy nothing measurable.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum PageKind {
    Home(HomeMeta),
    Guide { slug: String, meta: GuideMeta },
    Step { guide: String, slug: String, meta: StepMeta, relations: StepRelations },
}

/// A parsed Markdown file: its front matter checked, its body rendered to HTML.
#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to the site folder.
    pub source: String,
    pub kind: PageKind,
    /// Shared, so that `serve` can keep parsed pages and hand them to `resolve`
    /// again without copying every body.
    pub body: Arc<Rendered>,
    /// For a translation (`step.fr.md`): its language and the front-matter keys it
    /// writes; `None` for a page in the default language.
    pub lang: Option<PageLang>,
}

/// What `resolve` needs to know of a translation beyond its front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageLang {
    pub code: String,
    /// The source it translates (`content/g/s.md` for `content/g/s.fr.md`).
    pub source: String,
    /// Each front-matter key written, and where (a translation may not change the
    /// source's order or risk: the error goes at the key).
    pub keys: Vec<(String, Pos)>,
}

/// The rendered body of a page and what it mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link may point at (`#anchor`).
    pub anchors: Vec<String>,
    /// Internal links and images, for `resolve` to check.
    pub links: Vec<LinkRef>,
    /// The plain text, cut at headings (for search and summaries).
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Plain text under one heading (the first section has no heading).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: Option<TocEntry>,
    pub text: String,
}

/// An internal link found in a body, already rewritten in the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub target: LinkTarget,
    /// The destination as written.
    pub written: String,
    pub pos: Pos,
    /// The file the link is written in when it is not the page's own (a shared
    /// snippet the page includes): `pos` is in that file.
    pub in_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another page (or this one), by source path (`content/g/s.md`).
    Page { source: String, anchor: Option<String> },
    /// A file beside the pages, by source path (`content/g/photo.png`).
    Asset { source: String },
    /// An anchor on the same page.
    Anchor(String),
    /// An `http(s)://` link, checked only by `remedy check --external`.
    External(String),
}

/// The language a [`Site`] is in, and where its pages go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteLanguage {
    /// `en`, `fr`, `pt-BR`.
    pub code: String,
    /// What the language switcher calls it ("Français").
    pub name: String,
    /// The site's title and description in this language.
    pub title: String,
    pub description: String,
    /// The folder its pages go in: `""` for the default language, `"fr/"` for others.
    pub prefix: String,
}

/// How a page of a language's site came to be in that language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Translation {
    /// The default language's own page.
    #[default]
    Source,
    /// A translation (`step.fr.md`).
    Translated,
    /// A translation whose source changed after it (`lang::stale`): it may be out of
    /// date, and its page says so.
    Outdated,
    /// No translation yet: the source's text, in the source's language (its code).
    Missing(String),
}

impl Translation {
    /// The code of the language the text is in, when it is not the site's.
    pub fn missing(&self) -> Option<&str> {
        match self {
            Translation::Missing(code) => Some(code),
            _ => None,
        }
    }
}

/// The checked site: guides with their steps in order, in one language. A site with
/// translations is one `Site` per language (the default first), all with the same
/// guides and steps in the same order (see `resolve::translate`).
#[derive(Debug, Clone)]
pub struct Site {
    pub language: SiteLanguage,
    pub home: Home,
    pub guides: Vec<Guide>,
    /// Files to copy: content assets, theme static files, site static files.
    pub copies: Vec<CopyFile>,
    pub embedded_static: Vec<(String, &'static [u8])>,
}

#[derive(Debug, Clone)]
pub struct Home {
    pub source: String,
    pub meta: HomeMeta,
    pub body: Arc<Rendered>,
    /// When the page last changed: nothing for the home page's front matter, so the
    /// file's last commit, if known.
    pub updated: Option<String>,
    pub translation: Translation,
}

#[derive(Debug, Clone)]
pub struct Guide {
    pub slug: String,
    pub source: String,
    pub meta: GuideMeta,
    pub body: Arc<Rendered>,
    /// The file's last commit date, if known.
    pub updated: Option<String>,
    /// In step order; `Step::number` is the index plus one.
    pub steps: Vec<Step>,
    /// The id of the guide's "what to do when no step worked" section (a heading
    /// "Still not fixed?", id `still-not-fixed`), where each step's "No" leads.
    pub help_anchor: Option<String>,
    /// The guide's body up to its help section (the whole body when it has none).
    pub intro_html: String,
    /// The help section ("Still not fixed?", its heading included), shown after the
    /// last step; split from the body by resolve.
    pub help_html: Option<String>,
    pub translation: Translation,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub slug: String,
    pub number: usize,
    pub source: String,
    pub meta: StepMeta,
    pub body: Arc<Rendered>,
    /// `updated` from the front matter, or else the file's last commit date.
    pub updated: Option<String>,
    /// The steps `after` names, as indices into the guide's `steps`, in the order
    /// written.
    pub after: Vec<usize>,
    /// The step's `applies_to`, or else the guide's.
    pub applies_to: Vec<String>,
    /// The step's `branches`, targets resolved.
    pub branches: Vec<Branch>,
    pub translation: Translation,
}

/// A file to write, with its output path (relative, `/` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// Everything a build writes.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: Vec<OutputFile>,
    pub copies: Vec<CopyFile>,
}
