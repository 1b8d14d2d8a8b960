//! Markdown bodies to HTML, with pulldown-cmark.
//!
//! One pass over the event stream does all of it:
//! 1. headings get stable ids (`headings`: written `{#id}` or made from their text,
//!    decided once the page is read) and a link to themselves, and feed the table of
//!    contents;
//! 2. links and images to other files are rewritten from the Markdown source path
//!    (`step.md#x`) to the output path (`step.html#x`) and recorded, with their place,
//!    for `resolve` to check (what a destination is: `destination`); links that try
//!    to leave the site are errors, and `javascript:`-like links and schemes not on
//!    the list (`sanitize::scheme_allowed`) are made inert;
//! 3. fenced code is highlighted; GitHub alerts (`> [!NOTE]`) become callouts;
//! 4. raw HTML is read by `raw_html` (an HTML block as a whole): its `<img src>` and
//!    `<a href>` are recorded and checked like Markdown's, but not rewritten; what the
//!    sanitizer will remove is named where it is written; a `<style>` or comment left
//!    open is an error. Then, unless the site allows raw HTML, the page is sanitized.
//!
//! The plain text, cut at headings, is kept for search.

use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::escape_html;

use crate::diagnostics::{Code, Diagnostic, LineIndex, Pos};
use crate::model::{LinkRef, LinkTarget, Rendered, Section, TocEntry};
use crate::parse::destination::{classify, Classified, LinkError};
use crate::parse::headings::{self, Pending};
use crate::parse::raw_html::{Open, Scanner};
use crate::parse::{highlight, sanitize};

pub use crate::parse::headings::slugify;

/// The snippets of a site (`content/_shared/...`), by path, with their text; see
/// `parse::include`.
pub type Snippets = std::collections::BTreeMap<String, String>;

/// What a site's settings change in how a body renders.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings<'s> {
    /// Raw HTML is kept as written (else sanitized).
    pub allow_raw_html: bool,
    /// The site's own link schemes (`link_schemes`), on top of `sanitize`'s list.
    pub link_schemes: &'s [String],
    /// Straight quotes and `--` become typographic ones (`smart_punctuation`).
    pub smart_punctuation: bool,
    /// The shared snippets (`content/_shared/`) a body may include, by path.
    pub snippets: Option<&'s Snippets>,
}

impl Settings<'_> {
    pub fn of(config: &crate::config::Config) -> Settings<'_> {
        Settings {
            allow_raw_html: config.allow_raw_html,
            link_schemes: &config.link_schemes,
            smart_punctuation: config.smart_punctuation,
            snippets: None,
        }
    }
}

/// Renders the body of the file at `source` (`content/g/s.md`). `text` is the whole
/// file and the body starts at `body_offset`, so that places are file places.
pub fn render(
    source: &str,
    text: &str,
    body_offset: usize,
    lines: &LineIndex<'_>,
    settings: Settings<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let body = &text[body_offset..];
    let mut r = Renderer {
        source,
        body,
        lines,
        body_offset,
        settings,
        out: Vec::new(),
        heading: None,
        headings: Vec::new(),
        code: None,
        html_block: None,
        raw: Scanner::default(),
        removed: Vec::new(),
        rendered: Rendered { sections: vec![Section::default()], ..Rendered::default() },
        diagnostics: Vec::new(),
        has_raw_html: false,
        footnotes: Vec::new(),
    };
    let mut opts = options();
    if settings.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        r.event(event, range);
    }
    r.finish();
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    if r.has_raw_html && !settings.allow_raw_html {
        html = sanitize::clean(&html, settings.link_schemes);
    }
    r.rendered.html = html;
    r.rendered.sections.retain(|s| s.heading.is_some() || !s.text.trim().is_empty());
    for s in &mut r.rendered.sections {
        s.text = collapse_whitespace(&s.text);
    }
    (r.rendered, r.diagnostics)
}

