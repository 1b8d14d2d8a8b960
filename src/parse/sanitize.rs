//! Sanitizing raw HTML in Markdown bodies with ammonia, and the link-scheme policy.
//!
//! Only bodies that contain raw HTML are sanitized (most do not), so the cost is
//! paid where it is needed. The allow-list keeps everything remedy's own Markdown
//! rendering produces (classes, ids, task-list checkboxes, table alignment) and drops
//! scripts, event handlers, frames and `javascript:` URLs.
//!
//! [`removed`] says, tag by tag, what [`clean`] takes out of raw HTML, from the same
//! allow-list, so the warning names each thing and where it is written.
//!
//! Link schemes: web and messaging ones (ammonia's list: `https`, `mailto`, `tel`...),
//! the app schemes support guides use to open a settings page or an app store
//! ([`APP_SCHEMES`]), and a site's own (`link_schemes` in `site.toml`). The same
//! policy holds for Markdown links (`destination`) and raw HTML.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::Builder;

use crate::parse::raw_html::Tag;

/// Schemes that open an app or a settings page: kept in links.
pub const APP_SCHEMES: &[&str] = &[
    // Apple: App Store, Mac App Store, System Settings, iOS Settings, FaceTime, Shortcuts
    "itms-apps",
    "itms-appss",
    "macappstore",
    "x-apple.systempreferences",
    "app-prefs",
    "prefs",
    "facetime",
    "facetime-audio",
    "shortcuts",
    // Microsoft: Settings, Store, Teams
    "ms-settings",
    "ms-windows-store",
    "msteams",
    // Android: Play Store
    "market",
    // Chat and calls
    "slack",
    "zoommtg",
    "zoomus",
    "skype",
    "tg",
    "whatsapp",
];

/// Schemes that run code or read local files: never kept, whatever a site lists.
pub use crate::config::UNSAFE_LINK_SCHEMES as UNSAFE_SCHEMES;

/// Whether links with `scheme` (lowercase) are kept; `extra` is the site's own list.
pub fn scheme_allowed(scheme: &str, extra: &[String]) -> bool {
    !UNSAFE_SCHEMES.contains(&scheme)
        && (policy().schemes.contains(scheme) || extra.iter().any(|s| s.eq_ignore_ascii_case(scheme)))
}

fn configure<'a>(b: &mut Builder<'a>) {
    b.add_tags(["input", "details", "summary", "section"])
        .add_generic_attributes(["class", "id", "role", "aria-label", "aria-hidden", "title", "data-lang"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_url_schemes(APP_SCHEMES)
        .link_rel(None);
    // Table alignment, as pulldown-cmark writes it, and nothing else in `style`.
    for cell in ["th", "td"] {
        b.add_tag_attribute_values(cell, "style", ["text-align: left", "text-align: center", "text-align: right"]);
    }
}

/// The allow-list: ammonia's builder and, for [`removed`], its sets.
struct Policy {
    builder: Builder<'static>,
    tags: HashSet<&'static str>,
    content_tags: HashSet<&'static str>,
    generic: HashSet<&'static str>,
    tag_attributes: HashMap<&'static str, HashSet<&'static str>>,
    tag_attribute_values: HashMap<&'static str, HashMap<&'static str, HashSet<&'static str>>>,
    schemes: HashSet<&'static str>,
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut builder = Builder::default();
        configure(&mut builder);
        Policy {
            tags: builder.clone_tags(),
            content_tags: builder.clone_clean_content_tags(),
            generic: builder.clone_generic_attributes(),
            tag_attributes: builder.clone_tag_attributes(),
            tag_attribute_values: builder.clone_tag_attribute_values(),
            schemes: builder.clone_url_schemes(),
            builder,
        }
    })
}

/// The sanitized HTML. `extra`: the site's own link schemes.
pub fn clean(html: &str, extra: &[String]) -> String {
    if extra.is_empty() {
        return policy().builder.clean(html).to_string();
    }
    let mut b = Builder::default();
    configure(&mut b);
    b.add_url_schemes(extra.iter().filter(|s| !UNSAFE_SCHEMES.contains(&s.to_ascii_lowercase().as_str())));
    b.clean(html).to_string()
}

