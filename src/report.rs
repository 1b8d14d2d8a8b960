//! Diagnostics as people and machines read them: `human` (like rustc, with the
//! source line and a caret, via annotate-snippets), `github` (workflow annotations,
//! so a pull request shows each problem on its line) and `json` (one object a line).
//! Pure: the caller supplies the text of the files the diagnostics point into.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, LineIndex, Severity};

/// The output formats of `remedy check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Github,
    Json,
}

pub fn format(
    format: Format,
    diagnostics: &[Diagnostic],
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    match format {
        Format::Human => human(diagnostics, source, color),
        Format::Github => github(diagnostics),
        Format::Json => json(diagnostics),
    }
}

/// `error: message [code]`, then `--> path:line:col`, the line and a caret.
pub fn human(diagnostics: &[Diagnostic], source: &dyn Fn(&str) -> Option<String>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = format!("{} [{}]", d.message, d.code);
        let line_text = source(&d.path).and_then(|text| line_of(&text, d.pos.line));
        let rendered = match line_text {
            Some(line) => {
                let start =
                    line.char_indices().nth(d.pos.col.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i);
                let end = line[start..].chars().next().map_or(start, |c| start + c.len_utf8());
                let snippet = Snippet::source(line.as_str())
                    .line_start(d.pos.line as usize)
                    .path(d.path.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end));
                renderer.render(&[level.primary_title(title.as_str()).element(snippet)]).to_string()
            }
            None => {
                let head = renderer.render(&[Group::with_title(level.primary_title(title.as_str()))]).to_string();
                format!("{head}\n --> {}:{}:{}", d.path, d.pos.line, d.pos.col)
            }
        };
        out.push_str(&rendered);
        out.push_str("\n\n");
    }
    out
}

fn line_of(text: &str, line: u32) -> Option<String> {
    let index = LineIndex::new(text);
    let start = index.line_start(line);
    if line == 0 || (line > 1 && start == 0) {
        return None;
    }
    let rest = &text[start..];
    Some(rest.lines().next().unwrap_or("").to_string())
}

/// `::error file=...,line=...,col=...,title=code::message`, one a line.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            format!(
                "::{kind} file={},line={},col={},title={}::{}\n",
                escape_property(&d.path),
                d.pos.line,
                d.pos.col,
                escape_property(d.code.as_str()),
                escape_data(&d.message)
            )
        })
        .collect()
}

/// GitHub's workflow-command escaping of a message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// GitHub's workflow-command escaping of a property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    severity: Severity,
    code: &'a str,
    message: &'a str,
}

/// One JSON object a line: path, line, column, severity, code, message.
pub fn json(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let j = JsonDiagnostic {
                path: &d.path,
                line: d.pos.line,
                column: d.pos.col,
                severity: d.severity,
                code: d.code.as_str(),
                message: &d.message,
            };
            serde_json::to_string(&j).expect("a diagnostic serializes") + "\n"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Pos};

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::error(
                "content/g/s.md",
                Pos::new(2, 7),
                Code::WrongType,
                "`risk` must be one of \"safe\", ...: 100%",
            ),
            Diagnostic::warning("content/g/t.md", Pos::new(1, 1), Code::EmptyStep, "no instructions"),
        ]
    }

    fn files(path: &str) -> Option<String> {
        (path == "content/g/s.md").then(|| "+++\nrisk = \"maybe\"\n+++\n".to_string())
    }

    #[test]
    fn human_shows_the_line_and_a_caret() {
        let text = human(&sample(), &files, false);
        assert!(text.contains("error: `risk` must be one of"), "{text}");
        assert!(text.contains("content/g/s.md:2:7"), "{text}");
        assert!(text.contains("2 | risk = \"maybe\""), "{text}");
        assert!(text.contains("  |       ^\n"), "{text}");
        assert!(text.contains("warning: no instructions [empty-step]"), "{text}");
        assert!(text.contains("content/g/t.md:1:1"), "{text}");
    }

    #[test]
    fn github_annotations_are_escaped() {
        assert_eq!(
            github(&sample()),
            "::error file=content/g/s.md,line=2,col=7,title=wrong-type::`risk` must be one of \"safe\", ...: 100%25\n\
             ::warning file=content/g/t.md,line=1,col=1,title=empty-step::no instructions\n"
        );
    }

    #[test]
    fn json_is_one_object_a_line() {
        let text = json(&sample());
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["path"], "content/g/s.md");
        assert_eq!(lines[0]["line"], 2);
        assert_eq!(lines[0]["column"], 7);
        assert_eq!(lines[0]["severity"], "error");
        assert_eq!(lines[0]["code"], "wrong-type");
        assert_eq!(lines[1]["severity"], "warning");
    }
}
