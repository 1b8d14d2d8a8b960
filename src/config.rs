//! `site.toml` to [`Config`]: the site's settings, checked like front matter
//! (unknown keys and wrong types are errors at their line and column).

use crate::diagnostics::{Diagnostic, LineIndex, Pos};
use crate::parse::front_matter::{self, Block, Format};
use crate::parse::meta::Fields;

pub const CONFIG_FILE: &str = "site.toml";
pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "language",
    "theme",
    "base_url",
    "allow_raw_html",
    "edit_url",
    "max_file_size_kb",
    "external_links",
    "search",
];
pub const EXTERNAL_LINKS_KEYS: &[&str] = &["skip", "timeout_seconds", "concurrency", "cache_hours"];

/// The default limit on the size of a file remedy reads (10 MB).
pub const DEFAULT_MAX_FILE_SIZE_KB: u64 = 10 * 1024;
pub const SEARCH_KEYS: &[&str] = &["enabled", "budget_kb", "synonyms"];

/// `[search]` in site.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    /// Builds the index, the search page and the search box (default true).
    pub enabled: bool,
    /// Warns when the search files add up to more than this many KiB (raw bytes).
    pub budget_kb: u64,
    /// `[search.synonyms]`: each word with the words a reader may type instead,
    /// in the file's order (added to the built-in list, see `search::synonyms`).
    pub synonyms: Vec<(String, Vec<String>)>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true, budget_kb: 50 * 1024, synonyms: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    /// Without a trailing `/`. Only used for `sitemap.xml`.
    pub base_url: Option<String>,
    /// Skips sanitizing raw HTML in Markdown (for sites that trust every author).
    pub allow_raw_html: bool,
    /// `https://.../edit/main/{path}`: adds an "Edit this page" link to every page.
    pub edit_url: Option<String>,
    /// Files larger than this are refused, and nothing past it is read.
    pub max_file_size_kb: u64,
    pub search: SearchConfig,
    /// How `remedy check --external` checks `http(s)://` links.
    pub external_links: ExternalLinks,
}

/// `[external_links]` in site.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLinks {
    /// URL prefixes never checked (sites that refuse robots, say).
    pub skip: Vec<String>,
    pub timeout_seconds: u64,
    /// How many requests are under way at once.
    pub concurrency: usize,
    /// How long a successful answer is remembered.
    pub cache_hours: u64,
}

impl Default for ExternalLinks {
    fn default() -> Self {
        ExternalLinks { skip: Vec::new(), timeout_seconds: 10, concurrency: 8, cache_hours: 24 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            description: String::new(),
            language: "en".into(),
            theme: "default".into(),
            base_url: None,
            allow_raw_html: false,
            edit_url: None,
            max_file_size_kb: DEFAULT_MAX_FILE_SIZE_KB,
            search: SearchConfig::default(),
            external_links: ExternalLinks::default(),
        }
    }
}

/// Reads `site.toml`'s text (`None` when the file is missing).
pub fn parse(text: Option<&str>) -> (Config, Vec<Diagnostic>) {
    let Some(text) = text else {
        let message =
            "site.toml is missing: a site folder holds site.toml (with at least `title = \"...\"`) and content/";
        return (Config::default(), vec![Diagnostic::error(CONFIG_FILE, Pos::START, "missing-config", message)]);
    };
    let lines = LineIndex::new(text);
    let block = Block { format: Format::Toml, text, offset: 0 };
    let entries = match front_matter::read(&block, &lines) {
        Ok(entries) => entries,
        Err(e) => {
            let d = Diagnostic::error(CONFIG_FILE, lines.pos(e.offset), "config-syntax", e.message);
            return (Config::default(), vec![d]);
        }
    };
    let mut f = Fields::new(CONFIG_FILE, "site.toml", Pos::START, entries);
    let defaults = Config::default();
    let title = f.required_string("title");
    let description = f.string("description").map_or(defaults.description, |s| s.value);
    let language = match f.string("language") {
        Some(l) if !l.value.is_empty() && l.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => l.value,
        Some(l) => {
            f.error(
                l.pos,
                "wrong-type",
                format!("`language` must be a language tag such as \"en\" or \"pt-BR\", not \"{}\"", l.value),
            );
            defaults.language
        }
        None => defaults.language,
    };
    let theme = match f.string("theme") {
        Some(t) if crate::parse::bad_slug(&t.value).is_none() => t.value,
        Some(t) => {
            f.error(
                t.pos,
                "wrong-type",
                format!("`theme` must name a folder of themes/ (a-z, 0-9, '-'), not \"{}\"", t.value),
            );
            defaults.theme
        }
        None => defaults.theme,
    };
    let base_url = match f.string("base_url") {
        Some(u) if u.value.starts_with("https://") || u.value.starts_with("http://") => {
            Some(u.value.trim_end_matches('/').to_string())
        }
        Some(u) => {
            f.error(
                u.pos,
                "wrong-type",
                format!("`base_url` must start with https:// or http://, not \"{}\"", u.value),
            );
            None
        }
        None => None,
    };
    let allow_raw_html = f.bool("allow_raw_html");
    let mut search = SearchConfig::default();
    if let Some((pos, entries)) = f.table("search") {
        let mut s = Fields::new(CONFIG_FILE, "[search] in site.toml", pos, entries);
        search.enabled = s.opt_bool("enabled").unwrap_or(true);
        search.budget_kb = positive(&mut s, "budget_kb", search.budget_kb);
        if let Some((pos, entries)) = s.table("synonyms") {
            let words: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
            let mut t = Fields::new(CONFIG_FILE, "[search.synonyms] in site.toml", pos, entries);
            search.synonyms = words
                .iter()
                .filter_map(|w| Some((w.clone(), t.strings(w)?.into_iter().map(|s| s.value).collect())))
                .collect();
            let valid: Vec<&str> = words.iter().map(String::as_str).collect();
            s.absorb(t.finish(&valid));
        }
        f.absorb(s.finish(SEARCH_KEYS));
    }
    let edit_url = match f.string("edit_url") {
        Some(u) if u.value.starts_with("https://") || u.value.starts_with("http://") => Some(u.value),
        Some(u) => {
            let message = format!("`edit_url` must start with https:// or http://, not \"{}\"", u.value);
            f.error(u.pos, "wrong-type", message);
            None
        }
        None => None,
    };
    let max_file_size_kb = positive(&mut f, "max_file_size_kb", defaults.max_file_size_kb);
    let external_links = match f.table("external_links") {
        Some((pos, entries)) => {
            let mut t = Fields::new(CONFIG_FILE, "[external_links] in site.toml", pos, entries);
            let defaults = ExternalLinks::default();
            let links = ExternalLinks {
                skip: t.string_list("skip"),
                timeout_seconds: positive(&mut t, "timeout_seconds", defaults.timeout_seconds),
                concurrency: positive(&mut t, "concurrency", defaults.concurrency as u64) as usize,
                cache_hours: positive(&mut t, "cache_hours", defaults.cache_hours),
            };
            f.absorb(t.finish(EXTERNAL_LINKS_KEYS));
            links
        }
        None => ExternalLinks::default(),
    };
    let config = Config {
        title,
        description,
        language,
        theme,
        base_url,
        allow_raw_html,
        edit_url,
        max_file_size_kb,
        external_links,
        search,
    };
    (config, f.finish(CONFIG_KEYS))
}

