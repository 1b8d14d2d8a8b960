//! Code highlighting at build time, as CSS classes (`hl-*`), by two engines:
//!
//! - [`tree`]: tree-sitter, for the languages guides use most (shell, JSON, YAML,
//!   Python, Rust, JavaScript): fast, and a short class list per token;
//! - [`sublime`]: syntect's Sublime Text grammars, for every other language it knows.
//!
//! Both name tokens with TextMate scope classes (`hl-string`,
//! `hl-entity hl-name hl-function`), so one stylesheet made from two syntect themes,
//! light and dark, switched by `prefers-color-scheme` ([`stylesheet`]), colours both.
//! The HTML carries only class names, so it works under a strict CSP.

pub mod sublime;
pub mod tree;

use std::sync::OnceLock;

use pulldown_cmark_escape::escape_html;
use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// A fence's language, lowercased, with common aliases resolved (`sh` is `bash`).
fn language(lang: &str) -> String {
    let lang = lang.to_ascii_lowercase();
    let canonical = match lang.as_str() {
        "sh" | "shell" | "zsh" => "bash",
        "shell-session" | "sh-session" | "terminal" => "console",
        "ps1" | "ps" | "pwsh" | "posh" => "powershell",
        "cmd" | "batch" | "dos" => "bat",
        "reg" | "registry" | "cfg" | "conf" => "ini",
        "yml" => "yaml",
        "jsonc" => "json",
        "py" | "python3" => "python",
        "rs" => "rust",
        "js" | "mjs" | "cjs" => "javascript",
        other => other,
    };
    canonical.to_string()
}

/// Renders a fenced code block. `info` is the fence's info string as written; its
/// first word names the language. An unknown language renders as plain code.
pub fn code_block(info: &str, code: &str) -> String {
    let lang = info.split(|c: char| c.is_whitespace() || c == ',' || c == '{').next().unwrap_or("");
    let mut out = String::with_capacity(code.len() * 2 + 64);
    out.push_str("<pre class=\"code\"");
    if !lang.is_empty() {
        out.push_str(" data-lang=\"");
        escape_html(&mut out, lang).expect("writing to a String cannot fail");
        out.push('"');
    }
    out.push_str("><code>");
    let name = language(lang);
    let highlighted = match name.as_str() {
        "" => None,
        "console" => Some(console(code)),
        name if tree::knows(name) => tree::highlight(name, code),
        name => sublime::highlight(name, code),
    };
    match highlighted {
        Some(html) => out.push_str(&html),
        None => escape_html(&mut out, code).expect("writing to a String cannot fail"),
    }
    out.push_str("</code></pre>\n");
    out
}

/// A terminal session (`console`): each line that starts with a prompt (`$ `, `# `,
/// `% `, PowerShell's `PS C:\> `, cmd's `C:\>`) is a command, highlighted in its shell's
/// language after a prompt that is marked (`hl-prompt`: not selected when copying);
/// every other line is output, left plain.
fn console(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    for line in code.split_inclusive('\n') {
        let Some((prompt, command, lang)) = prompt(line) else {
            escape_html(&mut out, line).expect("writing to a String cannot fail");
            continue;
        };
        out.push_str("<span class=\"hl-prompt\">");
        escape_html(&mut out, prompt).expect("writing to a String cannot fail");
        out.push_str("</span>");
        let highlighted =
            if tree::knows(lang) { tree::highlight(lang, command) } else { sublime::highlight(lang, command) };
        match highlighted {
            Some(html) => out.push_str(&html),
            None => escape_html(&mut out, command).expect("writing to a String cannot fail"),
        }
    }
    out
}

/// A console line's prompt, its command and the command's language.
fn prompt(line: &str) -> Option<(&str, &str, &'static str)> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    for unix in ["$ ", "# ", "% "] {
        if rest.starts_with(unix) {
            return Some(line.split_at(indent + unix.len())).map(|(p, c)| (p, c, "bash"));
        }
    }
    let bytes = rest.as_bytes();
    let windows_path = bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":\\";
    let (after, lang) = if let Some(path) = rest.strip_prefix("PS ") {
        (path, "powershell")
    } else if windows_path {
        (rest, "bat")
    } else {
        return None;
    };
    let end = after.find('>')?;
    if after[..end].contains(['\n', '<', '|']) {
        return None;
    }
    let mut cut = line.len() - after.len() + end + 1;
    if line[cut..].starts_with(' ') {
        cut += 1;
    }
    let (p, c) = line.split_at(cut);
    Some((p, c, lang))
}

