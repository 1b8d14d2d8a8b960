//! What a site's own files may say, shared by `config` (stage 1) and `parse` (stage 2)
//! so that neither depends on the other.
//!
//! - [`tree`]: the syntax of front matter and `site.toml`: TOML or YAML read into a
//!   tree of located [`tree::Node`]s;
//! - [`fields`]: [`fields::Fields`], which takes typed values out of that tree and
//!   reports wrong types and unknown keys. A schema is a function that reads fields
//!   from a `Fields`; the keys it reads *are* its valid keys, so there is no second
//!   list to keep in step ([`fields::keys_of`]);
//! - [`bad_slug`]: the rule for file, folder and theme names.

pub mod fields;
pub mod tree;

pub use fields::Fields;

/// `None` when `slug` is a valid slug (lowercase `a-z`, `0-9`, `-`); otherwise a
/// message saying how to fix it.
pub fn bad_slug(slug: &str) -> Option<String> {
    let valid = !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        return None;
    }
    let mut suggestion = ascii_slug(slug);
    if suggestion.is_empty() {
        suggestion.push_str("page");
    }
    Some(format!(
        "`{slug}` is not a valid slug: file and folder names use lowercase a-z, 0-9 and '-' (rename it `{suggestion}`)"
    ))
}

/// The slug closest to `name`: lowercase ASCII letters and digits, every run of other
/// characters one `-` (empty when `name` has no ASCII letter or digit).
pub fn ascii_slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(bad_slug("reset-2"), None);
        for (name, suggestion) in
            [("My Guide", "my-guide"), ("Reset_Printer", "reset-printer"), ("Café", "caf"), ("???", "page")]
        {
            let message = bad_slug(name).expect("invalid");
            assert!(message.ends_with(&format!("(rename it `{suggestion}`)")), "{message}");
        }
    }
}
