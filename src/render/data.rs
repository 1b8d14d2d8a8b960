//! Machine-readable outputs: `steps.json` (every guide with its ordered steps and
//! all their front matter) and `sitemap.xml` (when `base_url` is set).

use serde::Serialize;

use crate::model::{Branch, BranchTarget, Guide, GuideMeta, Site, Step, StepMeta};
use crate::render::pages::{self, guide_path, step_path, Job, PageJob};

#[derive(Serialize)]
struct StepsJson<'a> {
    guides: Vec<GuideJson<'a>>,
}

/// A guide in `steps.json`: its slug, its front matter (every field of
/// [`GuideMeta`]), its page and its steps in order.
#[derive(Serialize)]
struct GuideJson<'a> {
    slug: &'a str,
    #[serde(flatten)]
    meta: &'a GuideMeta,
    /// Relative to the site root.
    url: String,
    steps: Vec<StepJson<'a>>,
}

/// A step in `steps.json`: its place, its front matter as written (every field of
/// [`StepMeta`]), and what resolve made of `after` and `applies_to`.
#[derive(Serialize)]
struct StepJson<'a> {
    number: usize,
    slug: &'a str,
    #[serde(flatten)]
    meta: &'a StepMeta,
    after: Vec<&'a str>,
    applies_to: &'a [String],
    /// The step's alternatives: the condition, and the step's slug or
    /// `#still-not-fixed` (the guide's help section).
    branches: Vec<BranchJson<'a>>,
    /// Relative to the site root.
    url: String,
}

#[derive(Serialize)]
struct BranchJson<'a> {
    when: &'a str,
    go_to: &'a str,
    /// The target's page (with `#still-not-fixed` for the help section), relative to the site root.
    url: String,
}

fn branch_json<'a>(guide: &'a Guide, branch: &'a Branch) -> BranchJson<'a> {
    match branch.target {
        BranchTarget::Step(i) => {
            let s = &guide.steps[i];
            BranchJson { when: &branch.when, go_to: &s.slug, url: step_path(&guide.slug, &s.slug) }
        }
        BranchTarget::Help => BranchJson {
            when: &branch.when,
            go_to: "#still-not-fixed",
            url: format!("{}#{}", guide_path(&guide.slug), crate::resolve::HELP_ANCHOR),
        },
    }
}

fn step_json<'a>(guide: &'a Guide, step: &'a Step) -> StepJson<'a> {
    StepJson {
        number: step.number,
        slug: &step.slug,
        meta: &step.meta,
        after: step.after.iter().map(|&a| guide.steps[a].slug.as_str()).collect(),
        applies_to: &step.applies_to,
        branches: step.branches.iter().map(|b| branch_json(guide, b)).collect(),
        url: step_path(&guide.slug, &step.slug),
    }
}

pub fn steps_json(site: &Site) -> Vec<u8> {
    let data = StepsJson {
        guides: site
            .guides
            .iter()
            .map(|g| GuideJson {
                slug: &g.slug,
                meta: &g.meta,
                url: guide_path(&g.slug),
                steps: g.steps.iter().map(|s| step_json(g, s)).collect(),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&data).expect("the step index serializes");
    json.push(b'\n');
    json
}

/// The sitemap lists every page a reader would look for (not 404, search, term pages
/// or aliases) by its absolute URL: home, all steps, then each guide and its steps,
/// with the date each last changed where it is known (`updated`, else git).
pub fn sitemap(site: &Site, jobs: &[PageJob<'_>], base_url: &str) -> Vec<u8> {
    let mut pages: Vec<(&str, Option<&str>)> =
        vec![(pages::HOME_PATH, site.home.updated.as_deref()), (pages::STEPS_PATH, None)];
    for job in jobs {
        match job.job {
            Job::Guide(guide) => pages.push((&job.path, guide.updated.as_deref())),
            Job::Step(guide, i) => pages.push((&job.path, guide.steps[i].updated.as_deref())),
            _ => {}
        }
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, updated) in pages {
        xml.push_str("  <url><loc>");
        pulldown_cmark_escape::escape_html(&mut xml, &format!("{base_url}/{path}"))
            .expect("writing to a String cannot fail");
        xml.push_str("</loc>");
        if let Some(date) = updated {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}
