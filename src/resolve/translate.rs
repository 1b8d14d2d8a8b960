//! Stage 3, pure, for a site with translations: one [`Site`] per declared language,
//! made from the default language's site and the translations into that language.
//!
//! A language's site has the same guides and steps, in the same order, as the
//! default one: order, `after`, risk, `branches` targets, `applies_to`, tags and
//! aliases come from the source, and a translation that writes one of them with a
//! different value is an error at that key. The translation's text (title, summary,
//! costs, body, ...) replaces the source's; a text key it leaves out keeps the
//! source's. A page with no translation keeps the source's text, marked
//! [`Translation::Missing`], so a reader's path through a guide has no hole and every
//! relative link written in Markdown lands on a page of the same language.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::Config;
use crate::diagnostics::{closest, Code, Diagnostic, Pos};
use crate::model::{
    BranchTarget, CopyFile, GuideMeta, HomeMeta, Located, Page, PageKind, PageLang, Site, SiteLanguage, Sources,
    StepMeta, StepRelations, Translation,
};
use crate::resolve::{links, split_help, HELP_ANCHOR};

/// The language of the default site: `language` in site.toml.
pub fn default_language(config: &Config) -> SiteLanguage {
    site_language(config, &config.languages[0])
}

fn site_language(config: &Config, l: &crate::config::Language) -> SiteLanguage {
    SiteLanguage {
        code: l.code.clone(),
        name: l.name.clone(),
        title: l.title.clone(),
        description: l.description.clone(),
        prefix: config.language_prefix(&l.code),
    }
}

/// Where a source page stands in the default site.
#[derive(Clone, Copy)]
enum Slot {
    Home,
    Guide(usize),
    Step(usize, usize),
}

/// The site of every language besides the default one (in site.toml's order), each
/// from `default` and the `translations` into it. `drafts`: the sources the default
/// site leaves out (their translations go with them). Translations marked `draft`
/// count as missing unless `include_drafts`; those in `outdated` (`lang::stale`) are
/// marked [`Translation::Outdated`].
pub fn languages(
    default: &Site,
    translations: Vec<Page>,
    sources: &Sources,
    config: &Config,
    drafts: &[String],
    include_drafts: bool,
    outdated: &BTreeSet<String>,
) -> (Vec<Site>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut slots: HashMap<&str, Slot> = HashMap::new();
    slots.insert(&default.home.source, Slot::Home);
    for (g, guide) in default.guides.iter().enumerate() {
        slots.insert(&guide.source, Slot::Guide(g));
        for (s, step) in guide.steps.iter().enumerate() {
            slots.insert(&step.source, Slot::Step(g, s));
        }
    }

    let mut by_language: BTreeMap<String, Vec<Page>> = BTreeMap::new();
    for page in translations {
        let Some(lang) = &page.lang else { continue };
        let declared = config.languages.iter().skip(1).any(|l| l.code == lang.code);
        if !declared {
            let message = if lang.code == config.language {
                format!(
                    "`{}` is the default language (`language` in site.toml), whose pages have no code in their names: {} is this page in `{}`; remove this file, or merge it into that one",
                    lang.code, lang.source, lang.code
                )
            } else {
                format!(
                    "this translates {} into `{}`, which site.toml does not declare: add a `[languages.{}]` table (with `name`, `title`, `description`)",
                    lang.source, lang.code, lang.code
                )
            };
            diagnostics.push(Diagnostic::error(&page.source, Pos::START, Code::UnknownLanguage, message));
            continue;
        }
        if !slots.contains_key(lang.source.as_str()) {
            if !drafts.contains(&lang.source) {
                let mut message =
                    format!("this translates {}, which does not exist: a translation stands beside its source, with the same name before `.{}.md`", lang.source, lang.code);
                // A typo in the name: among the pages of the same folder.
                let (folder, name) = lang.source.rsplit_once('/').unwrap_or(("", &lang.source));
                let names =
                    slots.keys().filter_map(|s| s.rsplit_once('/').filter(|(f, _)| *f == folder).map(|(_, n)| n));
                if let Some(close) = closest(name, names) {
                    message.push_str(&format!("; did you mean to translate {folder}/{close}?"));
                }
                diagnostics.push(Diagnostic::error(&page.source, Pos::START, Code::OrphanTranslation, message));
            }
            continue;
        }
        by_language.entry(lang.code.clone()).or_default().push(page);
    }

    let mut sites = Vec::new();
    for language in config.languages.iter().skip(1) {
        let mut site = untranslated(default, site_language(config, language));
        for page in by_language.remove(&language.code).unwrap_or_default() {
            let lang = page.lang.clone().expect("only translations are grouped");
            let slot = slots[lang.source.as_str()];
            let updated = sources.last_commit.get(&page.source).cloned();
            let draft = match &page.kind {
                PageKind::Home(_) => false,
                PageKind::Guide { meta, .. } => meta.draft,
                PageKind::Step { meta, .. } => meta.draft,
            };
            if draft && !include_drafts {
                continue;
            }
            let translation =
                if outdated.contains(&page.source) { Translation::Outdated } else { Translation::Translated };
            diagnostics.extend(apply(&mut site, slot, page, &lang, updated, translation));
        }
        // A translation may show files its source does not.
        let used = links::used_assets(&site);
        site.copies.retain(|c| !sources.assets.iter().any(|a| a.source == c.source));
        site.copies.extend(sources.assets.iter().filter(|a| used.contains(a.source.as_str())).cloned());
        site.copies.sort();
        sites.push(site);
    }
    (sites, diagnostics)
}

