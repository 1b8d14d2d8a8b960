//! Highlighting with syntect's Sublime Text grammars, for every language that
//! [`super::tree`] has no grammar for: syntect's own set and the larger set bat
//! keeps (the `two-face` crate: PowerShell, INI, TOML, Dockerfile, ...). The syntax
//! set is loaded once per process.

use std::sync::OnceLock;

use syntect::html::ClassedHTMLGenerator;
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::CLASS_STYLE;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// `code` as escaped HTML with `<span class>`es, or `None` when syntect knows no
/// `lang` or gave up on this input (the caller then shows it plain).
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    let syntax = syntaxes().find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = highlight("sql", "SELECT 1;\n").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(highlight("nosuchlang", "x").is_none());
    }

    #[test]
    fn support_languages() {
        for lang in ["powershell", "ps1", "bat", "ini", "xml", "sql", "toml", "dockerfile"] {
            let html = highlight(lang, "x = 1\n").unwrap_or_else(|| panic!("{lang} is known"));
            assert!(!html.is_empty());
        }
        let ps = highlight("powershell", "Get-NetIPAddress -AddressFamily IPv4 # note\n").unwrap();
        assert!(ps.contains("hl-comment"), "{ps}");
    }

    #[test]
    fn text_is_escaped() {
        let html = highlight("sql", "SELECT '<b>&';\n").unwrap();
        assert!(html.contains("&lt;b&gt;&amp;"), "{html}");
    }
}