/// pulldown-cmark's options for bodies (the spec test renders its reference with
/// them); smart punctuation only when a site asks for it (`Settings`).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The heading being read.
struct Heading<'a> {
    level: HeadingLevel,
    id: Option<(String, Pos)>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    text: String,
}

/// A heading read, waiting for its id (given when the page is read).
struct Placed {
    level: u8,
    classes: Vec<String>,
    inner: String,
    /// Where its HTML goes in `out`, its TOC entry, section and anchor.
    out: usize,
    toc: Option<usize>,
    section: usize,
    anchor: usize,
}

/// An HTML block, gathered line by line: its text, and for each line, where the line
/// starts in the text and in the body.
#[derive(Default)]
struct HtmlBlock {
    text: String,
    lines: Vec<(usize, usize)>,
}

struct Renderer<'r, 'a> {
    source: &'r str,
    body: &'a str,
    lines: &'r LineIndex<'r>,
    body_offset: usize,
    settings: Settings<'r>,
    out: Vec<Event<'a>>,
    heading: Option<Heading<'a>>,
    headings: Vec<(Pending, Placed)>,
    code: Option<(String, String)>,
    html_block: Option<HtmlBlock>,
    raw: Scanner,
    /// What sanitizing removes from raw HTML, each thing once, where first written.
    removed: Vec<(String, Pos)>,
    rendered: Rendered,
    diagnostics: Vec<Diagnostic>,
    has_raw_html: bool,
    /// Footnote labels in the order first seen; a footnote's number is its place here.
    footnotes: Vec<String>,
}

