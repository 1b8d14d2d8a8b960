//! Front matter syntax: splits a Markdown file into its front-matter block and body,
//! and reads the block (TOML between `+++` lines, YAML between `---` lines) into a
//! small tree of [`Node`]s that remember where in the *file* each key and value stands.
//!
//! What the keys mean is decided by the readers built on `schema::fields`; this module only knows syntax.
//! YAML aliases are refused rather than expanded, so an alias bomb costs nothing.

use crate::diagnostics::{LineIndex, Pos};

/// The front-matter syntax a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A file cut into its parts. Offsets are bytes into the whole file.
#[derive(Debug)]
pub struct Split<'a> {
    /// The front-matter block, if the file has one.
    pub block: Option<Block<'a>>,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug)]
pub struct Block<'a> {
    pub format: Format,
    pub text: &'a str,
    pub offset: usize,
}

/// A syntax error: where (byte offset into the file) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// A front-matter value with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A TOML date or date-time, as written.
    Date(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
    Null,
}

/// A key of a mapping, with the place of the key itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Value {
    /// What a person would call this kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Date(_) => "a date",
            Value::List(_) => "a list",
            Value::Map(_) => "a table",
            Value::Null => "an empty value",
        }
    }
}

/// Cuts the front-matter block off a file. The opening fence must be the first line;
/// the closing fence is the first later line that is exactly the same fence.
pub fn split(text: &str) -> Result<Split<'_>, SyntaxError> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_end].trim_end_matches(['\n', '\r']);
    let format = match first.trim_end() {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => return Ok(Split { block: None, body: text, body_offset: 0 }),
    };
    let fence = if format == Format::Toml { "+++" } else { "---" };
    let mut offset = first_end;
    let mut near_miss = None;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..end].trim_end_matches(['\n', '\r']);
        if line == fence {
            return Ok(Split {
                block: Some(Block { format, text: &text[first_end..offset], offset: first_end }),
                body: &text[end..],
                body_offset: end,
            });
        }
        if near_miss.is_none() && line.trim() == fence {
            near_miss = Some(offset);
        }
        offset = end;
    }
    let mut message = format!("front matter is not closed: add a line with exactly `{fence}` after it");
    if let Some(at) = near_miss {
        let line = LineIndex::new(text).pos(at).line;
        message.push_str(&format!(" (line {line} has spaces around `{fence}`)"));
    }
    Err(SyntaxError { offset: 0, message })
}

/// Reads a block into its top-level entries. Positions are in the whole `file`.
pub fn read(block: &Block<'_>, lines: &LineIndex<'_>) -> Result<Vec<Entry>, SyntaxError> {
    match block.format {
        Format::Toml => toml_syntax::read(block, lines),
        Format::Yaml => yaml_syntax::read(block),
    }
}

mod toml_syntax {
    use super::*;
    use toml::de::{DeTable, DeValue};
    use toml::Spanned;

    pub fn read(block: &Block<'_>, lines: &LineIndex<'_>) -> Result<Vec<Entry>, SyntaxError> {
        let table = DeTable::parse(block.text).map_err(|e| SyntaxError {
            offset: block.offset + e.span().map_or(0, |s| s.start),
            message: first_line(e.message()),
        })?;
        Ok(entries(table.get_ref(), block.offset, lines))
    }

    fn entries(table: &DeTable<'_>, base: usize, lines: &LineIndex<'_>) -> Vec<Entry> {
        let mut out: Vec<Entry> = table
            .iter()
            .map(|(key, value)| Entry {
                key: key.get_ref().to_string(),
                key_pos: lines.pos(base + key.span().start),
                value: node(value, base, lines),
            })
            .collect();
        out.sort_by_key(|e| e.key_pos);
        out
    }

    fn node(value: &Spanned<DeValue<'_>>, base: usize, lines: &LineIndex<'_>) -> Node {
        let pos = lines.pos(base + value.span().start);
        let value = match value.get_ref() {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let digits = digits.trim_start_matches("0x").trim_start_matches("0o").trim_start_matches("0b");
                match i64::from_str_radix(digits, i.radix()) {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::Float(f64::NAN),
                }
            }
            DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::Date(d.to_string()),
            DeValue::Array(items) => Value::List(items.iter().map(|v| node(v, base, lines)).collect()),
            DeValue::Table(t) => Value::Map(entries(t, base, lines)),
        };
        Node { value, pos }
    }

    fn first_line(message: &str) -> String {
        message.lines().next().unwrap_or("invalid TOML").trim().to_string()
    }
}

