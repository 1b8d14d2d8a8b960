//! Link destinations as written in Markdown (or raw HTML): what each one is (a page,
//! an anchor, a file beside the page, an outside URL) and what it becomes in the
//! output (`x.md` -> `x.html`). Pure: knows nothing of which files exist; `resolve`
//! checks that the targets do.

use crate::model::LinkTarget;

pub enum Classified {
    External,
    /// `href` is the rewritten destination, when it differs from the written one.
    Internal {
        target: LinkTarget,
        href: Option<String>,
    },
}

pub enum LinkError {
    Unsafe(String),
    Escapes(&'static str),
}

/// Decides what a link destination is. Pure: knows nothing of which files exist.
pub fn classify(source: &str, dest: &str, image: bool) -> Result<Classified, LinkError> {
    // Browsers ignore ASCII whitespace and control characters in a scheme.
    let squashed: String = dest.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect();
    if let Some(colon) = squashed.find(':') {
        let scheme = &squashed[..colon];
        if !scheme.is_empty() && !scheme.contains(['/', '?', '#']) {
            let scheme = scheme.to_ascii_lowercase();
            if matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "file") {
                return Err(LinkError::Unsafe(scheme));
            }
            return Ok(Classified::External);
        }
    }
    if dest.starts_with("//") {
        return Ok(Classified::External);
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return Ok(Classified::Internal { target: LinkTarget::Anchor(percent_decode(anchor)), href: None });
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let decoded = percent_decode(path_part);
    if decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') || decoded.contains(':') {
        return Err(LinkError::Escapes("is not a relative path; write the path from this file to the other one"));
    }
    let Some(target_path) = join(source, &decoded) else {
        return Err(LinkError::Escapes("escapes the site: it points outside content/"));
    };
    let is_page = !image && (decoded.is_empty() || decoded.ends_with('/') || decoded.ends_with(".md"));
    if !is_page {
        return Ok(Classified::Internal { target: LinkTarget::Asset { source: target_path }, href: None });
    }
    let href_path = if decoded.is_empty() {
        String::new()
    } else if path_part.ends_with('/') || path_part.is_empty() {
        format!("{path_part}index.html")
    } else if let Some(dir) = path_part.strip_suffix("_index.md") {
        if dir.is_empty() || dir.ends_with('/') {
            format!("{dir}index.html")
        } else {
            format!("{}.html", &path_part[..path_part.len() - 3])
        }
    } else {
        format!("{}.html", &path_part[..path_part.len() - 3])
    };
    let href = match dest.split_once('#') {
        Some((_, a)) => format!("{href_path}#{a}"),
        None => href_path,
    };
    let target = LinkTarget::Page { source: target_path, anchor };
    Ok(Classified::Internal { target, href: Some(href) })
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
