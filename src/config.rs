//! `site.toml` to [`Config`]: the site's settings, checked like front matter
//! (unknown keys and wrong types are errors at their line and column).

use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};
use crate::schema::tree::{self, Block, Format};
use crate::schema::{bad_slug, Fields};

pub const CONFIG_FILE: &str = "site.toml";

/// Link schemes that run code or read local files: never kept in a link (see
/// `parse::sanitize`), and no `link_schemes` entry can allow them.
pub const UNSAFE_LINK_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "file"];

/// Whether `s` is a URL scheme's name: a letter, then letters, digits, `+`, `-` or
/// `.`; at least two characters (`C:` is a Windows drive, not a scheme).
pub fn is_scheme_name(s: &str) -> bool {
    s.len() > 1
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The default limit on the size of a file remedy reads (10 MB).
pub const DEFAULT_MAX_FILE_SIZE_KB: u64 = 10 * 1024;
/// The most a `[search] budget_kb` can say (1 TiB): larger numbers are mistakes.
const MAX_KB: u64 = 1 << 30;
/// The most threads `check --external` starts at once.
pub const MAX_CONCURRENCY: u64 = 64;
/// A week, in seconds and in hours: longer timeouts and cache times are mistakes.
const MAX_TIMEOUT_SECONDS: u64 = 7 * 24 * 3600;
const MAX_CACHE_HOURS: u64 = 24 * 365;

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

/// A language the site is written in: the default one (`language`), then each
/// `[languages.<code>]` table, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The language tag (`fr`, `pt-BR`): the folder its pages go in, the code in its
    /// files' names (`step.fr.md`), `<html lang>`.
    pub code: String,
    /// What the language switcher calls it, in the language itself ("Français");
    /// the code when the table does not say.
    pub name: String,
    /// The site's title and description in this language (the top-level ones when
    /// the table does not say).
    pub title: String,
    pub description: String,
    /// Where its table is written (`site.toml`'s start for the default language).
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// The default language's code (`language`): its pages are at the output's root.
    pub language: String,
    /// Every language, the default first, then the `[languages]` tables in the order
    /// written; each other language's pages go under `<code>/`.
    pub languages: Vec<Language>,
    pub theme: String,
    /// Without a trailing `/`. Only used for `sitemap.xml`.
    pub base_url: Option<String>,
    /// Skips sanitizing raw HTML in Markdown (for sites that trust every author).
    pub allow_raw_html: bool,
    /// Link schemes kept on top of the built-in list (`parse::sanitize`), lowercase:
    /// `["steam"]` keeps `steam://run/1` in Markdown links and raw HTML.
    pub link_schemes: Vec<String>,
    /// `remedy check` warns about a step without `sources`.
    pub require_sources: bool,
    /// Straight quotes and dashes become typographic ones in bodies (default false:
    /// what the contributor typed is what the reader sees, as in GitHub's preview).
    pub smart_punctuation: bool,
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
            languages: vec![Language {
                code: "en".into(),
                name: "en".into(),
                title: String::new(),
                description: String::new(),
                pos: Pos::START,
            }],
            theme: "default".into(),
            base_url: None,
            allow_raw_html: false,
            link_schemes: Vec::new(),
            require_sources: false,
            smart_punctuation: false,
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
        return (Config::default(), vec![Diagnostic::error(CONFIG_FILE, Pos::START, Code::MissingConfig, message)]);
    };
    let lines = LineIndex::new(text);
    let block = Block { format: Format::Toml, text, offset: 0 };
    let entries = match tree::read(&block, &lines) {
        Ok(entries) => entries,
        Err(e) => {
            let d = Diagnostic::error(CONFIG_FILE, lines.pos(e.offset), Code::ConfigSyntax, e.message);
            return (Config::default(), vec![d]);
        }
    };
    let mut f = Fields::new(CONFIG_FILE, "site.toml", Pos::START, entries);
    let config = read_config(&mut f);
    (config, f.finish())
}