/// The highlighting stylesheet: a light theme, and a dark one for dark mode.
/// Made once per process (loading syntect's themes is not cheap).
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet)
}

fn make_stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(&themes.themes[LIGHT_THEME], CLASS_STYLE)
        .expect("the built-in light theme makes CSS");
    let dark = css_for_theme_with_class_style(&themes.themes[DARK_THEME], CLASS_STYLE)
        .expect("the built-in dark theme makes CSS");
    let mut css = String::from("/* Code highlighting, generated by remedy from syntect themes. */\n");
    css.push_str(".hl-prompt { opacity: 0.7; user-select: none; -webkit-user-select: none; }\n");
    css.push_str(&light);
    css.push_str("\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&dark);
    css.push_str("\n}\n");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block("rust", "fn main() {}\n");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\"><code>"), "{html}");
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = code_block("nosuchlang", "<b>&</b>\n");
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"nosuchlang\"><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn info_string_is_escaped() {
        let html = code_block("\"><script>", "x");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn aliases_and_engines() {
        let sh = code_block("sh", "echo hi # note\n");
        assert!(sh.contains("<span class=\"hl-comment\"># note</span>"), "{sh}");
        assert_eq!(code_block("Shell", "echo hi # note\n").replace("Shell", "sh"), sh);
        // A language only syntect knows is still highlighted.
        assert!(code_block("sql", "SELECT 1;\n").contains("class=\"hl-"));
    }

    /// Every class list tree-sitter writes is coloured by a rule of each theme whose
    /// classes it has (so a mapping to a scope the themes ignore fails here).
    #[test]
    fn tree_sitter_classes_are_styled_in_both_themes() {
        let css = stylesheet();
        let (light, dark) = css.split_once("@media").expect("a dark part");
        for part in [light, dark] {
            let selectors: Vec<Vec<&str>> = part
                .split('}')
                .filter_map(|rule| rule.split_once('{').map(|(sel, _)| sel))
                .flat_map(|sel| sel.split(','))
                .map(str::trim)
                .filter(|sel| !sel.contains(' ') && sel.starts_with(".hl-"))
                .map(|sel| sel.split('.').filter(|c| !c.is_empty()).collect())
                .collect();
            for (capture, classes) in tree::CLASSES {
                let have: Vec<&str> = classes.split(' ').collect();
                let styled = selectors.iter().any(|sel| sel.iter().all(|c| have.contains(c)));
                assert!(styled, "`{capture}` ({classes}) has no rule");
            }
        }
    }

    #[test]
    fn console_marks_prompts_and_leaves_output_plain() {
        let html = code_block(
            "console",
            "$ echo 'hi' # greet\nhi\nPS C:\\Users\\a> Get-Item x\nC:\\> ipconfig /all\n   IPv4 Address: 10.0.0.2\n",
        );
        assert!(html.contains("<span class=\"hl-prompt\">$ </span>"), "{html}");
        assert!(html.contains("<span class=\"hl-comment\"># greet</span>"), "{html}");
        assert!(html.contains("\nhi\n"), "output is plain: {html}");
        assert!(html.contains("<span class=\"hl-prompt\">PS C:\\Users\\a&gt; </span>"), "{html}");
        assert!(html.contains("<span class=\"hl-prompt\">C:\\&gt; </span>"), "{html}");
        assert!(html.contains("</span>   IPv4 Address: 10.0.0.2\n</code>"), "output is plain: {html}");
        assert!(stylesheet().contains(".hl-prompt"));
        // Output that merely contains `>` is not a prompt.
        assert!(!code_block("console", "a > b\n").contains("hl-prompt"));
    }

    #[test]
    fn windows_languages() {
        for (fence, marker) in [("powershell", "hl-"), ("ps1", "hl-"), ("cmd", "hl-"), ("ini", "hl-"), ("reg", "hl-")] {
            let html = code_block(fence, "[Section]\nkey = value ; note\nREM x\n");
            assert!(html.contains(marker), "{fence}: {html}");
        }
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
