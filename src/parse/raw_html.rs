//! A scanner for the raw HTML that Markdown lets through: its tags and their
//! attributes, with byte offsets, the way a browser tokenizes them (names in any case,
//! attributes over several lines, quoted or not, comments skipped, the content of
//! `<script>`, `<style>`, `<textarea>`... read as text up to the closing tag).
//!
//! It is not the sanitizer (ammonia parses the page for that): it finds what to
//! check (`<img src>`, `<a href>`), what the sanitizer will remove (to say so, and
//! where), and what a fragment leaves open (a `<style>` or a comment never closed,
//! which would swallow the rest of the page). Raw HTML comes in pieces (an HTML block,
//! one inline tag), so the scanner keeps what is open from one piece to the next.

/// A start or end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lowercase, as browsers read it.
    pub name: String,
    /// Offset of the `<`.
    pub at: usize,
    pub closing: bool,
    pub attrs: Vec<Attr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lowercase.
    pub name: String,
    /// With character references (`&amp;`, `&#47;`) decoded.
    pub value: String,
    /// Offset of the attribute's name.
    pub at: usize,
    /// Offset of the value as written (after any quote); `at` when there is none.
    pub value_at: usize,
}

/// Elements whose content is text up to their end tag, not markup.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];

/// Something a piece of raw HTML opened and did not close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Open {
    /// A raw-text element (`style`, `textarea`, ...), by name.
    Element(String),
    Comment,
}

/// Reads pieces of raw HTML in page order, remembering what is left open.
#[derive(Debug, Default)]
pub struct Scanner {
    /// What is open, and where (an offset the caller chose, see [`Scanner::scan`]).
    open: Option<(Open, usize)>,
}

impl Scanner {
    /// The tags of `html`, in order. `place` turns an offset in `html` into the
    /// caller's offset, remembered for what is left open.
    pub fn scan(&mut self, html: &str, place: &dyn Fn(usize) -> usize) -> Vec<Tag> {
        let mut tags = Vec::new();
        let bytes = html.as_bytes();
        let mut i = 0;
        while i < html.len() {
            if let Some((open, _)) = &self.open {
                let end = match open {
                    Open::Comment => find(html, i, "-->").map(|e| e + 3),
                    Open::Element(name) if name == "plaintext" => None,
                    Open::Element(name) => find_end_tag(html, i, name),
                };
                match end {
                    Some(e) => {
                        if let Open::Element(name) = open {
                            tags.push(Tag { name: name.clone(), at: e, closing: true, attrs: Vec::new() });
                            i = skip_tag(html, e);
                        } else {
                            i = e;
                        }
                        self.open = None;
                        continue;
                    }
                    None => return tags,
                }
            }
            let Some(lt) = html[i..].find('<').map(|p| i + p) else { break };
            let rest = &html[lt + 1..];
            if rest.starts_with("!--") {
                match find(html, lt + 4, "-->") {
                    Some(e) if !html[lt + 4..].starts_with('>') && !html[lt + 4..].starts_with("->") => i = e + 3,
                    Some(_) => i = lt + 4, // `<!-->` and `<!--->` are empty comments
                    None => {
                        self.open = Some((Open::Comment, place(lt)));
                        return tags;
                    }
                }
                continue;
            }
            if rest.starts_with('!') || rest.starts_with('?') {
                // A doctype, CDATA or processing instruction: up to the next `>`.
                i = html[lt..].find('>').map_or(html.len(), |e| lt + e + 1);
                continue;
            }
            let closing = rest.starts_with('/');
            let name_start = lt + 1 + usize::from(closing);
            if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                i = lt + 1;
                continue;
            }
            let name_end = html[name_start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .map_or(html.len(), |e| name_start + e);
            let name = html[name_start..name_end].to_ascii_lowercase();
            let (attrs, end) = attributes(html, name_end);
            if !closing && RAW_TEXT.contains(&name.as_str()) {
                self.open = Some((Open::Element(name.clone()), place(lt)));
            }
            tags.push(Tag { name, at: lt, closing, attrs: if closing { Vec::new() } else { attrs } });
            i = end;
        }
        tags
    }

    /// What is open at this point of the page, and where it was opened.
    pub fn open(&self) -> Option<(&Open, usize)> {
        self.open.as_ref().map(|(o, at)| (o, *at))
    }

