//! The theme's Tera templates, parsed once per build.
//!
//! Template mistakes are the theme author's, so they are diagnostics too: they name
//! the template file and, where Tera says it, the line and column.

use std::collections::HashMap;
use std::error::Error as _;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::{Code, Diagnostic, Pos};
use crate::model::SourceFile;

/// The templates a theme must have.
pub const REQUIRED: &[&str] = &["home.html", "guide.html", "step.html", "steps.html", "404.html"];

pub struct Templates {
    tera: Tera,
    /// Template name -> path of its file, for messages.
    paths: Vec<(String, String)>,
}

impl Templates {
    /// Parses the theme's templates (`themes/<name>/templates/<file>`).
    pub fn new(files: &[SourceFile]) -> Result<Templates, Vec<Diagnostic>> {
        let name_of = |f: &SourceFile| f.path.split_once("/templates/").map_or(f.path.clone(), |(_, n)| n.to_string());
        // The default theme's page templates that this theme lacks (see
        // `theme::OPTIONAL_TEMPLATES`), inside the theme's own frame (`base.html`); they
        // import the default theme's macros under their own name, `remedy/macros.html`.
        let has = |name: &str| files.iter().any(|f| name_of(f) == name);
        let defaults = crate::theme::embedded().templates.into_iter().filter_map(|d| {
            let name = name_of(&d);
            if name == "macros.html" {
                return Some(SourceFile { path: "themes/default/templates/remedy/macros.html".into(), text: d.text });
            }
            let optional = crate::theme::OPTIONAL_TEMPLATES.contains(&name.as_str());
            (optional && !has(&name) && has("base.html")).then_some(d)
        });
        let files: Vec<SourceFile> = files.iter().cloned().chain(defaults).collect();
        let files = files.as_slice();
        let paths: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let name = f.path.split_once("/templates/").map_or(f.path.as_str(), |(_, n)| n);
                (name.to_string(), f.path.clone())
            })
            .collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaping also rewrites `/` (as `&#x2F;`), which makes every URL
        // in the output hard to read; `&`, `<`, `>` and `"` are all that HTML needs.
        tera.set_escape_fn(escape);
        tera.register_filter("fill", fill);
        tera.register_filter("parts", parts);
        let raw: Vec<(String, &str)> =
            paths.iter().zip(files).map(|((name, _), f)| (name.clone(), f.text.as_str())).collect();
        let templates = Templates { tera: Tera::default(), paths };
        if let Err(e) = tera.add_raw_templates(raw) {
            return Err(vec![templates.diagnostic(&e, None)]);
        }
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|name| !tera.get_template_names().any(|n| n == **name))
            .map(|name| {
                Diagnostic::error(
                    format!("{}{name}", templates.dir()),
                    Pos::START,
                    Code::TemplateMissing,
                    format!("the theme has no `{name}` template"),
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Templates { tera, ..templates })
    }

    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, Diagnostic> {
        if !self.tera.get_template_names().any(|n| n == name) {
            let message = format!("the theme has no `{name}` template, which this site needs");
            return Err(Diagnostic::error(format!("{}{name}", self.dir()), Pos::START, Code::TemplateMissing, message));
        }
        let context = Context::from_serialize(context).map_err(|e| self.diagnostic(&e, Some(name)))?;
        self.tera.render(name, &context).map_err(|e| self.diagnostic(&e, Some(name)))
    }

    /// The theme's templates folder (`themes/<theme>/templates/`), for messages.
    fn dir(&self) -> String {
        self.paths.first().map_or("themes/<theme>/templates/".to_string(), |(_, p)| {
            p.split_once("/templates/").map_or(String::new(), |(d, _)| format!("{d}/templates/"))
        })
    }

    /// A Tera error as a diagnostic: the whole chain of causes, at the template's file.
    fn diagnostic(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let mut messages = vec![error.to_string()];
        let mut source = error.source();
        while let Some(e) = source {
            messages.push(e.to_string());
            source = e.source();
        }
        let text = messages.join(": ");
        // Tera names the template in quotes ("... template 'step.html'") and, for
        // syntax errors, gives ` --> line:col`.
        let named = self.paths.iter().find(|(name, _)| text.contains(&format!("'{name}'"))).map(|(n, _)| n.as_str());
        let name = named.or(rendering).unwrap_or("");
        let path = self.paths.iter().find(|(n, _)| n == name).map_or(name.to_string(), |(_, p)| p.clone());
        let pos = text
            .split("--> ")
            .nth(1)
            .and_then(|rest| {
                let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
                Some(Pos::new(it.next()?.parse().ok()?, it.next()?.parse().ok()?))
            })
            .unwrap_or(Pos::START);
        // A syntax error ends with Tera's pointer and `= what it expected`: keep the words.
        let message = match text.rsplit_once("\n  = ") {
            Some((head, expected)) => {
                format!("{}: {}", head.split(':').next().unwrap_or("cannot parse the template"), expected.trim())
            }
            None => text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "),
        };
        Diagnostic::error(path, pos, Code::TemplateError, message)
    }
}