mod yaml_syntax {
    use super::*;
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::{Marker, TScalarStyle};

    /// Deeper nesting than this is refused: front matter is flat by design.
    const MAX_DEPTH: usize = 32;
    /// More nodes than this is refused: no front matter needs it.
    const MAX_NODES: usize = 10_000;

    pub fn read(block: &Block<'_>) -> Result<Vec<Entry>, SyntaxError> {
        // The block's first line is line 2 of the file (line 1 is the `---` fence).
        let mut reader = Reader { parser: Parser::new_from_str(block.text), block, nodes: 0 };
        loop {
            let (event, mark) = reader.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart => continue,
                Event::StreamEnd | Event::DocumentEnd => return Ok(Vec::new()),
                Event::MappingStart(..) => {
                    let map = reader.mapping(1)?;
                    return Ok(map);
                }
                Event::Scalar(ref s, _, _, _) if s.is_empty() || s == "~" => return Ok(Vec::new()),
                _ => {
                    return Err(SyntaxError {
                        offset: reader.offset(mark),
                        message: "front matter must be a list of `key: value` lines".into(),
                    })
                }
            }
        }
    }

    struct Reader<'a> {
        parser: Parser<std::str::Chars<'a>>,
        block: &'a Block<'a>,
        nodes: usize,
    }

    impl Reader<'_> {
        fn next(&mut self) -> Result<(Event, Marker), SyntaxError> {
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                return Err(SyntaxError { offset: self.block.offset, message: "front matter is too large".into() });
            }
            self.parser.next_token().map_err(|e| SyntaxError {
                offset: self.offset(*e.marker()),
                message: format!("invalid YAML: {}", e.info()),
            })
        }

        /// Byte offset in the file of a marker (which counts lines from 1 and columns from 0).
        fn offset(&self, mark: Marker) -> usize {
            let text = self.block.text;
            let line_start =
                text.split_inclusive('\n').take(mark.line().saturating_sub(1)).map(str::len).sum::<usize>();
            let col_bytes = text[line_start.min(text.len())..]
                .char_indices()
                .nth(mark.col())
                .map_or(text.len() - line_start.min(text.len()), |(i, _)| i);
            self.block.offset + line_start + col_bytes
        }

        fn pos(&self, mark: Marker) -> Pos {
            // Line 1 of the block is line 2 of the file; the block starts a line.
            Pos::new(mark.line() as u32 + 1, mark.col() as u32 + 1)
        }

        fn mapping(&mut self, depth: usize) -> Result<Vec<Entry>, SyntaxError> {
            let mut out = Vec::new();
            loop {
                let (event, mark) = self.next()?;
                let key = match event {
                    Event::MappingEnd => return Ok(out),
                    Event::Scalar(s, ..) => s,
                    Event::Alias(_) => return Err(self.alias(mark)),
                    _ => {
                        return Err(SyntaxError {
                            offset: self.offset(mark),
                            message: "a key must be a plain word".into(),
                        })
                    }
                };
                let key_pos = self.pos(mark);
                let value = self.node(depth)?;
                out.push(Entry { key, key_pos, value });
            }
        }

        fn node(&mut self, depth: usize) -> Result<Node, SyntaxError> {
            let (event, mark) = self.next()?;
            self.node_from(event, mark, depth)
        }

        /// Like [`Reader::node`] for an event already read.
        fn node_from(&mut self, event: Event, mark: Marker, depth: usize) -> Result<Node, SyntaxError> {
            if depth > MAX_DEPTH {
                return Err(SyntaxError {
                    offset: self.offset(mark),
                    message: "front matter is nested too deeply".into(),
                });
            }
            let pos = self.pos(mark);
            let value = match event {
                Event::Scalar(s, style, _, _) => scalar(s, style),
                Event::SequenceStart(..) => {
                    let mut items = Vec::new();
                    loop {
                        let (event, mark) = self.next()?;
                        match event {
                            Event::SequenceEnd => break,
                            Event::Alias(_) => return Err(self.alias(mark)),
                            other => items.push(self.node_from(other, mark, depth + 1)?),
                        }
                    }
                    Value::List(items)
                }
                Event::MappingStart(..) => Value::Map(self.mapping(depth + 1)?),
                Event::Alias(_) => return Err(self.alias(mark)),
                _ => return Err(SyntaxError { offset: self.offset(mark), message: "unexpected YAML".into() }),
            };
            Ok(Node { value, pos })
        }

        fn alias(&self, mark: Marker) -> SyntaxError {
            SyntaxError {
                offset: self.offset(mark),
                message: "YAML aliases (`*name`) are not allowed in front matter; write the value out".into(),
            }
        }
    }

    /// YAML 1.2 core schema for plain scalars; quoted scalars are always strings.
    fn scalar(s: String, style: TScalarStyle) -> Value {
        if style != TScalarStyle::Plain {
            return Value::Str(s);
        }
        match s.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ => {
                if let Ok(n) = s.parse::<i64>() {
                    Value::Int(n)
                } else if s.contains(['.', 'e', 'E']) && s.parse::<f64>().is_ok() && !s.contains(char::is_alphabetic) {
                    Value::Float(s.parse().unwrap_or(f64::NAN))
                } else {
                    Value::Str(s)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
        let split = split(text)?;
        let lines = LineIndex::new(text);
        read(split.block.as_ref().expect("block"), &lines)
    }

    #[test]
    fn splits_toml_and_yaml() {
        let s = split("+++\ntitle = \"A\"\n+++\nBody\n").unwrap();
        let b = s.block.unwrap();
        assert_eq!((b.format, b.text, s.body), (Format::Toml, "title = \"A\"\n", "Body\n"));
        let s = split("---\r\ntitle: A\r\n---\r\nBody").unwrap();
        assert_eq!(s.block.unwrap().format, Format::Yaml);
        assert_eq!(s.body, "Body");
        assert!(split("# Just a body\n").unwrap().block.is_none());
    }

    #[test]
    fn unclosed_block_names_the_near_miss() {
        let err = split("+++\ntitle = \"A\"\n+++  \nBody\n").unwrap_err();
        assert_eq!(err.offset, 0);
        assert!(err.message.contains("not closed"), "{}", err.message);
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn toml_positions_are_in_the_file() {
        let entries = parse("+++\ntitle = \"A\"\nafter = [\"x\", \"y\"]\n+++\n").unwrap();
        assert_eq!(entries[0].key, "title");
        assert_eq!(entries[0].key_pos, Pos::new(2, 1));
        assert_eq!(entries[0].value.pos, Pos::new(2, 9));
        let Value::List(items) = &entries[1].value.value else { panic!() };
        assert_eq!(items[1].pos, Pos::new(3, 15));
    }

    #[test]
    fn toml_syntax_error_points_into_the_file() {
        let text = "+++\ntitle = \"A\"\norder = = 3\n+++\n";
        let err = parse(text).unwrap_err();
        assert_eq!(LineIndex::new(text).pos(err.offset).line, 3);
    }

    #[test]
    fn yaml_positions_and_types() {
        let entries = parse("---\ntitle: Hello\norder: 3\ndraft: false\nafter:\n  - a\n  - \"b\"\n---\n").unwrap();
        assert_eq!(entries[0].key_pos, Pos::new(2, 1));
        assert_eq!(entries[0].value, Node { value: Value::Str("Hello".into()), pos: Pos::new(2, 8) });
        assert_eq!(entries[1].value.value, Value::Int(3));
        assert_eq!(entries[2].value.value, Value::Bool(false));
        let Value::List(items) = &entries[3].value.value else { panic!() };
        assert_eq!(items[1].pos, Pos::new(7, 5));
    }

    #[test]
    fn yaml_aliases_are_refused() {
        let bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n";
        let err = parse(bomb).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
    }

    #[test]
    fn yaml_syntax_error_points_into_the_file() {
        let text = "---\ntitle: A\nsummary: [unclosed\n---\n";
        let err = parse(text).unwrap_err();
        assert!(LineIndex::new(text).pos(err.offset).line >= 3, "{err:?}");
    }
}