/// A positive whole number, or `default` (with an error when it is not positive).
fn positive(f: &mut Fields, key: &str, default: u64) -> u64 {
    match f.integer(key) {
        Some(n) if n.value > 0 => n.value as u64,
        Some(n) => {
            f.error(n.pos, "wrong-type", format!("`{key}` must be a positive whole number"));
            default
        }
        None => default,
    }
}

impl Config {
    /// The "Edit this page" URL of the file at `source` (`{path}` is replaced).
    pub fn edit_link(&self, source: &str) -> Option<String> {
        self.edit_url.as_ref().map(|url| url.replace("{path}", source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_config() {
        let (c, d) = parse(Some("title = \"T\"\ndescription = \"D\"\nlanguage = \"fr\"\ntheme = \"mine\"\nbase_url = \"https://e.org/x/\"\nallow_raw_html = true\nedit_url = \"https://e.org/edit/{path}\"\nmax_file_size_kb = 5\n[external_links]\nskip = [\"https://x.org/\"]\nconcurrency = 2\n"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url.as_deref(), Some("https://e.org/x"));
        assert_eq!((c.language.as_str(), c.theme.as_str(), c.allow_raw_html), ("fr", "mine", true));
        assert_eq!(c.edit_link("content/a.md").as_deref(), Some("https://e.org/edit/content/a.md"));
        assert_eq!(c.max_file_size_kb, 5);
        assert_eq!(c.external_links.skip, vec!["https://x.org/".to_string()]);
        assert_eq!((c.external_links.concurrency, c.external_links.timeout_seconds), (2, 10));
    }

    #[test]
    fn reports_mistakes_in_place() {
        let (_, d) = parse(Some("title = \"T\"\nbase_url = \"e.org\"\ntheem = \"x\"\n"));
        let d: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("site.toml:2:12: error: `base_url` must start with"), "{d:?}");
        assert!(
            d[1].starts_with("site.toml:3:1: error: unknown key `theem` in site.toml; did you mean `theme`?"),
            "{d:?}"
        );
        let (c, d) = parse(Some("title = \"T\"\n[search]\nenabled = false\nbudget_kb = 0\nbudjet = 3\n"));
        let d: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(!c.search.enabled);
        assert_eq!(c.search.budget_kb, SearchConfig::default().budget_kb);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("`budget_kb` must be a positive whole number"), "{d:?}");
        assert!(d[1].contains("unknown key `budjet` in [search]"), "{d:?}");
        let (_, d) = parse(None);
        assert_eq!(d[0].code, "missing-config");
    }

    #[test]
    fn reads_search_synonyms_in_order_and_reports_wrong_types() {
        let text =
            "title = \"T\"\n[search.synonyms]\nwifi = [\"wlan\", \"wireless\"]\nreboot = [\"restart\"]\nbad = \"x\"\n";
        let (c, d) = parse(Some(text));
        let expected = [("wifi", vec!["wlan", "wireless"]), ("reboot", vec!["restart"])];
        let got: Vec<(&str, Vec<&str>)> =
            c.search.synonyms.iter().map(|(w, s)| (w.as_str(), s.iter().map(String::as_str).collect())).collect();
        assert_eq!(got, expected);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].to_string().starts_with("site.toml:5:7: error: `bad` must be a list of strings"), "{d:?}");
    }
}