    /// Whether text here is inside a `<script>` or `<style>`: not shown, not searchable.
    pub fn in_hidden_text(&self) -> bool {
        matches!(&self.open, Some((Open::Element(n), _)) if n == "script" || n == "style")
    }
}

fn find(html: &str, from: usize, needle: &str) -> Option<usize> {
    html.get(from..)?.find(needle).map(|p| from + p)
}

/// The offset of `</name` (any case) followed by a space, `/` or `>`, from `from`.
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let lower = html[from..].to_ascii_lowercase();
    let needle = format!("</{name}");
    let mut start = 0;
    while let Some(p) = lower[start..].find(&needle) {
        let at = start + p;
        let after = lower.as_bytes().get(at + needle.len()).copied();
        if after.is_none_or(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>') {
            return Some(from + at);
        }
        start = at + 1;
    }
    None
}

/// The offset after the `>` that ends the tag starting at `at`.
fn skip_tag(html: &str, at: usize) -> usize {
    html[at..].find('>').map_or(html.len(), |e| at + e + 1)
}

/// The attributes from `from` to the end of the tag, and the offset after the tag.
fn attributes(html: &str, from: usize) -> (Vec<Attr>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let at = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        if i == at {
            i += 1; // a lone `=`: browsers start a name with it
            continue;
        }
        let name = html[at..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (value, value_at) = if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = html[j + 1..].find(q as char).map_or(html.len(), |e| j + 1 + e);
                    let v = (decode(&html[j + 1..end]), j + 1);
                    i = (end + 1).min(html.len());
                    v
                }
                _ => {
                    let end =
                        html[j..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(html.len(), |e| j + e);
                    let v = (decode(&html[j..end]), j);
                    i = end;
                    v
                }
            }
        } else {
            (String::new(), at)
        };
        if !attrs.iter().any(|a: &Attr| a.name == name) {
            attrs.push(Attr { name, value, at, value_at });
        }
    }
}

/// Decodes the character references that matter in URLs and attribute values:
/// numeric ones and the usual named ones. Others stay as written.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.find(';').filter(|&e| e <= 12);
        let decoded = semi.and_then(|e| {
            let entity = &rest[1..e];
            let c = if let Some(num) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = entity.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match entity {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "colon" => Some(':'),
                    "sol" => Some('/'),
                    "period" => Some('.'),
                    "nbsp" => Some('\u{a0}'),
                    "Tab" => Some('\t'),
                    "NewLine" => Some('\n'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(html: &str) -> Vec<Tag> {
        Scanner::default().scan(html, &|o| o)
    }

    #[test]
    fn tags_over_lines_and_in_capitals() {
        let tags = scan("<P>\n<IMG\n  SRC = \"a&amp;b.png\"\n  alt=x>\n<a href='t.md' target=_blank>t</A></p>");
        let names: Vec<_> = tags.iter().map(|t| (t.name.as_str(), t.closing)).collect();
        assert_eq!(names, [("p", false), ("img", false), ("a", false), ("a", true), ("p", true)]);
        assert_eq!(tags[1].attrs[0].name, "src");
        assert_eq!(tags[1].attrs[0].value, "a&b.png");
        assert_eq!(tags[1].attrs[0].value_at, 18);
        assert_eq!(tags[2].attrs[1].value, "_blank");
    }

    #[test]
    fn comments_and_raw_text_are_skipped_and_what_stays_open_is_known() {
        let tags = scan("<!-- <img src=a> --><script>x('<img src=b>')</script><img src=c>");
        let srcs: Vec<_> = tags.iter().flat_map(|t| &t.attrs).map(|a| a.value.as_str()).collect();
        assert_eq!(srcs, ["c"]);

        let mut s = Scanner::default();
        s.scan("<p>x</p>\n<STYLE>\nbody {}", &|o| o + 100);
        assert_eq!(s.open(), Some((&Open::Element("style".into()), 109)));
        assert!(s.in_hidden_text());
        s.scan("</style >", &|o| o);
        assert_eq!(s.open(), None);
        s.scan("<!-- never closed", &|o| o);
        assert_eq!(s.open(), Some((&Open::Comment, 0)));
        s.scan("still --> <textarea>", &|o| o);
        assert_eq!(s.open(), Some((&Open::Element("textarea".into()), 10)));
        assert!(!s.in_hidden_text());
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(decode("a&amp;b&#47;c&#x3A;d&bogus;&"), "a&b/c:d&bogus;&");
    }
}