/// `default` in another language, before any translation: every page missing.
fn untranslated(default: &Site, language: SiteLanguage) -> Site {
    let mut site = default.clone();
    site.language = language;
    let missing = Translation::Missing(default.language.code.clone());
    site.home.translation = missing.clone();
    for guide in &mut site.guides {
        guide.translation = missing.clone();
        for step in &mut guide.steps {
            step.translation = missing.clone();
        }
    }
    site
}

/// Puts one translation in its place.
fn apply(
    site: &mut Site,
    slot: Slot,
    page: Page,
    lang: &PageLang,
    updated: Option<String>,
    translation: Translation,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let written = |key: &str| lang.keys.iter().find(|(k, _)| k == key).map(|(_, pos)| *pos);
    let mut changed = |key: &str, source_value: String, value: String| {
        if let Some(pos) = written(key) {
            let message = format!(
                "a translation cannot change `{key}`: its source {} says {source_value}, this says {value}; `{key}` comes from the source, so leave it out here",
                lang.source
            );
            diagnostics.push(Diagnostic::error(&page.source, pos, Code::TranslationChangesSource, message));
        }
    };
    match (slot, page.kind) {
        (Slot::Home, PageKind::Home(meta)) => {
            let home = &mut site.home;
            home.meta = HomeMeta {
                title: meta.title,
                description: meta.description.or(home.meta.description.take()),
                extra: if written("extra").is_some() { meta.extra } else { std::mem::take(&mut home.meta.extra) },
                translated_from: meta.translated_from,
            };
            home.body = page.body;
            home.source = page.source;
            home.updated = updated;
            home.translation = translation;
        }
        (Slot::Guide(g), PageKind::Guide { meta, .. }) => {
            let guide = &mut site.guides[g];
            let source = &guide.meta;
            compare(Shared::from(source), Shared::from(&meta), &mut changed);
            if meta.applies_to != source.applies_to {
                changed("applies_to", list(&source.applies_to), list(&meta.applies_to));
            }
            let keep = |key: &str| written(key).is_none();
            let old = std::mem::take(&mut guide.meta);
            guide.meta = GuideMeta {
                title: meta.title,
                summary: meta.summary.or(old.summary),
                category: meta.category.or(old.category),
                symptoms: if keep("symptoms") { old.symptoms } else { meta.symptoms },
                error_messages: if keep("error_messages") { old.error_messages } else { meta.error_messages },
                extra: if keep("extra") { old.extra } else { meta.extra },
                translated_from: meta.translated_from,
                ..old
            };
            let has_help = page.body.anchors.iter().any(|a| a == HELP_ANCHOR);
            if guide.help_anchor.is_some() && !has_help {
                let message = format!(
                    "the source {} has a help section (the heading with id `{HELP_ANCHOR}`, where each step's \"No\" leads), and this translation has none: give the translated heading that id, as in `## Toujours pas résolu ? {{#{HELP_ANCHOR}}}`",
                    lang.source
                );
                diagnostics.push(Diagnostic::error(&page.source, Pos::START, Code::TranslationChangesSource, message));
            }
            let (intro_html, help_html) = split_help(&page.body.html);
            guide.intro_html = intro_html;
            guide.help_html = help_html;
            guide.body = page.body;
            guide.source = page.source;
            guide.updated = updated;
            guide.translation = translation;
        }
        (Slot::Step(g, s), PageKind::Step { meta, relations, .. }) => {
            let guide = &mut site.guides[g];
            let slugs: Vec<String> = guide.steps.iter().map(|s| s.slug.clone()).collect();
            let step = &mut guide.steps[s];
            let source = &step.meta;
            compare(Shared::from(source), Shared::from(&meta), &mut changed);
            if meta.risk.value != source.risk.value {
                let risk = |m: &StepMeta| format!("\"{}\"", m.risk.value.as_str());
                changed("risk", risk(source), risk(&meta));
            }
            let after: Vec<String> = step.after.iter().map(|&i| slugs[i].clone()).collect();
            let written_after: Vec<String> = relations.after.iter().map(|a| a.value.clone()).collect();
            if written_after != after {
                changed("after", list(&after), list(&written_after));
            }
            if relations.applies_to.as_ref().is_some_and(|a| *a != step.applies_to) {
                changed("applies_to", list(&step.applies_to), list(relations.applies_to.as_deref().unwrap_or(&[])));
            }
            branches(step, &slugs, &relations, &mut changed);
            let keep = |key: &str| written(key).is_none();
            let old = std::mem::take(&mut step.meta);
            step.meta = StepMeta {
                title: meta.title,
                summary: meta.summary.or(old.summary),
                time: meta.time.or(old.time),
                wait: meta.wait.or(old.wait),
                while_waiting: meta.while_waiting.or(old.while_waiting),
                if_fixed: meta.if_fixed.or(old.if_fixed),
                side_effects: if keep("side_effects") { old.side_effects } else { meta.side_effects },
                prerequisites: if keep("prerequisites") { old.prerequisites } else { meta.prerequisites },
                sources: if keep("sources") { old.sources } else { meta.sources },
                extra: if keep("extra") { old.extra } else { meta.extra },
                updated: meta.updated.clone().or(old.updated),
                translated_from: meta.translated_from,
                pos: meta.pos,
                ..old
            };
            step.updated = meta.updated.or(updated).or(step.updated.take());
            step.body = page.body;
            step.source = page.source;
            step.translation = translation;
        }
        _ => unreachable!("a translation stands where its source does, so it is the same kind of page"),
    }
    diagnostics
}

