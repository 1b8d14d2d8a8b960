//! The checks that `remedy check` adds to those of `build`: things that are not
//! wrong enough to stop a build, but that a reviewer would want to hear about.

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::{CopyFile, GuideKind, Risk, Site};

/// The tag that marks a step as one that backs the reader's data up.
pub const BACKUP_TAG: &str = "backup";

/// The review checks; `require_sources` is `require_sources` from site.toml.
pub fn lint(site: &Site, assets: &[CopyFile], require_sources: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for guide in &site.guides {
        if guide.steps.is_empty() {
            let message = format!("this guide has no steps yet: add content/{}/<step>.md files", guide.slug);
            out.push(Diagnostic::warning(&guide.source, Pos::START, Code::EmptyGuide, message));
        }
        // Reference articles are not steps: no risk, no order to review.
        let steps = guide.meta.kind == GuideKind::Guide;
        let mut titles: HashMap<String, &str> = HashMap::new();
        let mut backed_up = false;
        for step in &guide.steps {
            let m = &step.meta;
            if steps && m.risk.value == Risk::Safe && !m.side_effects.is_empty() {
                let message = "this step has side effects but its risk is \"safe\"; set `risk = \"caution\"` (or \"destructive\" if data is lost)";
                out.push(Diagnostic::warning(&step.source, m.risk.pos, Code::SafeWithSideEffects, message));
            }
            if steps && m.risk.value == Risk::Destructive && !backed_up {
                let message = format!(
                    "this destructive step has no earlier step tagged `{BACKUP_TAG}`: add a step that backs the data up before it"
                );
                out.push(Diagnostic::warning(&step.source, m.risk.pos, Code::NoBackupFirst, message));
            }
            backed_up |= m.tags.iter().any(|t| t == BACKUP_TAG);
            if let Some(other) = titles.insert(m.title.to_lowercase(), &step.source) {
                let message = format!("another step of this guide has the same title: {other}");
                out.push(Diagnostic::warning(&step.source, m.pos, Code::DuplicateTitle, message));
            }
            if require_sources && m.sources.is_empty() {
                let message = "this step lists no `sources`, and site.toml asks for them (`require_sources = true`): add where its facts come from";
                out.push(Diagnostic::warning(&step.source, m.pos, Code::NoSources, message));
            }
            if step.body.html.trim().is_empty() {
                let message = "this step has no instructions: write them below the front matter";
                out.push(Diagnostic::warning(&step.source, m.pos, Code::EmptyStep, message));
            }
        }
    }
    out.extend(unused_files(site, assets));
    out
}

/// Files in `content/` that no page links to or shows (they are not copied).
fn unused_files(site: &Site, assets: &[CopyFile]) -> Vec<Diagnostic> {
    let used = super::links::used_assets(site);
    assets
        .iter()
        .filter(|a| !used.contains(&a.source))
        .map(|a| {
            let message = "no page links to or shows this file, so it is not copied; link it from a page or remove it";
            Diagnostic::warning(&a.source, Pos::START, Code::UnusedFile, message)
        })
        .collect()
}

/// `404.html` is served by hosts for a missing page at any depth (`/a/b/missing`),
/// where its relative links would break; only `base_url` lets it link absolutely.
pub fn relative_404(has_base_url: bool) -> Option<Diagnostic> {
    (!has_base_url).then(|| {
        let message = "site.toml has no `base_url`: 404.html links relatively, so a host that serves it for a missing page in a folder (/guide/missing) shows it without its stylesheet and with broken links; set `base_url = \"https://...\"` (opening the site from disk needs nothing)";
        Diagnostic::warning("site.toml", Pos::START, Code::Relative404, message)
    })
}