impl<'a> Renderer<'_, 'a> {
    fn emit(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
    }

    fn text(&mut self, s: &str) {
        match &mut self.heading {
            Some(h) => h.text.push_str(s),
            None => self.rendered.sections.last_mut().expect("there is always a section").text.push_str(s),
        }
    }

    /// The place of a byte offset in the body.
    fn pos(&self, offset: usize) -> Pos {
        self.lines.pos(self.body_offset + offset)
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        let offset = range.start;
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, code) = self.code.take().expect("inside a code block");
                    self.text(&code);
                    self.text("\n");
                    self.out.push(Event::Html(highlight::code_block(&info, &code).into()));
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                // `{` of the attribute block, on the heading's line.
                let brace = self.body[range.clone()].rfind('{').map_or(offset, |b| offset + b);
                for (name, value) in &attrs {
                    let written = match value {
                        Some(v) => format!("{name}={v}"),
                        None => name.to_string(),
                    };
                    let message = format!("heading attribute `{written}` is not supported and was left out; headings take an id (`{{#id}}`) and classes (`{{.class}}`) only");
                    self.diagnostics.push(Diagnostic::warning(
                        self.source,
                        self.pos(brace),
                        Code::HeadingAttribute,
                        message,
                    ));
                }
                self.heading = Some(Heading {
                    level,
                    id: id.map(|i| (i.to_string(), self.pos(brace))),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert(kind);
                let html = format!(
                    "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => self.emit(Event::Html("</div>\n".into())),
            // Footnotes are numbered, and their ids (`fn:2`) cannot be a heading's.
            Event::FootnoteReference(label) => {
                let n = self.footnote(&label);
                let html = format!("<sup class=\"footnote-reference\"><a href=\"#fn:{n}\">{n}</a></sup>");
                self.emit(Event::Html(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = self.footnote(&label);
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"fn:{n}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => self.emit(Event::Html("</div>\n".into())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = self.link(link_type, dest_url, offset, false);
                self.emit(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest_url = self.link(link_type, dest_url, offset, true);
                self.emit(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                // Text inside a raw `<script>` or `<style>` is not shown: not in the TOC,
                // ids or search.
                if !self.raw.in_hidden_text() {
                    let t = t.clone();
                    self.text(&t);
                }
                self.emit(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.emit(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::TableRow) => {
                self.text("\n");
                self.emit(event);
            }
            // An HTML block comes a line at a time: read it as a whole.
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(HtmlBlock::default()),
            Event::Html(html) if self.html_block.is_some() => {
                let block = self.html_block.as_mut().expect("inside an HTML block");
                block.lines.push((block.text.len(), offset));
                block.text.push_str(&html);
            }
            Event::End(TagEnd::HtmlBlock) => {
                let block = self.html_block.take().unwrap_or_default();
                self.raw_html(&block.text, &block.lines);
                self.emit(Event::Html(block.text.into()));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.raw_html(&html, &[(0, offset)]);
                self.emit(Event::InlineHtml(html));
            }
            other => self.emit(other),
        }
    }

    /// A footnote's number, from 1, in the order its label was first seen.
    fn footnote(&mut self, label: &str) -> usize {
        match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_string());
                self.rendered.anchors.push(format!("fn:{}", self.footnotes.len()));
                self.footnotes.len()
            }
        }
    }

    /// Records a heading; its HTML, TOC entry and section get their id in `finish`.
    fn end_heading(&mut self) {
        let h = self.heading.take().expect("inside a heading");
        let title = collapse_whitespace(&h.text);
        let level = h.level as u8;
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, h.events.into_iter());
        let placed = Placed {
            level,
            classes: h.classes,
            inner,
            out: self.out.len(),
            toc: (level >= 2).then_some(self.rendered.toc.len()),
            section: self.rendered.sections.len(),
            anchor: self.rendered.anchors.len(),
        };
        self.out.push(Event::Html(CowStr::Borrowed("")));
        let entry = TocEntry { level, id: String::new(), title: title.clone() };
        self.rendered.anchors.push(String::new());
        if level >= 2 {
            self.rendered.toc.push(entry.clone());
        }
        self.rendered.sections.push(Section { heading: Some(entry), text: String::new() });
        self.headings.push((Pending { written: h.id, title }, placed));
    }

    /// Once the page is read: heading ids, and what raw HTML left open or lost.
    fn finish(&mut self) {
        let pending: Vec<Pending> = self
            .headings
            .iter_mut()
            .map(|(p, _)| Pending { written: p.written.take(), title: std::mem::take(&mut p.title) })
            .collect();
        let (ids, errors) = headings::assign(&pending);
        for (pos, message) in errors {
            self.diagnostics.push(Diagnostic::error(self.source, pos, Code::HeadingId, message));
        }
        for ((_, h), id) in self.headings.drain(..).zip(ids) {
            let level = h.level;
            let mut html = format!("<h{level} id=\"");
            escape_html(&mut html, &id).expect("writing to a String cannot fail");
            html.push('"');
            if !h.classes.is_empty() {
                html.push_str(" class=\"");
                escape_html(&mut html, &h.classes.join(" ")).expect("writing to a String cannot fail");
                html.push('"');
            }
            html.push('>');
            html.push_str(&h.inner);
            html.push_str(" <a class=\"heading-anchor\" href=\"#");
            escape_html(&mut html, &id).expect("writing to a String cannot fail");
            html.push_str(&format!("\" aria-label=\"Link to this section\">#</a></h{level}>\n"));
            self.out[h.out] = Event::Html(html.into());
            if let Some(t) = h.toc {
                self.rendered.toc[t].id = id.clone();
            }
            if let Some(entry) = &mut self.rendered.sections[h.section].heading {
                entry.id = id.clone();
            }
            self.rendered.anchors[h.anchor] = id;
        }
        if let Some((open, at)) = self.raw.open() {
            let message = match open {
                Open::Comment => "this HTML comment is never closed: everything after it on the page would disappear into it; close it with `-->`".to_string(),
                Open::Element(name) if name == "plaintext" => "`<plaintext>` cannot be closed: everything after it, the rest of the page too, would show as text; remove it".to_string(),
                Open::Element(name) => format!("`<{name}>` is never closed: everything after it, the rest of the page too, would be read as its content; close it with `</{name}>`, or write it as code (`` `<{name}>` ``) to show the tag itself"),
            };
            let pos = self.pos(at);
            self.diagnostics.push(Diagnostic::error(self.source, pos, Code::RawHtmlUnclosed, message));
        }
        for (what, pos) in std::mem::take(&mut self.removed) {
            let message = format!("raw HTML was sanitized: removed {what}");
            self.diagnostics.push(Diagnostic::warning(self.source, pos, Code::RawHtmlRemoved, message));
        }
    }

    /// A piece of raw HTML: an HTML block or an inline tag. `lines`: where each of its
    /// lines starts, in `html` and in the body. Its `<img src>` and `<a href>` are
    /// checked, and their files copied, like Markdown's links; but raw HTML is not
    /// rewritten, so a link to a `.md` page there (which would stay `.md`, broken, in
    /// the output) is an error.
    fn raw_html(&mut self, html: &str, lines: &[(usize, usize)]) {
        self.has_raw_html = true;
        let place = |o: usize| {
            let (start, body) = lines[lines.partition_point(|(s, _)| *s <= o).max(1) - 1];
            body + (o - start)
        };
        for tag in self.raw.scan(html, &place) {
            if !self.settings.allow_raw_html {
                for (what, at) in sanitize::removed(&tag, self.settings.link_schemes) {
                    if !self.removed.iter().any(|(w, _)| *w == what) {
                        let pos = self.pos(place(at));
                        self.removed.push((what, pos));
                    }
                }
            }
            let wanted = match tag.name.as_str() {
                "img" => "src",
                "a" => "href",
                _ => continue,
            };
            let Some(attr) = tag.attrs.iter().find(|a| a.name == wanted) else { continue };
            let url = attr.value.trim();
            if matches!(
                classify(self.source, url, false, self.settings.link_schemes),
                Err(LinkError::Unsafe(_) | LinkError::UnknownScheme(_))
            ) {
                continue; // sanitizing removes it (and says so), or `allow_raw_html` lets it be
            }
            let at = place(attr.value_at);
            let href = self.link(LinkType::Inline, CowStr::from(url.to_string()), at, tag.name == "img");
            if *href != *url && &*href != "#" {
                let message = format!(
                    "`<a href=\"{url}\">` in raw HTML stays `{url}` in the output, a broken link; write it as a Markdown link, `[text]({url})`, which remedy turns into `{href}`"
                );
                self.diagnostics.push(Diagnostic::error(self.source, self.pos(at), Code::RawHtmlLink, message));
            }
        }
    }

    /// Classifies a link destination, records it, and returns the href to write.
    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, offset: usize, image: bool) -> CowStr<'a> {
        let pos = self.pos(offset);
        if matches!(link_type, LinkType::Email) {
            return dest;
        }
        match classify(self.source, &dest, image, self.settings.link_schemes) {
            Ok(Classified::External) => {
                let lower = dest.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    let target = LinkTarget::External(dest.to_string());
                    self.rendered.links.push(LinkRef { target, written: dest.to_string(), pos, in_file: None });
                }
                dest
            }
            Ok(Classified::Internal { target, href }) => {
                self.rendered.links.push(LinkRef { target, written: dest.to_string(), pos, in_file: None });
                href.map_or(dest, CowStr::from)
            }
            Err(LinkError::Unsafe(scheme)) => {
                let message = format!("link `{}` uses `{scheme}:`, which can run code; it was made inert", dest);
                self.diagnostics.push(Diagnostic::warning(self.source, pos, Code::UnsafeLink, message));
                CowStr::from("#")
            }
            Err(LinkError::UnknownScheme(scheme)) => {
                let message = format!("link `{dest}` uses `{scheme}:`, a scheme remedy does not know; it was made inert (if it opens an app, add \"{scheme}\" to `link_schemes` in site.toml)");
                self.diagnostics.push(Diagnostic::warning(self.source, pos, Code::UnknownScheme, message));
                CowStr::from("#")
            }
            Err(LinkError::Escapes(why)) => {
                let message = format!("link `{}` {why}", dest);
                self.diagnostics.push(Diagnostic::error(self.source, pos, Code::LinkEscapes, message));
                CowStr::from("#")
            }
        }
    }
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
