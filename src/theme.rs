//! The default theme, built into the binary, so a site without a `themes/` folder
//! still builds. Its files are those of `themes/default/` in this repository; a test
//! checks that the two lists agree.

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
    }
}
