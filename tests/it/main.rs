//! The integration tests: one binary, one module per area.
//!
//! - `fixtures`: every site under tests/fixtures/ (valid ones against the pages they
//!   must produce, invalid ones against the exact diagnostics expected);
//! - `site`: the bundled guide, link integrity, determinism;
//! - `output`: the safety of writing (failed builds, foreign folders);
//! - `cli`: the `remedy` command's arguments and exit codes;
//! - `corpus`: the benchmark corpus generator builds, and parallel output equals serial;
//! - `search`: search in headless Chromium (with `browser`, the helper that drives it):
//!   the pages, keyboard and hostile input in `search/mod.rs`, the labelled queries in
//!   `search/queries.rs`, the ignored benchmark in `search/benchmark.rs`;
//!   `search_languages`: the same in French and Japanese.
//! - `serve`: the live preview: serving, the command and reload in `serve/mod.rs`,
//!   incremental rebuilds in `serve/rebuilds.rs`, hostile and heavy use in
//!   `serve/safety.rs`.
//! - `aliases`: old addresses lead to the page, in Chromium.
//! - `reader`: the reader's path: guide page on a phone, outcomes, branches, diagram,
//!   print page, 404, progress from `file://`, axe-core on every page type.
//! - `stale`: stale translations (git history, `translated_from`), `remedy translated`,
//!   translation skeletons (`new ... --lang`).
//! - `spec`: the CommonMark and GFM spec examples render as pulldown-cmark renders them.
//!
//! `REMEDY_BLESS=1 cargo test` rewrites the expected files from the actual output;
//! review the diff before committing it.

mod aliases;
mod browser;
mod cli;
mod contributors;
mod corpus;
mod escaping;
mod external;
mod fixtures;
mod output;
mod reader;
mod robustness;
mod search;
mod search_languages;
mod serve;
mod site;
mod spec;
mod stale;
mod support;
mod translations;