/// What a guide's and a step's front matter have in common that only the source says.
struct Shared<'m> {
    kind: &'static str,
    order: Option<i64>,
    tags: &'m [String],
    aliases: Vec<&'m str>,
}

impl<'m> Shared<'m> {
    fn new(
        kind: &'static str,
        order: &Option<Located<i64>>,
        tags: &'m [String],
        aliases: &'m [Located<String>],
    ) -> Self {
        let aliases = aliases.iter().map(|a| a.value.as_str()).collect();
        Shared { kind, order: order.as_ref().map(|o| o.value), tags, aliases }
    }
}

impl<'m> From<&'m GuideMeta> for Shared<'m> {
    fn from(m: &'m GuideMeta) -> Self {
        Shared::new(m.kind.as_str(), &m.order, &m.tags, &m.aliases)
    }
}

impl<'m> From<&'m StepMeta> for Shared<'m> {
    fn from(m: &'m StepMeta) -> Self {
        Shared::new(m.kind.as_str(), &m.order, &m.tags, &m.aliases)
    }
}

/// Reports each of the shared keys that the translation (`written`) changes.
fn compare(source: Shared<'_>, written: Shared<'_>, changed: &mut impl FnMut(&str, String, String)) {
    if written.kind != source.kind {
        changed("kind", format!("\"{}\"", source.kind), format!("\"{}\"", written.kind));
    }
    if written.order != source.order {
        changed("order", shown(&source.order), shown(&written.order));
    }
    if written.tags != source.tags {
        changed("tags", list(source.tags), list(written.tags));
    }
    if written.aliases != source.aliases {
        let quoted = |a: &[&str]| list(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        changed("aliases", quoted(&source.aliases), quoted(&written.aliases));
    }
}

/// A step's `branches` in a translation: the same targets in the same order, whose
/// conditions (`when`) replace the source's.
fn branches(
    step: &mut crate::model::Step,
    slugs: &[String],
    relations: &StepRelations,
    changed: &mut impl FnMut(&str, String, String),
) {
    if relations.branches.is_empty() {
        return;
    }
    let target = |t: BranchTarget| match t {
        BranchTarget::Step(i) => slugs[i].clone(),
        BranchTarget::Help => format!("#{HELP_ANCHOR}"),
    };
    let source: Vec<String> = step.branches.iter().map(|b| target(b.target)).collect();
    let written: Vec<String> = relations.branches.iter().map(|b| b.go_to.value.clone()).collect();
    if source != written {
        changed("branches", format!("`go_to` {}", list(&source)), format!("`go_to` {}", list(&written)));
        return;
    }
    for (branch, spec) in step.branches.iter_mut().zip(&relations.branches) {
        branch.when = spec.when.clone();
    }
}

fn shown(order: &Option<i64>) -> String {
    order.map_or_else(|| "nothing".to_string(), |o| o.to_string())
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The links of a language's translated pages, checked against the pages they land
/// on in that language (the untranslated pages' links are the default site's, and
/// checked there).
pub fn check_links(site: &Site, assets: &[CopyFile], drafts: &[String]) -> Vec<Diagnostic> {
    links::check_some(site, assets, drafts, &|source| crate::lang::split(source).1.is_some())
}

#[cfg(test)]
mod tests {
    use crate::build::{parse_all, structure};
    use crate::model::{SourceFile, Sources, Translation};

    fn build(files: &[(&str, &str)]) -> (Vec<crate::model::Site>, Vec<String>) {
        let (config, d) = crate::config::parse(Some("title = \"T\"\n[languages.fr]\nname = \"Français\"\n"));
        assert!(d.is_empty(), "{d:?}");
        let pages: Vec<SourceFile> =
            files.iter().map(|(path, text)| SourceFile { path: path.to_string(), text: text.to_string() }).collect();
        let sources = Sources { pages, ..Default::default() };
        let (pages, mut diagnostics) = parse_all(&sources.pages, &config);
        let s = structure(pages, &sources, &config, false, &Default::default());
        diagnostics.extend(s.diagnostics);
        let mut sites = vec![s.site.expect("a site")];
        sites.extend(s.languages);
        (sites, diagnostics.iter().map(ToString::to_string).collect())
    }

    const HOME: (&str, &str) = ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    const GUIDE: (&str, &str) = ("content/g/_index.md", "+++\ntitle = \"Guide\"\n+++\n");

    #[test]
    fn a_translation_replaces_the_text_it_writes_and_keeps_the_rest() {
        let step = "+++\ntitle = \"Reset\"\nrisk = \"caution\"\nsummary = \"Starts over\"\ntime = \"5 min\"\nside_effects = [\"Forgets Wi-Fi passwords\"]\n+++\nBody\n";
        let fr = "+++\ntitle = \"Réinitialiser\"\nrisk = \"caution\"\nside_effects = [\"Oublie les mots de passe Wi-Fi\"]\n+++\nCorps\n";
        let (sites, d) = build(&[HOME, GUIDE, ("content/g/reset.md", step), ("content/g/reset.fr.md", fr)]);
        assert!(d.is_empty(), "{d:?}");
        let (en, fr) = (&sites[0].guides[0].steps[0], &sites[1].guides[0].steps[0]);
        assert_eq!((en.meta.title.as_str(), fr.meta.title.as_str()), ("Reset", "Réinitialiser"));
        assert_eq!(fr.meta.side_effects, ["Oublie les mots de passe Wi-Fi"]);
        // Not written: the source's, in the source's language.
        assert_eq!((fr.meta.summary.as_deref(), fr.meta.time.as_deref()), (Some("Starts over"), Some("5 min")));
        assert_eq!(fr.meta.risk.value, en.meta.risk.value);
        assert_eq!((fr.source.as_str(), fr.body.html.as_str()), ("content/g/reset.fr.md", "<p>Corps</p>\n"));
        assert_eq!((&en.translation, &fr.translation), (&Translation::Source, &Translation::Translated));
        assert_eq!(sites[1].language.prefix, "fr/");
        // The guide has no translation: the French site shows the source's, marked.
        assert_eq!(sites[1].guides[0].translation, Translation::Missing("en".into()));
        assert_eq!(sites[1].guides[0].meta.title, "Guide");
    }

    #[test]
    fn a_draft_translation_is_missing_until_it_is_published() {
        let fr = "+++\ntitle = \"Brouillon\"\ndraft = true\n+++\n";
        let (sites, d) =
            build(&[HOME, GUIDE, ("content/g/s.md", "+++\ntitle = \"S\"\n+++\n"), ("content/g/s.fr.md", fr)]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(sites[1].guides[0].steps[0].meta.title, "S");
        assert_eq!(sites[1].guides[0].steps[0].translation, Translation::Missing("en".into()));
    }

    #[test]
    fn branches_keep_their_targets_and_take_the_translated_conditions() {
        let a = "+++\ntitle = \"A\"\norder = 1\nbranches = [{ when = \"No?\", go_to = \"b\" }]\n+++\n";
        let ok = "+++\ntitle = \"A fr\"\nbranches = [{ when = \"Non ?\", go_to = \"b\" }]\n+++\n";
        let b = ("content/g/b.md", "+++\ntitle = \"B\"\norder = 2\n+++\n");
        let (sites, d) = build(&[HOME, GUIDE, ("content/g/a.md", a), ("content/g/a.fr.md", ok), b]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(sites[1].guides[0].steps[0].branches[0].when, "Non ?");
        let moved = "+++\ntitle = \"A fr\"\nbranches = [{ when = \"Non ?\", go_to = \"a\" }]\n+++\n";
        let (_, d) = build(&[HOME, GUIDE, ("content/g/a.md", a), ("content/g/a.fr.md", moved), b]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("content/g/a.fr.md:3:1: error: a translation cannot change `branches`"), "{d:?}");
    }
}