/// What [`clean`] removes from one start tag of raw HTML: (what, offset of the tag or
/// attribute it is about). `extra`: the site's own link schemes.
pub fn removed(tag: &Tag, extra: &[String]) -> Vec<(String, usize)> {
    let p = policy();
    let name = tag.name.as_str();
    if tag.closing {
        return Vec::new();
    }
    if !p.tags.contains(name) {
        let what = if p.content_tags.contains(name) {
            format!("`<{name}>` and its content")
        } else {
            format!("`<{name}>` (its content is kept)")
        };
        return vec![(what, tag.at)];
    }
    let mut out = Vec::new();
    for attr in &tag.attrs {
        let a = attr.name.as_str();
        let listed = p.generic.contains(a)
            || p.tag_attributes.get(name).is_some_and(|s| s.contains(a))
            || p.tag_attribute_values
                .get(name)
                .and_then(|m| m.get(a))
                .is_some_and(|vs| vs.iter().any(|v| v.eq_ignore_ascii_case(&attr.value)));
        if !listed {
            out.push((format!("the `{a}` attribute of `<{name}>`"), attr.at));
        } else if is_url_attr(name, a) {
            if let Some(scheme) = scheme(&attr.value) {
                if UNSAFE_SCHEMES.contains(&scheme.as_str()) {
                    out.push((format!("`<{name} {a}>` to `{scheme}:`, which can run code"), attr.value_at));
                } else if !scheme_allowed(&scheme, extra) {
                    out.push((
                        format!("`<{name} {a}>` to `{scheme}:`, a scheme remedy does not know (if it opens an app, add \"{scheme}\" to `link_schemes` in site.toml)"),
                        attr.value_at,
                    ));
                }
            }
        }
    }
    out
}

/// The attributes ammonia reads as URLs (ammonia's own rule).
fn is_url_attr(element: &str, attr: &str) -> bool {
    matches!(attr, "href" | "xlink:href" | "src")
        || (element == "form" && attr == "action")
        || (element == "object" && attr == "data")
        || ((element == "button" || element == "input") && attr == "formaction")
        || (element == "a" && attr == "ping")
        || (element == "video" && attr == "poster")
}

/// The scheme of a destination, lowercase, when it has one (`Https://x` -> `https`).
/// Browsers ignore ASCII whitespace and control characters in a scheme; a single
/// letter before `:` is a Windows drive (`C:\x`), not a scheme.
pub fn scheme(dest: &str) -> Option<String> {
    let squashed: String = dest.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect();
    let (scheme, _) = squashed.split_once(':')?;
    crate::config::is_scheme_name(scheme).then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::raw_html::Scanner;

    fn removed_from(html: &str) -> Vec<String> {
        Scanner::default().scan(html, &|o| o).iter().flat_map(|t| removed(t, &[])).map(|(w, _)| w).collect()
    }

    #[test]
    fn removes_scripts_and_handlers_and_says_so() {
        let html = "<p>ok</p><img src=x onerror=alert(1)><script>alert(2)</script><iframe src=y></iframe>";
        let clean = clean(html, &[]);
        assert!(!clean.contains("script") && !clean.contains("onerror") && !clean.contains("iframe"), "{clean}");
        assert!(clean.contains("<p>ok</p>"));
        assert_eq!(
            removed_from(html),
            ["the `onerror` attribute of `<img>`", "`<script>` and its content", "`<iframe>` (its content is kept)"]
        );
    }

    #[test]
    fn keeps_what_remedy_renders() {
        let html = "<h2 id=\"a\">A <a class=\"heading-anchor\" href=\"#a\" aria-label=\"Link\">#</a></h2><pre class=\"code\" data-lang=\"rust\"><code><span class=\"hl-x\">x</span></code></pre><ul><li><input disabled=\"\" type=\"checkbox\"/> t</li></ul><table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>";
        assert!(removed_from(html).is_empty(), "{:?}", removed_from(html));
        let clean = clean(html, &[]);
        for part in [
            "id=\"a\"",
            "class=\"heading-anchor\"",
            "data-lang=\"rust\"",
            "class=\"hl-x\"",
            "type=\"checkbox\"",
            "<th style=\"text-align: right\">",
        ] {
            assert!(clean.contains(part), "{part} in {clean}");
        }
    }

    #[test]
    fn app_schemes_are_kept_and_others_named() {
        let html = "<a href=\"ms-settings:network-wifi\" target=\"_blank\" style=\"color: red\">s</a><a href=\"ITMS-APPS://x\">a</a><a href=\"steam://run/1\">g</a><td style=\"text-align: right; color: red\">";
        let clean = clean(html, &[]);
        assert!(clean.contains("href=\"ms-settings:network-wifi\""), "{clean}");
        assert!(clean.contains("href=\"ITMS-APPS://x\""), "{clean}");
        assert!(!clean.contains("steam:"), "{clean}");
        let removed = removed_from(html);
        assert_eq!(removed.len(), 4, "{removed:?}");
        assert_eq!(removed[0], "the `target` attribute of `<a>`");
        assert_eq!(removed[1], "the `style` attribute of `<a>`");
        assert!(removed[2].starts_with("`<a href>` to `steam:`, a scheme remedy does not know"), "{removed:?}");
        assert_eq!(removed[3], "the `style` attribute of `<td>`");
        // A site's own scheme.
        let clean = super::clean("<a href=\"steam://run/1\">g</a>", &["steam".into()]);
        assert!(clean.contains("steam://run/1"), "{clean}");
        assert!(!scheme_allowed("javascript", &["javascript".into()]));
    }
}
