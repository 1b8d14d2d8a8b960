//! Diagnostics: the messages remedy gives people about their content.
//!
//! Every user mistake becomes a [`Diagnostic`] with the file, line and column it
//! concerns, a severity, a stable code and a sentence. Stages collect them and keep
//! going; the command decides the exit status at the end. [`LineIndex`] turns byte
//! offsets (what the parsers report) into `line:col` (what people read).

use std::fmt;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

/// Declares [`Code`]: each variant, the name people read (README's table is checked
/// against it) and what it means.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal: $meaning:literal,)*) => {
        /// Every diagnostic code. The name (`broken-link`) is stable: CI scripts and
        /// README's table use it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as people read it: `broken-link`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The code named `name` (`broken-link`), if there is one.
            pub fn named(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == name)
            }

            /// What the code means, for README's table.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

codes! {
    MissingConfig = "missing-config": "there is no `site.toml`",
    ConfigSyntax = "config-syntax": "`site.toml` is not valid TOML",
    MissingContent = "missing-content": "there is no `content/` folder",
    MissingHome = "missing-home": "there is no `content/_index.md`",
    MissingTheme = "missing-theme": "`theme` names a folder that does not exist",
    MissingGuide = "missing-guide": "a step's folder has no `_index.md`",
    MisplacedPage = "misplaced-page": "a Markdown file is not at `content/_index.md`, `content/<guide>/_index.md` or `content/<guide>/<step>.md`",
    BadSlug = "bad-slug": "a file or folder name is not lowercase `a-z`, `0-9`, `-`",
    MissingFrontMatter = "missing-front-matter": "a page does not start with `+++` or `---`",
    FrontMatterSyntax = "front-matter-syntax": "the TOML or YAML is invalid, the block is not closed, or YAML uses aliases",
    UnknownKey = "unknown-key": "a key that does not exist (the closest valid key is suggested)",
    DuplicateKey = "duplicate-key": "a key written twice in the same front matter (YAML allows it by mistake)",
    MissingKey = "missing-key": "a required key (`title`) is missing or empty",
    WrongType = "wrong-type": "a value of the wrong type or form",
    OrderCycle = "order-cycle": "`after` lists form a cycle",
    UnknownStep = "unknown-step": "`after` names a step that is not in the guide",
    DuplicateOrder = "duplicate-order": "two steps of a guide have the same `order`",
    RiskOrder = "risk-order": "a safer step comes after a destructive one",
    BrokenLink = "broken-link": "a link to a page that does not exist",
    BrokenAnchor = "broken-anchor": "a link to an `#anchor` that is not on the target page",
    MissingFile = "missing-file": "an image or file that does not exist",
    DraftLink = "draft-link": "a link to a draft that this build leaves out",
    LinkEscapes = "link-escapes": "a link that is absolute or leaves `content/`",
    UnsafeLink = "unsafe-link": "a `javascript:`-like link, made inert",
    UnknownScheme = "unknown-scheme": "a link whose scheme is not on the list (see Markdown), made inert",
    RawHtmlRemoved = "raw-html-removed": "raw HTML that sanitizing removed (each thing, where it is written)",
    IncludeError = "include-error": "an include that names no snippet under `content/_shared/`, or includes that form a cycle",
    TitleHeading = "title-heading": "a body that starts with an H1 repeating the page's title (left out of the page)",
    RawHtmlLink = "raw-html-link": "a raw-HTML link to a `.md` page, which is not rewritten",
    RawHtmlUnclosed = "raw-html-unclosed": "a raw `<style>`, `<script>`, `<textarea>`... or comment that is never closed and would swallow the rest of the page",
    HeadingId = "heading-id": "a written `{#id}` that an earlier heading, a footnote or the theme already uses",
    HeadingAttribute = "heading-attribute": "a heading attribute other than `{#id}` and `{.class}` (`{data-x=1}`), left out",
    Encoding = "encoding": "a file that is not UTF-8 (a UTF-8 byte-order mark is fine)",
    FileTooLarge = "file-too-large": "a file over the size limit (`max_file_size_kb`, 10 MB by default)",
    ReadError = "read-error": "a file or folder that cannot be read",
    SymlinkSkipped = "symlink-skipped": "a symbolic link, not followed",
    OutputConflict = "output-conflict": "two sources would write the same output file",
    AliasConflict = "alias-conflict": "an alias names a path that a page, a file or another alias already has",
    TemplateMissing = "template-missing": "the theme lacks a required template",
    TemplateError = "template-error": "a template that does not parse or render",
    WriteError = "write-error": "the output could not be written (the previous output is kept)",
    StringsFile = "strings-file": "a string table (`i18n/<code>.toml`) that is not valid TOML or not named after a language code",
    SearchBudget = "search-budget": "the search index is larger than `[search] budget_kb`",
    UnknownLanguage = "unknown-language": "a translation (`step.fr.md`) into a language that site.toml does not declare with `[languages.<code>]`",
    OrphanTranslation = "orphan-translation": "a translation whose source (`step.md` for `step.fr.md`) does not exist",
    NotATranslation = "not-a-translation": "`translated_from` in a file that is not a translation (no language code before `.md`)",
    TranslationChangesSource = "translation-changes-source": "a translation that changes what comes from its source (`order`, `after`, `risk`, `kind`, `branches` targets, `applies_to`, `tags`, `aliases`), or lacks the source's help-section id",
    // Checks that only `remedy check` runs:
    SafeWithSideEffects = "safe-with-side-effects": "a step with side effects whose risk is \"safe\"",
    NoBackupFirst = "no-backup-first": "a destructive step with no earlier step tagged `backup`",
    DuplicateTitle = "duplicate-title": "two steps of a guide have the same title",
    EmptyStep = "empty-step": "a step with no instructions",
    UnusedFile = "unused-file": "a file in `content/` that no page links to or shows",
    EmptyGuide = "empty-guide": "a guide with no steps",
    NoSources = "no-sources": "a step without `sources`, when site.toml has `require_sources = true`",
    Relative404 = "relative-404": "site.toml has no `base_url`, so `404.html` links relatively and a host that serves it for a deep missing path shows it without its stylesheet",
    StaleTranslation = "stale-translation": "a translation whose source changed after it did (git history, or its `translated_from` hash)",
    MissingString = "missing-string": "a declared language whose string tables lack a word of the theme (shown in English), or a name for the default language (`[language_names]`)",
    ExternalLink = "external-link": "an external link that does not answer with success",
    GonePage = "gone-page": "a page of the `--baseline` steps.json that this build no longer has, with no alias",
    BadBaseline = "bad-baseline": "the `--baseline` file is not a steps.json",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One message about one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site folder, with `/` separators (`content/guide/step.md`).
    pub path: String,
    pub pos: Pos,
    pub severity: Severity,
    /// A stable, documented identifier such as `broken-link` (see README).
    pub code: Code,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, pos: Pos, code: Code, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), pos, severity: Severity::Error, code, message: message.into() }
    }

    pub fn warning(path: impl Into<String>, pos: Pos, code: Code, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), pos, severity: Severity::Warning, code, message: message.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `content/guide/step.md:12:5: error: message [code]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {}: {} [{}]", self.path, self.pos.line, self.pos.col, severity, self.message, self.code)
    }
}

/// Sorts diagnostics by file, then place, then message, so output is deterministic,
/// and says each one once (a shared snippet included by several pages reports its
/// mistakes once).
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (&a.path, a.pos, a.severity, &a.message).cmp(&(&b.path, b.pos, b.severity, &b.message)));
    diagnostics.dedup();
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Maps byte offsets in a text to 1-based line and character column.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        Pos::new(line as u32 + 1, col as u32)
    }

    /// The byte offset where 1-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: u32) -> usize {
        let i = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a
/// likely typo (used for "did you mean" hints). Ties go to the candidate that sorts
/// first. Fast on long lists: a candidate whose length alone rules it out is skipped,
/// and a distance stops being computed once it is over the best so far.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word: Vec<char> = word.chars().collect();
    let limit = (word.len() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    let mut candidate = Vec::new();
    for c in candidates {
        let bound = best.map_or(limit, |(d, _)| d);
        candidate.clear();
        candidate.extend(c.chars());
        // The distance is at least the difference in length.
        if candidate.len().abs_diff(word.len()) > bound {
            continue;
        }
        if let Some(d) = edit_distance(&word, &candidate, bound) {
            if best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
                best = Some((d, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal
/// string alignment), since swaps are the commonest typo; `None` when over `bound`.
fn edit_distance(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    // Three rows: two back (for swaps), the last one, the one being filled.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    let mut last_min = 0;
    for i in 1..=a.len() {
        row[0] = i;
        let mut row_min = row[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
            row_min = row_min.min(d);
        }
        // Later cells come from this row or, by a swap, the one before plus one: once
        // both are over the bound, so is the distance.
        if row_min > bound && last_min > bound {
            return None;
        }
        last_min = row_min;
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    let d = last[b.len()];
    (d <= bound).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "ab\ncé d\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos::new(1, 1));
        assert_eq!(idx.pos(3), Pos::new(2, 1));
        assert_eq!(idx.pos(text.find('d').unwrap()), Pos::new(2, 4));
        assert_eq!(idx.pos(text.len()), Pos::new(4, 2));
        assert_eq!(idx.line_start(3), 9);
    }

    #[test]
    fn every_code_is_in_the_readme() {
        let readme = include_str!("../README.md");
        for code in Code::ALL {
            let row = format!("| `{code}` |");
            assert!(readme.contains(&row), "README's table lacks `{code}`");
            let line = readme.lines().find(|l| l.starts_with(&row)).expect("the row");
            assert!(
                line.ends_with(&format!("| {} |", code.meaning())),
                "README's `{code}` row says something else: {line}"
            );
        }
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["title", "summary", "side_effects"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("side_effect", keys), Some("side_effects"));
        assert_eq!(closest("colour", keys), None);
        // Ties go to the first in sort order, whatever the order given.
        assert_eq!(closest("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(closest("ab", ["aa", "ac"]), Some("aa"));
    }

    #[test]
    fn bounded_distance_is_the_distance_when_within_bound() {
        let d = |a: &str, b: &str, bound| {
            edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>(), bound)
        };
        assert_eq!(d("kitten", "sitting", 5), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("ab", "ba", 1), Some(1));
        assert_eq!(d("", "abc", 3), Some(3));
        assert_eq!(d("abc", "abc", 0), Some(0));
        assert_eq!(d("caé", "aćé", 4), Some(2));
    }
}
