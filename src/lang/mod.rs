//! Languages: which language a content file is written in, from its name.
//!
//! A translation stands beside its source with the language's code before `.md`:
//! `content/g/check-cable.fr.md` translates `content/g/check-cable.md`, and
//! `content/g/_index.fr.md` the guide's `_index.md`. The default language (`language`
//! in site.toml) has no code in its file names. Pure: no disk.

pub mod skeleton;
pub mod stale;
pub mod strings;

/// Whether `code` has the shape of a language tag as remedy accepts it: two or three
/// lowercase letters, then optional `-` parts of letters and digits (`fr`, `pt-BR`,
/// `zh-Hans`).
pub fn is_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Splits a Markdown file's path into the source it translates and the language:
/// `content/g/s.fr.md` -> (`content/g/s.md`, `Some("fr")`); a path with no language
/// code is its own source (`None`). Only the file name is looked at.
pub fn split(path: &str) -> (String, Option<&str>) {
    let (dir, name) = match path.rfind('/') {
        Some(i) => path.split_at(i + 1),
        None => ("", path),
    };
    if let Some(stem) = name.strip_suffix(".md") {
        if let Some((base, code)) = stem.rsplit_once('.') {
            if !base.is_empty() && is_code(code) {
                return (format!("{dir}{base}.md"), Some(&path[dir.len() + base.len() + 1..path.len() - 3]));
            }
        }
    }
    (path.to_string(), None)
}

/// The path of `source`'s translation into `code`: `content/g/s.md` ->
/// `content/g/s.fr.md`.
pub fn translation_path(source: &str, code: &str) -> String {
    match source.strip_suffix(".md") {
        Some(stem) => format!("{stem}.{code}.md"),
        None => format!("{source}.{code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for code in ["fr", "de", "ja", "zh", "pt-BR", "zh-Hans", "fil"] {
            assert!(is_code(code), "{code}");
        }
        for code in ["", "f", "french", "FR", "fr-", "fr_FR", "1a"] {
            assert!(!is_code(code), "{code}");
        }
    }

    #[test]
    fn splits_paths() {
        assert_eq!(split("content/g/s.fr.md"), ("content/g/s.md".to_string(), Some("fr")));
        assert_eq!(split("content/g/_index.pt-BR.md"), ("content/g/_index.md".to_string(), Some("pt-BR")));
        assert_eq!(split("content/_index.ja.md"), ("content/_index.md".to_string(), Some("ja")));
        assert_eq!(split("content/g/s.md"), ("content/g/s.md".to_string(), None));
        assert_eq!(split("content/g/v1.2.md"), ("content/g/v1.2.md".to_string(), None));
        assert_eq!(split("content/g.fr/s.md"), ("content/g.fr/s.md".to_string(), None));
        assert_eq!(split("content/g/.fr.md"), ("content/g/.fr.md".to_string(), None));
        assert_eq!(translation_path("content/g/s.md", "fr"), "content/g/s.fr.md");
    }
}
