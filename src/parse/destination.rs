//! Link destinations as written in Markdown (or raw HTML): what each one is (a page,
//! an anchor, a file beside the page, an outside URL) and what it becomes in the
//! output (`x.md` -> `x.html`). Pure: knows nothing of which files exist; `resolve`
//! checks that the targets do.

use crate::model::LinkTarget;
use crate::parse::sanitize;

pub enum Classified {
    External,
    /// `href` is the rewritten destination, when it differs from the written one.
    Internal {
        target: LinkTarget,
        href: Option<String>,
    },
}

pub enum LinkError {
    /// A scheme that runs code (`javascript:`): made inert.
    Unsafe(String),
    /// A scheme not on the list (`sanitize::scheme_allowed`): made inert.
    UnknownScheme(String),
    /// Not a relative path inside `content/`: the sentence that says why.
    Escapes(&'static str),
}

/// Decides what a link destination is. `schemes`: the site's own link schemes, on
/// top of `sanitize`'s list. Pure: knows nothing of which files exist.
pub fn classify(source: &str, dest: &str, image: bool, schemes: &[String]) -> Result<Classified, LinkError> {
    if let Some(scheme) = sanitize::scheme(dest) {
        return if sanitize::UNSAFE_SCHEMES.contains(&scheme.as_str()) {
            Err(LinkError::Unsafe(scheme))
        } else if sanitize::scheme_allowed(&scheme, schemes) {
            Ok(Classified::External)
        } else {
            Err(LinkError::UnknownScheme(scheme))
        };
    }
    if dest.starts_with("//") {
        return Ok(Classified::External);
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return Ok(Classified::Internal { target: LinkTarget::Anchor(percent_decode(anchor)), href: None });
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    // Decoded once; everything below looks at the decoded path only.
    let decoded = percent_decode(path_part);
    if decoded.contains('\\') {
        return Err(LinkError::Escapes(
            "contains a backslash (`\\`): paths in links use `/`, as in `../other-guide/step.md`",
        ));
    }
    // A path from the site's root (`/guide/step.md`, as GitHub's preview reads it from
    // the repository's root when content/ is that root): the same path from this file.
    let rooted = decoded.starts_with('/');
    let decoded = match decoded.strip_prefix('/') {
        Some(rest) => from_root(source, rest),
        None => decoded,
    };
    if decoded.starts_with('/') || decoded.contains('\0') || decoded.contains(':') {
        return Err(LinkError::Escapes(
            "is not a path inside the site; write the path from this file to the other one",
        ));
    }
    let Some(target_path) = join(source, &decoded) else {
        return Err(LinkError::Escapes("escapes the site: it points outside content/"));
    };
    let is_page = !image && (decoded.is_empty() || decoded.ends_with('/') || decoded.ends_with(".md"));
    if !is_page {
        // Written from the root, it is written again from this page, so it works from disk.
        let href = rooted.then(|| encode(&decoded));
        return Ok(Classified::Internal { target: LinkTarget::Asset { source: target_path }, href });
    }
    let href_path = if decoded.is_empty() {
        String::new()
    } else if decoded.ends_with('/') {
        format!("{}index.html", encode(&decoded))
    } else if let Some(dir) = decoded.strip_suffix("_index.md").filter(|d| d.is_empty() || d.ends_with('/')) {
        format!("{}index.html", encode(dir))
    } else {
        format!("{}.html", encode(&decoded[..decoded.len() - 3]))
    };
    let href = match anchor {
        Some(a) => format!("{href_path}#{a}"),
        None => href_path,
    };
    let target = LinkTarget::Page { source: target_path, anchor: anchor.map(percent_decode) };
    Ok(Classified::Internal { target, href: Some(href) })
}

/// A decoded path made safe to write in an href again: `%`, `#` and `?` are the
/// characters that would change its meaning (pulldown-cmark escapes the rest).
fn encode(path: &str) -> String {
    path.replace('%', "%25").replace('#', "%23").replace('?', "%3F")
}

/// The file that `written` (relative to `source`, or from the site's root when it
/// starts with `/`) names, as a path under `content/`; `None` outside it.
pub fn file_of(source: &str, written: &str) -> Option<String> {
    match written.strip_prefix('/') {
        Some(rest) => join(source, &from_root(source, rest)),
        None => join(source, written),
    }
}

/// A path from the site's root (`guide/step.md`, the `/` taken off) written from the
/// folder of `source` instead (`../guide/step.md`).
fn from_root(source: &str, path: &str) -> String {
    format!("{}{path}", "../".repeat(source.matches('/').count().saturating_sub(1)))
}

/// Joins a relative path to the folder of `source`, resolving `.` and `..`.
/// `None` when the result would leave `content/`. A trailing `/` means the folder's `_index.md`.
fn join(source: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = source.split('/').collect();
    parts.pop(); // the file name
    if relative.is_empty() {
        return Some(source.to_string());
    }
    let folder = relative.ends_with('/');
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return None;
                }
            }
            p => parts.push(p),
        }
    }
    if parts.first() != Some(&"content") {
        return None;
    }
    let mut path = parts.join("/");
    if folder {
        path.push_str("/_index.md");
    }
    Some(path)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn href(dest: &str) -> (String, String) {
        match classify("content/g/s.md", dest, false, &[]) {
            Ok(Classified::Internal { target: LinkTarget::Page { source, anchor }, href }) => {
                (format!("{source}{}", anchor.map(|a| format!("#{a}")).unwrap_or_default()), href.unwrap())
            }
            Ok(Classified::Internal { target: LinkTarget::Asset { source }, .. }) => (source, "asset".into()),
            _ => panic!("{dest} is not internal"),
        }
    }

    #[test]
    fn paths_from_the_site_root_are_written_relative() {
        assert_eq!(href("/h/t.md#x"), ("content/h/t.md#x".into(), "../h/t.html#x".into()));
        assert_eq!(href("/g/"), ("content/g/_index.md".into(), "../g/index.html".into()));
        assert_eq!(href("/_index.md"), ("content/_index.md".into(), "../index.html".into()));
        let home = classify("content/_index.md", "/g/s.md", false, &[]);
        let Ok(Classified::Internal { href: Some(href), .. }) = home else { panic!() };
        assert_eq!(href, "g/s.html");
        let image = classify("content/g/s.md", "/h/pic.png", true, &[]);
        let Ok(Classified::Internal { target: LinkTarget::Asset { source }, href: Some(href) }) = image else {
            panic!()
        };
        assert_eq!((source.as_str(), href.as_str()), ("content/h/pic.png", "../h/pic.png"));
        assert!(matches!(classify("content/g/s.md", "/../etc/passwd", false, &[]), Err(LinkError::Escapes(_))));
    }

    #[test]
    fn percent_encoded_paths_are_decoded_once_then_classified() {
        assert_eq!(href("t.m%64"), ("content/g/t.md".into(), "t.html".into()));
        assert_eq!(href("t%2Emd#x"), ("content/g/t.md#x".into(), "t.html#x".into()));
        assert_eq!(href("my%20step.md"), ("content/g/my step.md".into(), "my step.html".into()));
        assert_eq!(href("a%2525.md"), ("content/g/a%25.md".into(), "a%2525.html".into()));
        assert_eq!(href("a%23b.md#c"), ("content/g/a#b.md#c".into(), "a%23b.html#c".into()));
        assert_eq!(href("..%2Fh%2F_index.md"), ("content/h/_index.md".into(), "../h/index.html".into()));
        assert_eq!(href("pic%2Epng"), ("content/g/pic.png".into(), "asset".into()));
    }

    #[test]
    fn a_backslash_is_called_a_backslash() {
        for dest in ["..\\h\\x.md", "a%5Cb.png"] {
            let Err(LinkError::Escapes(why)) = classify("content/g/s.md", dest, false, &[]) else { panic!("{dest}") };
            assert!(why.starts_with("contains a backslash"), "{why}");
        }
    }

    #[test]
    fn schemes() {
        let kind = |d: &str| match classify("content/g/s.md", d, false, &["steam".to_string()]) {
            Ok(Classified::External) => "external".to_string(),
            Ok(Classified::Internal { .. }) => "internal".to_string(),
            Err(LinkError::Unsafe(s)) => format!("unsafe {s}"),
            Err(LinkError::UnknownScheme(s)) => format!("unknown {s}"),
            Err(LinkError::Escapes(_)) => "escapes".to_string(),
        };
        assert_eq!(kind("ms-settings:network-wifi"), "external");
        assert_eq!(kind("X-Apple.SystemPreferences:com.apple.preference.network"), "external");
        assert_eq!(kind("steam://run/1"), "external");
        assert_eq!(kind("made-up://x"), "unknown made-up");
        assert_eq!(kind("java\tscript:x"), "unsafe javascript");
        assert_eq!(kind("C:\\x.md"), "escapes");
        assert_eq!(kind("a_b:c"), "escapes");
    }
}