/// `{{ t.step_of | fill(n=3, total=8) }}`: a string table's text with its `{name}`
/// placeholders filled (see `lang::strings`); the result is escaped like any value.
fn fill(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = value.as_str().ok_or_else(|| tera::Error::msg("`fill` takes a text of the string table (`t.<key>`)"))?;
    let args: Vec<(&str, String)> =
        args.iter().map(|(k, v)| (k.as_str(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(tera::Value::String(crate::lang::strings::fill(text, &args)))
}

/// `{% set p = t.not_sure | parts(at="link") %}{{ p.0 }}<a ...>...</a>{{ p.1 }}`: a
/// text cut at a placeholder that stands for markup, as the two texts around it (the
/// second empty when the placeholder is not there).
fn parts(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text =
        value.as_str().ok_or_else(|| tera::Error::msg("`parts` takes a text of the string table (`t.<key>`)"))?;
    let at = args
        .get("at")
        .and_then(|v| v.as_str())
        .ok_or_else(|| tera::Error::msg("`parts` needs `at=\"<placeholder>\"`"))?;
    let (before, after) = text.split_once(&format!("{{{at}}}")).unwrap_or((text, ""));
    Ok(tera::Value::Array(vec![before.into(), after.into()]))
}

fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    pulldown_cmark_escape::escape_html(&mut out, input).expect("writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(extra: &[(&str, &str)]) -> Vec<SourceFile> {
        let mut out: Vec<SourceFile> = REQUIRED
            .iter()
            .map(|n| SourceFile { path: format!("themes/t/templates/{n}"), text: "{{ x }}".into() })
            .collect();
        for (n, t) in extra {
            out.retain(|f| !f.path.ends_with(&format!("/{n}")));
            out.push(SourceFile { path: format!("themes/t/templates/{n}"), text: t.to_string() });
        }
        out
    }

    #[test]
    fn renders_with_autoescape() {
        let t = Templates::new(&files(&[])).unwrap();
        let html = t.render("home.html", &serde_json::json!({ "x": "<b>" })).unwrap();
        assert_eq!(html, "&lt;b&gt;");
    }

    #[test]
    fn fills_and_cuts_the_theme_words() {
        let home = "{{ t.a | fill(n=2, title=x) }}|{% set p = t.b | fill(n=3) | parts(at=\"link\") %}[{{ p.0 }}<a>{{ p.1 }}]|{{ t.c | parts(at=\"link\") | last }}";
        let t = Templates::new(&files(&[("home.html", home)])).unwrap();
        let ctx = serde_json::json!({
            "x": "<b>",
            "t": { "a": "Step {n}: {title}", "b": "Step {n} <now>. {link} if unsure.", "c": "no link" },
        });
        assert_eq!(t.render("home.html", &ctx).unwrap(), "Step 2: &lt;b&gt;|[Step 3 &lt;now&gt;. <a> if unsure.]|");
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let Err(d) = Templates::new(&files(&[("step.html", "ok\n{% if %}\n")])) else { panic!() };
        assert_eq!(d[0].path, "themes/t/templates/step.html");
        assert_eq!(d[0].pos.line, 2, "{}", d[0]);
    }

    #[test]
    fn a_page_template_the_theme_lacks_is_named() {
        // No base.html, so no default can stand in for search.html.
        let t = Templates::new(&files(&[])).unwrap();
        let d = t.render("search.html", &serde_json::json!({})).unwrap_err();
        assert_eq!(
            d.to_string(),
            "themes/t/templates/search.html:1:1: error: the theme has no `search.html` template, which this site needs [template-missing]"
        );
        // With a frame, the default theme's page is used inside it.
        let t = Templates::new(&files(&[("base.html", "[{% block content %}{% endblock content %}]")])).unwrap();
        let (catalog, _) = crate::lang::strings::Catalog::new(crate::theme::I18N, &[]);
        let html = t.render("search.html", &serde_json::json!({ "root": "", "t": catalog.strings("en") })).unwrap();
        assert!(html.starts_with('[') && html.contains("search-page"), "{html}");
    }

    #[test]
    fn missing_template_is_named() {
        let mut f = files(&[]);
        f.retain(|f| !f.path.ends_with("404.html"));
        let Err(d) = Templates::new(&f) else { panic!() };
        assert_eq!(
            d[0].to_string(),
            "themes/t/templates/404.html:1:1: error: the theme has no `404.html` template [template-missing]"
        );
    }
}
