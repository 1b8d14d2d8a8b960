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
/// with the date each last changed where it is known (`updated`, else git). A site in
/// several languages lists each page in every language (`sites`, the default first),
/// each with its alternates (`hreflang`), as search engines read them.
pub fn sitemap(sites: &[Site], jobs: &[PageJob<'_>], base_url: &str) -> Vec<u8> {
    // (path, the page's index among the guides and steps, for its dates.)
    enum Place {
        Home,
        Steps,
        Guide(usize),
        Step(usize, usize),
    }
    let default = &sites[0];
    let index =
        |guide: &Guide| default.guides.iter().position(|g| std::ptr::eq(g, guide)).expect("a guide of the site");
    let mut pages: Vec<(&str, Place)> = vec![(pages::HOME_PATH, Place::Home), (pages::STEPS_PATH, Place::Steps)];
    for job in jobs {
        match job.job {
            Job::Guide(guide) => pages.push((&job.path, Place::Guide(index(guide)))),
            Job::Step(guide, i) => pages.push((&job.path, Place::Step(index(guide), i))),
            _ => {}
        }
    }
    let multilingual = sites.len() > 1;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if multilingual {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    let url = |xml: &mut String, site: &Site, path: &str| {
        pulldown_cmark_escape::escape_html(xml, &format!("{base_url}/{}{path}", site.language.prefix))
            .expect("writing to a String cannot fail");
    };
    for site in sites {
        for (path, place) in &pages {
            let updated = match *place {
                Place::Home => site.home.updated.as_deref(),
                Place::Steps => None,
                Place::Guide(g) => site.guides[g].updated.as_deref(),
                Place::Step(g, s) => site.guides[g].steps[s].updated.as_deref(),
            };
            xml.push_str("  <url><loc>");
            url(&mut xml, site, path);
            xml.push_str("</loc>");
            if let Some(date) = updated {
                xml.push_str(&format!("<lastmod>{date}</lastmod>"));
            }
            if multilingual {
                for other in sites {
                    xml.push_str(&format!(
                        "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"",
                        other.language.code
                    ));
                    url(&mut xml, other, path);
                    xml.push_str("\"/>");
                }
                xml.push_str("\n  ");
            }
            xml.push_str("</url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}
