//! Old addresses (`aliases`) lead to the page, in a real browser, from disk and over
//! http from a subfolder: the redirect page needs no script and no server.

use crate::browser::{file_url, serve, Browser};
use crate::support::{build, fixtures};

#[test]
fn an_alias_leads_to_its_page_from_disk_and_over_http() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outcome = build(&fixtures().join("valid/full-toml/site"), &out);
    assert!(outcome.output.is_some(), "{:?}", outcome.diagnostics);

    for alias in ["printer/cable.html", "old-printer/deep/cable/index.html"] {
        let page = browser.open(&file_url(&out.join(alias)), 5_000);
        assert!(page.dom.contains("<h1>Check the cable</h1>"), "{alias} from disk led to:\n{}", page.dom);
    }
    let (base, _) = serve(out.clone(), "help");
    let page = browser.open(&format!("{base}old-printer/deep/cable/index.html"), 5_000);
    assert!(page.dom.contains("<h1>Check the cable</h1>"), "over http led to:\n{}", page.dom);
}
