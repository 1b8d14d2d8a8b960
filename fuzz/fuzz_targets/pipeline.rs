//! Fuzzes the whole pure pipeline (parse -> resolve -> render) on a site made from
//! the input: the bytes are cut at NUL into up to six files placed as the home page,
//! two guides and their steps, so links, `after` and anchors can meet each other.
//! The theme's templates are parsed once, as a long-lived caller would.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run pipeline` (see fuzz/README.md).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use remedy::config::Config;
use remedy::diagnostics::Diagnostic;
use remedy::model::{SourceFile, Sources};
use remedy::render::templates::Templates;

const PATHS: [&str; 6] =
    ["content/_index.md", "content/g/_index.md", "content/g/a.md", "content/g/b.md", "content/h/_index.md", "content/h/c.md"];

fn templates() -> &'static Result<Templates, Vec<Diagnostic>> {
    static T: OnceLock<Result<Templates, Vec<Diagnostic>>> = OnceLock::new();
    T.get_or_init(|| Templates::new(&remedy::theme::embedded().templates))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let pages = text
        .split('\0')
        .zip(PATHS)
        .map(|(text, path)| SourceFile { path: path.to_string(), text: text.to_string() })
        .collect::<Vec<_>>();
    let sources = Sources { pages, theme: remedy::theme::embedded(), ..Sources::default() };
    let config = Config { title: "Fuzz".into(), ..Config::default() };
    assert!(templates().is_ok(), "the default theme parses");
    // The same stages, in the same order, as `remedy check`, review checks included.
    let outcome = remedy::build::process_with(config, &sources, true, true, Some(templates()));
    for d in &outcome.diagnostics {
        assert!(d.pos.line >= 1 && d.pos.col >= 1, "{d}");
    }
});