/// The schema of `site.toml`.
fn read_config(f: &mut Fields<'_>) -> Config {
    let defaults = Config::default();
    let title = f.required_string("title");
    let description = f.string("description").map_or(defaults.description, |s| s.value);
    let language = match f.string("language") {
        Some(l) if crate::lang::is_code(&l.value) => l.value,
        Some(l) => {
            f.error(
                l.pos,
                Code::WrongType,
                format!("`language` must be a language tag such as \"en\" or \"pt-BR\", not \"{}\"", l.value),
            );
            defaults.language
        }
        None => defaults.language,
    };
    let theme = match f.string("theme") {
        Some(t) if bad_slug(&t.value).is_none() => t.value,
        Some(t) => {
            f.error(
                t.pos,
                Code::WrongType,
                format!("`theme` must name a folder of themes/ (a-z, 0-9, '-'), not \"{}\"", t.value),
            );
            defaults.theme
        }
        None => defaults.theme,
    };
    let base_url = http_url(f, "base_url").map(|u| u.trim_end_matches('/').to_string());
    let allow_raw_html = f.bool("allow_raw_html");
    let mut link_schemes = Vec::new();
    for scheme in f.strings("link_schemes").unwrap_or_default() {
        let name = scheme.value.trim_end_matches(':').to_ascii_lowercase();
        if !is_scheme_name(&name) {
            let message = format!("`link_schemes` lists schemes such as \"steam\" (a letter, then letters, digits, `+`, `-` or `.`), not \"{}\"", scheme.value);
            f.error(scheme.pos, Code::WrongType, message);
        } else if UNSAFE_LINK_SCHEMES.contains(&name.as_str()) {
            let message =
                format!("`link_schemes` cannot allow `{name}:`: links with it can run code or read local files");
            f.error(scheme.pos, Code::WrongType, message);
        } else {
            link_schemes.push(name);
        }
    }
    let require_sources = f.bool("require_sources");
    let smart_punctuation = f.bool("smart_punctuation");
    let edit_url = http_url(f, "edit_url");
    let max_file_size_kb = f.positive("max_file_size_kb", defaults.max_file_size_kb, MAX_KB);
    let external_links = f
        .table("external_links", "[external_links] in site.toml", |t| {
            let defaults = ExternalLinks::default();
            ExternalLinks {
                skip: t.string_list("skip"),
                timeout_seconds: t.positive("timeout_seconds", defaults.timeout_seconds, MAX_TIMEOUT_SECONDS),
                concurrency: t.positive("concurrency", defaults.concurrency as u64, MAX_CONCURRENCY) as usize,
                cache_hours: t.positive("cache_hours", defaults.cache_hours, MAX_CACHE_HOURS),
            }
        })
        .unwrap_or_default();
    let search = f
        .table("search", "[search] in site.toml", |s| {
            let defaults = SearchConfig::default();
            SearchConfig {
                enabled: s.opt_bool("enabled").unwrap_or(defaults.enabled),
                budget_kb: s.positive("budget_kb", defaults.budget_kb, MAX_KB),
                synonyms: s
                    .table("synonyms", "[search.synonyms] in site.toml", |t| {
                        t.own_lists()
                            .into_iter()
                            .map(|(word, list)| (word, list.into_iter().map(|l| l.value).collect()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .unwrap_or_default();
    let tables = f
        .table("languages", "[languages] in site.toml", |t| {
            t.own_tables("a [languages.<code>] table in site.toml", |_, l| {
                (
                    l.string("name").map(|s| s.value),
                    l.string("title").map(|s| s.value),
                    l.string("description").map(|s| s.value),
                )
            })
        })
        .unwrap_or_default();
    let mut languages = vec![Language {
        code: language.clone(),
        name: language.clone(),
        title: title.clone(),
        description: description.clone(),
        pos: Pos::START,
    }];
    for (code, (name, lang_title, lang_description)) in tables {
        if !crate::lang::is_code(&code.value) {
            let message = format!(
                "`[languages.{}]`: a language's code is a tag such as \"fr\" or \"pt-BR\" (lowercase letters first)",
                code.value
            );
            f.error(code.pos, Code::WrongType, message);
            continue;
        }
        if code.value == language {
            // The default language's table only names it.
            if let Some(name) = name {
                languages[0].name = name;
            }
            if lang_title.is_some() || lang_description.is_some() {
                let message = format!(
                    "`[languages.{language}]` is the default language (`language`): its title and description are the top-level `title` and `description`"
                );
                f.error(code.pos, Code::WrongType, message);
            }
            continue;
        }
        languages.push(Language {
            name: name.unwrap_or_else(|| code.value.clone()),
            title: lang_title.unwrap_or_else(|| title.clone()),
            description: lang_description.unwrap_or_else(|| description.clone()),
            code: code.value,
            pos: code.pos,
        });
    }
    Config {
        title,
        description,
        language,
        languages,
        theme,
        base_url,
        allow_raw_html,
        link_schemes,
        require_sources,
        smart_punctuation,
        edit_url,
        max_file_size_kb,
        external_links,
        search,
    }
}

/// The keys of `site.toml` (its tables' keys are not listed), in the order read.
pub fn keys() -> Vec<&'static str> {
    crate::schema::fields::keys_of(read_config)
}

/// An `http(s)://` URL setting.
fn http_url(f: &mut Fields<'_>, key: &'static str) -> Option<String> {
    let u = f.string(key)?;
    if u.value.starts_with("https://") || u.value.starts_with("http://") {
        Some(u.value)
    } else {
        f.error(u.pos, Code::WrongType, format!("`{key}` must start with https:// or http://, not \"{}\"", u.value));
        None
    }
}

impl Config {
    /// site.toml as one language's pages see it: `title`, `description` and
    /// `language` are that language's (`code` must be one of `languages`).
    pub fn for_language(&self, code: &str) -> Config {
        let mut config = self.clone();
        if let Some(l) = self.language_named(code) {
            config.title = l.title.clone();
            config.description = l.description.clone();
            config.language = l.code.clone();
        }
        config
    }

    /// Whether the site is written in more than one language.
    pub fn multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The language whose code is `code`, if the site declares it.
    pub fn language_named(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The folder a language's pages go in: `""` for the default, `"fr/"` for the others.
    pub fn language_prefix(&self, code: &str) -> String {
        if code == self.languages[0].code {
            String::new()
        } else {
            format!("{code}/")
        }
    }

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
        assert!(c.link_schemes.is_empty());
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
        assert_eq!(d[0].code, Code::MissingConfig);
    }

    #[test]
    fn reads_languages_in_order_and_checks_them() {
        let text = "title = \"Fix it\"\nlanguage = \"en\"\n[languages.en]\nname = \"English\"\n[languages.fr]\nname = \"Français\"\ntitle = \"Réparez\"\n[languages.ja]\n[languages.French]\nname = \"x\"\n[languages.de]\nnmae = \"Deutsch\"\n";
        let (c, d) = parse(Some(text));
        let got: Vec<(&str, &str, &str)> =
            c.languages.iter().map(|l| (l.code.as_str(), l.name.as_str(), l.title.as_str())).collect();
        assert_eq!(
            got,
            [
                ("en", "English", "Fix it"),
                ("fr", "Français", "Réparez"),
                ("ja", "ja", "Fix it"),
                ("de", "de", "Fix it")
            ]
        );
        let mut d: Vec<String> = d.iter().map(ToString::to_string).collect();
        d.sort();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[1].starts_with("site.toml:9:12: error: `[languages.French]`: a language's code is a tag"), "{d:?}");
        assert!(d[0].starts_with("site.toml:12:1: error: unknown key `nmae` in a [languages.<code>] table in site.toml; did you mean `name`?"), "{d:?}");
        assert_eq!(c.language_prefix("fr"), "fr/");
        assert_eq!(c.language_prefix("en"), "");
    }

    #[test]
    fn link_schemes_are_checked() {
        let (c, d) = parse(Some("title = \"T\"\nlink_schemes = [\"Steam:\", \"zoom us\", \"javascript\"]\n"));
        let d: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(c.link_schemes, ["steam"]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("site.toml:2:27: error: `link_schemes` lists schemes such as"), "{d:?}");
        assert!(d[1].starts_with("site.toml:2:38: error: `link_schemes` cannot allow `javascript:`"), "{d:?}");
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
