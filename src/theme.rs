//! The default theme, built into the binary, so a site without a `themes/` folder
//! still builds. Its files are those of `themes/default/` in this repository; a test
//! checks that the lists agree. Its string tables (`i18n/`) are [`I18N`].

use crate::model::{SourceFile, Theme};

pub const DEFAULT: &str = "default";

macro_rules! theme_files {
    ($kind:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/", $kind, "/", $name)))),*]
    };
}

pub const TEMPLATES: &[(&str, &str)] = theme_files!("templates":
    "404.html", "article.html", "base.html", "guide.html", "home.html", "macros.html", "print.html",
    "reference.html", "search.html", "step.html", "steps.html", "taxonomy.html",
);

/// Templates of pages added after themes were first written: a site's own theme that
/// lacks one gets the default theme's (which extends the site theme's `base.html`).
pub const OPTIONAL_TEMPLATES: &[&str] =
    &["article.html", "print.html", "reference.html", "search.html", "taxonomy.html"];

pub const STATIC: &[(&str, &str)] = theme_files!("static": "progress.js", "search.js", "style.css");

/// The theme's words in each language it ships (`lang::strings`); every site can use
/// them, whatever its theme, under its own tables.
pub const I18N: &[(&str, &str)] =
    theme_files!("i18n": "de.toml", "en.toml", "es.toml", "fr.toml", "ja.toml", "zh.toml");

pub fn embedded() -> Theme {
    Theme {
        templates: TEMPLATES
            .iter()
            .map(|(name, text)| SourceFile { path: format!("themes/default/templates/{name}"), text: text.to_string() })
            .collect(),
        static_files: Vec::new(),
        embedded_static: STATIC.iter().map(|(name, text)| (name.to_string(), text.as_bytes())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default").join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .expect("themes/default exists")
            .map(|e| e.expect("readable").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn embedded_theme_matches_the_folder() {
        let names = |files: &[(&str, &str)]| files.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
        assert_eq!(names(TEMPLATES), listed("templates"), "update src/theme.rs when themes/default changes");
        assert_eq!(names(STATIC), listed("static"), "update src/theme.rs when themes/default changes");
        assert_eq!(names(I18N), listed("i18n"), "update src/theme.rs when themes/default changes");
    }

    fn table(name: &str) -> Vec<(String, String)> {
        let (_, text) = I18N.iter().find(|(n, _)| *n == name).expect("shipped");
        let (table, diagnostics) = crate::lang::strings::parse_table(&format!("i18n/{name}"), text);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        table.expect("parses").entries.into_iter().map(|e| (e.key, e.text)).collect()
    }

    #[test]
    fn every_shipped_table_has_exactly_the_english_keys_and_placeholders() {
        use crate::lang::strings::placeholders;
        let english = table("en.toml");
        let keys: std::collections::BTreeSet<&str> = english.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), english.len());
        for (name, _) in I18N {
            let other = table(name);
            let theirs: std::collections::BTreeSet<&str> = other.iter().map(|(k, _)| k.as_str()).collect();
            let missing: Vec<_> = keys.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&keys).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{name}: missing {missing:?}, not English's {extra:?}");
            for (key, text) in &other {
                let want = placeholders(&english.iter().find(|(k, _)| k == key).expect("checked").1);
                let mut have = placeholders(text);
                // Every brace opens a placeholder (`{S}` is not one: it would show).
                let filled: usize = have.iter().map(|n| text.matches(&format!("{{{n}}}")).count()).sum();
                assert_eq!(text.matches('{').count(), filled, "{name}: `{key}` = {text:?} has a stray brace");
                have.sort_unstable();
                let mut want = want;
                want.sort_unstable();
                assert_eq!(have, want, "{name}: `{key}` = {text:?}");
            }
        }
    }

    #[test]
    fn every_shipped_table_names_every_shipped_language() {
        let codes: Vec<&str> = I18N.iter().map(|(n, _)| n.trim_end_matches(".toml")).collect();
        for (name, text) in I18N {
            let (table, _) = crate::lang::strings::parse_table(&format!("i18n/{name}"), text);
            let names: Vec<(String, String)> =
                table.expect("parses").names.into_iter().map(|e| (e.key, e.text)).collect();
            let mut named: Vec<&str> = names.iter().map(|(k, _)| k.as_str()).collect();
            named.sort_unstable();
            let mut want = codes.clone();
            want.sort_unstable();
            assert_eq!(named, want, "{name}: [language_names]");
            assert!(names.iter().all(|(_, v)| !v.trim().is_empty() && !v.contains('{')), "{name}: {names:?}");
        }
    }

    #[test]
    fn the_scripts_own_words_are_the_english_table() {
        let english = table("en.toml");
        let mut scripts: String = STATIC.iter().filter(|(n, _)| n.ends_with(".js")).map(|(_, t)| *t).collect();
        scripts.push_str(crate::serve::reload::SCRIPT);
        for key in crate::lang::strings::SCRIPT_KEYS {
            let text = &english.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("en.toml has no {key}")).1;
            let line = format!("{key}: '{text}'");
            assert!(scripts.contains(&line), "search.js, progress.js or serve's reload script should say {line}");
        }
        // And they know no other word.
        let words = scripts.split("var WORDS = {").skip(1).map(|w| w.split("};").next().unwrap_or(""));
        let said: usize = words.map(|w| w.lines().filter(|l| l.contains(": '")).count()).sum();
        assert_eq!(said, crate::lang::strings::SCRIPT_KEYS.len());
    }

    #[test]
    fn the_stylesheet_writes_no_words() {
        // Text from CSS `content:` is the same in every language and cannot be
        // translated: words belong in the string tables (an English "(you are here)"
        // was on every French page). Punctuation and `attr()` are fine.
        let css = STATIC.iter().find(|(n, _)| *n == "style.css").expect("style.css").1;
        for declaration in css.split("content:").skip(1) {
            let value = declaration.split(';').next().unwrap_or_default();
            let quoted: String = value.split('"').skip(1).step_by(2).collect();
            assert!(!quoted.chars().any(char::is_alphabetic), "style.css writes words: content:{value}");
        }
    }
}
