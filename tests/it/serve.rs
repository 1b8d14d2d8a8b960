//! `remedy serve`: pages served like `build` writes them, incremental rebuilds equal
//! to full ones, edits seen (with editors' temporary files ignored), errors shown
//! and cleared, hostile requests refused, and a real browser reloading.
//!
//! Servers run in this process on port 0 (one test runs the binary). Every wait is
//! bounded polling, never a fixed long sleep.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use remedy::incremental::{Body, Changes, Incremental};
use remedy::serve::{Limits, Options, Server};

use crate::support::{copy_tree, fixtures};

const DEADLINE: Duration = Duration::from_secs(10);

/// A temporary copy of a fixture site, served.
struct Served {
    _dir: tempfile::TempDir,
    site: PathBuf,
    server: Server,
}

impl Served {
    fn start() -> Served {
        Served::start_with(Limits::default(), |_| {})
    }

    /// With these limits, after `prepare` has changed the copied site.
    fn start_with(limits: Limits, prepare: impl FnOnce(&Path)) -> Served {
        Served::start_fixture("valid/full-toml", limits, prepare)
    }

    /// The fixture `case` (`valid/<name>`), with these limits, after `prepare`.
    fn start_fixture(case: &str, limits: Limits, prepare: impl FnOnce(&Path)) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_tree(&fixtures().join(case).join("site"), &site);
        prepare(&site);
        let options = Options {
            site_dir: site.clone(),
            include_drafts: false,
            bind: Ipv4Addr::LOCALHOST.into(),
            port: 0,
            quiet: true,
        };
        let server = Server::start_with(&options, limits).expect("the server starts");
        Served { _dir: dir, site, server }
    }

    /// `127.0.0.1:PORT`
    fn address(&self) -> String {
        self.server.url().trim_start_matches("http://").trim_end_matches('/').to_string()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn get(&self, path: &str) -> Reply {
        get(&self.url(path), &[])
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.site.join(rel)
    }

    /// The events answer for a page of generation `since`.
    fn events(&self, since: u64) -> Reply {
        get(&self.url(&format!("__remedy/events?since={since}")), &[])
    }

    /// The generation the served pages carry.
    fn generation(&self) -> u64 {
        let body = self.get("").body;
        let at = body.find("data-generation=\"").expect("reload tag") + "data-generation=\"".len();
        body[at..].split('"').next().unwrap().parse().unwrap()
    }
}

struct Reply {
    status: u16,
    content_type: String,
    headers: Vec<String>,
    location: Option<String>,
    body: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().expect("the server answers");
    let content_type =
        response.headers().get("content-type").map_or(String::new(), |v| v.to_str().unwrap().to_string());
    let headers = response.headers().keys().map(|k| k.as_str().to_ascii_lowercase()).collect();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Reply { status, content_type, headers, location, body }
}

/// Polls `condition` until it holds; panics after [`DEADLINE`].
fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until no rebuild has happened for a while (editors' follow-up events).
fn settle(served: &Served) -> u64 {
    let mut last = served.server.rebuilds();
    let mut quiet_since = Instant::now();
    let start = Instant::now();
    while quiet_since.elapsed() < Duration::from_millis(400) {
        assert!(start.elapsed() < DEADLINE, "rebuilds never settled");
        std::thread::sleep(Duration::from_millis(20));
        let now = served.server.rebuilds();
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
    }
    last
}

fn strip_reload_tag(html: &str) -> String {
    let start = html.find("<script src=\"/__remedy/reload.js\"").expect("reload tag");
    let end = start + html[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn pages_are_served_as_build_writes_them() {
    let served = Served::start();
    let built = crate::support::run(&served.site, false).output.expect("the fixture builds");
    for file in &built.files {
        let reply = served.get(&file.path);
        assert_eq!(reply.status, 200, "{}", file.path);
        if file.path.ends_with(".html") {
            assert!(reply.content_type.starts_with("text/html"), "{}", reply.content_type);
            assert_eq!(strip_reload_tag(&reply.body), String::from_utf8_lossy(&file.contents), "{}", file.path);
        } else {
            assert_eq!(reply.body, String::from_utf8_lossy(&file.contents), "{}", file.path);
        }
    }
    assert!(served.get("steps.json").content_type.starts_with("application/json"));
    assert!(served.get("style.css").content_type.starts_with("text/css"));
    let png = served.get("printer/cable.png");
    assert_eq!((png.status, png.content_type.as_str()), (200, "image/png"));
    // Folders: `index.html`, and a redirect to add the slash relative links need.
    assert_eq!(served.get("printer/").body, served.get("printer/index.html").body);
    assert_eq!(served.get("").body, served.get("index.html").body);
    let folder = served.get("printer");
    assert_eq!(folder.status, 301);
    let missing = served.get("printer/nope.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("/__remedy/reload.js"), "the site's 404 page, live");
    // At any depth, the 404 page's relative links (its stylesheet too) start at the root.
    let deep = served.get("a/b/c/missing.html");
    assert_eq!(deep.status, 404);
    assert!(deep.body.contains("<head>\n<base href=\"/\">"), "{}", deep.body);
    let script = served.get("__remedy/reload.js");
    assert!(script.content_type.starts_with("text/javascript") && script.body.contains("EventSource"));
}

/// Asserts that an incremental `build` of `site` gave what a full build of it gives
/// now: the same diagnostics and, when it succeeds, the same files, byte for byte.
pub fn assert_matches_a_full_build(site: &Path, build: &remedy::incremental::Build, label: &str) {
    let full = crate::support::run(site, false);
    let text = |d: &[remedy::diagnostics::Diagnostic]| d.iter().map(|d| format!("{d}\n")).collect::<String>();
    assert_eq!(text(&build.diagnostics), text(&full.diagnostics), "{label}: the same diagnostics");
    let Some(expected) = full.output else {
        assert!(build.files.is_none(), "{label}: no site when the build fails");
        return;
    };
    let files = build.files.as_ref().unwrap_or_else(|| panic!("{label}: {:?}", build.diagnostics));
    let mut paths: Vec<&String> = files.paths().collect();
    paths.sort();
    let mut expected_paths: Vec<&String> =
        expected.files.iter().map(|f| &f.path).chain(expected.copies.iter().map(|c| &c.path)).collect();
    expected_paths.sort();
    assert_eq!(paths, expected_paths, "{label}");
    for file in &expected.files {
        let Some(Body::Bytes(bytes)) = files.get(&file.path) else { panic!("{label}: {} is in memory", file.path) };
        assert!(**bytes == *file.contents, "{label}: {} differs from a full build", file.path);
    }
}

#[test]
fn incremental_matches_a_full_build_after_each_edit() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let mut incremental = Incremental::new(remedy::build::Options { site_dir: site.clone(), include_drafts: false });
    let check = |incremental: &mut Incremental, changed: &[&str], label: &str| {
        let paths: BTreeSet<String> = changed.iter().map(|p| p.to_string()).collect();
        let mut build = incremental.run(&Changes::Paths(paths));
        if let Some(refresh) = incremental.search_refresh() {
            build.files = build.files.map(|files| files.with_search(refresh.run()));
        }
        assert_matches_a_full_build(&site, &build, label);
        (build.parsed, build.rendered, build.quick)
    };
    let first = incremental.run(&Changes::Everything);
    assert!(first.files.is_some(), "{:?}", first.diagnostics);

    let edit = |rel: &str, from: &str, to: &str| {
        let path = site.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has {from}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    // A body edit re-renders the page and the guide's print page, which holds every
    // step's text (and nothing that only lists titles).
    edit("content/printer/check-cable.md", "Look at the cable", "Look closely at the cable");
    let (parsed, rendered, quick) = check(&mut incremental, &["content/printer/check-cable.md"], "body edit");
    assert_eq!((parsed, rendered, quick), (1, 2, true), "only the page and print.html, on the quick path");
    edit("content/printer/_index.md", "Call the maker.", "Call the maker, or the shop.");
    let (_, rendered, quick) = check(&mut incremental, &["content/printer/_index.md"], "guide body edit");
    assert_eq!((rendered, quick), (2, true), "the guide page and print.html (its help section)");
    // A broken link found on the quick path, then fixed.
    edit("content/printer/check-cable.md", "go [home](../_index.md)", "go [home](../nowhere.md)");
    check(&mut incremental, &["content/printer/check-cable.md"], "broken link");
    edit("content/printer/check-cable.md", "go [home](../nowhere.md)", "go [home](../_index.md)");
    check(&mut incremental, &["content/printer/check-cable.md"], "link fixed");
    // A picture no page shows any more is not copied: the whole pipeline again.
    edit("content/printer/check-cable.md", "![A cable](cable.png \"The cable\")", "");
    let (_, _, quick) = check(&mut incremental, &["content/printer/check-cable.md"], "image removed");
    assert!(!quick);
    edit("content/printer/check-cable.md", "Look closely at the cable", "Look closely at the cable![A](cable.png)");
    check(&mut incremental, &["content/printer/check-cable.md"], "image back");
    // A new heading (a new anchor) takes the whole pipeline.
    edit("content/printer/reinstall-driver.md", "Save your settings.", "Save your settings.\n\n## Then\n");
    let (_, _, quick) = check(&mut incremental, &["content/printer/reinstall-driver.md"], "new heading");
    assert!(!quick);
    // Breaking a heading others link to is an error in those others.
    edit("content/printer/check-cable.md", "## Plug it in {#plug}", "## Plug it in {#plugged}");
    check(&mut incremental, &["content/printer/check-cable.md"], "anchor renamed");
    edit("content/printer/check-cable.md", "## Plug it in {#plugged}", "## Plug it in {#plug}");
    check(&mut incremental, &["content/printer/check-cable.md"], "anchor restored");
    // A title edit reaches the neighbours, the guide, steps.html and steps.json.
    edit("content/printer/check-cable.md", "title = \"Check the cable\"", "title = \"Check the USB cable\"");
    check(&mut incremental, &["content/printer/check-cable.md"], "title edit");
    // Reordering moves prev/next links.
    edit("content/printer/check-cable.md", "order = 10", "order = 30");
    check(&mut incremental, &["content/printer/check-cable.md"], "reorder");
    // The guide's title shows on every step.
    edit("content/printer/_index.md", "The printer prints blank pages", "Blank pages");
    check(&mut incremental, &["content/printer/_index.md"], "guide title");
    // Add, rename, delete.
    std::fs::write(site.join("content/printer/new-step.md"), "+++\ntitle = \"A new step\"\n+++\nNew.\n").unwrap();
    check(&mut incremental, &["content/printer/new-step.md"], "add");
    std::fs::rename(site.join("content/printer/new-step.md"), site.join("content/printer/renamed.md")).unwrap();
    check(&mut incremental, &["content/printer/new-step.md", "content/printer/renamed.md"], "rename");
    std::fs::remove_file(site.join("content/printer/renamed.md")).unwrap();
    check(&mut incremental, &["content/printer/renamed.md"], "delete");
    // A whole guide folder renamed is seen through its folder's path.
    std::fs::create_dir_all(site.join("content/router")).unwrap();
    std::fs::write(site.join("content/router/_index.md"), "+++\ntitle = \"Router\"\n+++\n").unwrap();
    std::fs::write(site.join("content/router/restart.md"), "+++\ntitle = \"Restart\"\n+++\nOff, on.\n").unwrap();
    check(&mut incremental, &["content/router"], "new guide");
    std::fs::rename(site.join("content/router"), site.join("content/modem")).unwrap();
    check(&mut incremental, &["content/router", "content/modem"], "renamed guide");
    // Settings change every page.
    edit("site.toml", "Fixture site", "Renamed site");
    let (_, rendered, _) = check(&mut incremental, &["site.toml"], "site.toml");
    assert!(rendered >= 8, "everything re-rendered, not {rendered}");
    // So do the theme's words (the site's own table for its language), and a mistake
    // in them is reported as a full build reports it.
    std::fs::create_dir_all(site.join("i18n")).unwrap();
    std::fs::write(site.join("i18n/en-GB.toml"), "search = \"Find\"\n").unwrap();
    let (_, rendered, _) = check(&mut incremental, &["i18n/en-GB.toml"], "a new string table");
    assert!(rendered >= 8, "everything re-rendered, not {rendered}");
    edit("i18n/en-GB.toml", "search =", "serach =");
    check(&mut incremental, &["i18n/en-GB.toml"], "a typo in the table");
    std::fs::remove_file(site.join("i18n/en-GB.toml")).unwrap();
    check(&mut incremental, &["i18n/en-GB.toml"], "the table removed");
}

#[test]
fn an_edited_snippet_reaches_every_page_that_includes_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/migration/site"), &site);
    let mut incremental = Incremental::new(remedy::build::Options { site_dir: site.clone(), include_drafts: false });
    assert!(incremental.run(&Changes::Everything).files.is_some());

    let snippet = site.join("content/_shared/restart.md");
    let text = std::fs::read_to_string(&snippet).unwrap().replace("sign-in screen", "lock screen");
    std::fs::write(&snippet, text).unwrap();
    let changed: BTreeSet<String> = ["content/_shared/restart.md".to_string()].into();
    let build = incremental.run(&Changes::Paths(changed));
    let files = build.files.expect("it builds");
    let full = crate::support::run(&site, false).output.expect("a full build");
    for page in ["wifi/restart.html", "vpn/restart.html"] {
        let Some(Body::Bytes(bytes)) = files.get(page) else { panic!("{page} is served") };
        let expected = &full.files.iter().find(|f| f.path == page).unwrap().contents;
        assert!(**bytes == **expected, "{page} is what a full build makes");
        assert!(String::from_utf8_lossy(bytes).contains("lock screen"), "{page} has the new text");
    }
}

#[test]
fn edits_additions_deletions_and_renames_are_served_with_a_reload_event() {
    let served = Served::start();
    let generation = served.generation();

    let step = served.file("content/printer/check-cable.md");
    let text = std::fs::read_to_string(&step).unwrap();
    std::fs::write(&step, text.replace("Look at the cable", "Look hard at the cable")).unwrap();
    wait_for("the edit", || served.get("printer/check-cable.html").body.contains("Look hard at the cable"));
    let event = served.events(generation).body;
    assert!(event.contains("event: reload"), "{event}");

    std::fs::write(served.file("content/printer/new-step.md"), "+++\ntitle = \"Brand new step\"\n+++\nNew.\n").unwrap();
    wait_for("the new step", || served.get("printer/new-step.html").status == 200);
    assert!(served.get("printer/index.html").body.contains("Brand new step"));

    std::fs::rename(served.file("content/printer/new-step.md"), served.file("content/printer/moved-step.md")).unwrap();
    wait_for("the rename", || served.get("printer/moved-step.html").status == 200);
    assert_eq!(served.get("printer/new-step.html").status, 404);

    std::fs::remove_file(served.file("content/printer/moved-step.md")).unwrap();
    wait_for("the deletion", || served.get("printer/moved-step.html").status == 404);
    assert!(!served.get("printer/index.html").body.contains("Brand new step"));

    // Templates and settings rebuild everything.
    let toml = served.file("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("Fixture site", "Renamed fixture")).unwrap();
    wait_for("the new site title", || served.get("printer/check-cable.html").body.contains("Renamed fixture"));
}

// Timing: how editors' events are split into batches depends on how busy the machine
// is (a batch ends after 10 ms of quiet), so these tests assert what a writer sees
// (the final page, temporary files never served, a few rebuilds rather than one per
// event), not an exact count. The exact batching is tested with events made up in
// `serve::watch`'s own tests.

#[test]
fn editor_saves_are_served_and_temporary_files_rebuild_little() {
    let served = Served::start();
    let before = settle(&served);
    let dir = served.file("content/printer");

    // An atomic save: write a temporary file, then rename it over the real one.
    let text = std::fs::read_to_string(dir.join("check-cable.md")).unwrap();
    std::fs::write(dir.join(".check-cable.md.tmp.1234"), text.replace("Look at", "Atomic look at")).unwrap();
    std::fs::rename(dir.join(".check-cable.md.tmp.1234"), dir.join("check-cable.md")).unwrap();
    wait_for("the atomic save", || served.get("printer/check-cable.html").body.contains("Atomic look at"));
    let atomic = settle(&served) - before;
    assert!((1..=2).contains(&atomic), "an atomic save gives a rebuild or two, not {atomic}");

    // vim: a swap file, a test file (4913) created and removed, a `~` backup, then
    // the write; emacs: a `.#` lock and a `#...#` autosave.
    std::fs::write(dir.join(".check-cable.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::write(dir.join("check-cable.md~"), &text).unwrap();
    std::fs::write(dir.join(".#check-cable.md"), "user@host.1234").unwrap();
    std::fs::write(dir.join("#check-cable.md#"), "autosave").unwrap();
    std::fs::write(dir.join("check-cable.md"), text.replace("Look at", "Vim look at")).unwrap();
    wait_for("the vim save", || served.get("printer/check-cable.html").body.contains("Vim look at"));
    let after_vim = settle(&served);
    // Seven events: one rebuild for the real file; a second one at most, when a
    // busy machine splits the batch while `4913` still exists.
    assert!(
        (1..=2).contains(&(after_vim - before - atomic)),
        "{} rebuilds for a vim save",
        after_vim - before - atomic
    );
    for temporary in ["4913", "check-cable.md~", ".check-cable.md.swp", "#check-cable.md#", ".#check-cable.md"] {
        let encoded = temporary.replace('#', "%23");
        assert_eq!(served.get(&format!("printer/{encoded}")).status, 404, "{temporary} is not served");
    }

    // Changing only temporary files rebuilds nothing, however the events are batched.
    std::fs::write(dir.join(".check-cable.md.swp"), "more swap").unwrap();
    std::fs::remove_file(dir.join("check-cable.md~")).unwrap();
    std::fs::remove_file(dir.join(".#check-cable.md")).unwrap();
    assert_eq!(settle(&served), after_vim, "no rebuild for temporary files");
    assert!(served.get("printer/check-cable.html").body.contains("Vim look at"));
}

#[test]
fn a_burst_of_changes_gives_a_few_rebuilds_and_the_whole_result() {
    let served = Served::start();
    let before = settle(&served);
    let dir = served.file("content/printer");
    for i in 0..300 {
        std::fs::write(dir.join(format!("burst-{i:03}.md")), format!("+++\ntitle = \"Burst {i}\"\n+++\nText {i}.\n"))
            .unwrap();
    }
    wait_for("the burst", || served.get("printer/burst-299.html").status == 200);
    let rebuilds = settle(&served) - before;
    // One on a quiet machine; a busy one can pause the writer for longer than the
    // quiet window. Without gathering it would be hundreds.
    assert!((1..=5).contains(&rebuilds), "{rebuilds} rebuilds for a burst of 300 files");
    let guide = served.get("printer/index.html").body;
    for i in 0..300 {
        assert_eq!(served.get(&format!("printer/burst-{i:03}.html")).status, 200, "burst-{i:03}");
        assert!(guide.contains(&format!("Burst {i}<")), "the guide lists burst {i}");
    }
}

#[test]
fn a_broken_page_shows_the_errors_and_keeps_the_last_good_site() {
    let served = Served::start();
    let generation = served.generation();
    let step = served.file("content/printer/check-cable.md");
    let good = std::fs::read_to_string(&step).unwrap();
    let old_page = served.get("printer/check-cable.html").body;

    std::fs::write(&step, good.replace("risk = \"safe\"", "risk = ").replace("Look at", "Broken look at")).unwrap();
    let mut event = String::new();
    wait_for("the errors event", || {
        event = served.events(generation).body;
        event.contains("event: errors")
    });
    assert!(event.contains("content/printer/check-cable.md:5:"), "diagnostics with path:line:col: {event}");
    let page = served.get("printer/check-cable.html");
    assert_eq!(page.status, 200);
    assert_eq!(page.body, old_page, "the last good page is still served");
    // A page loaded now (from the last good site) is told about the errors at once.
    assert!(served.events(served.generation()).body.contains("event: errors"));

    std::fs::write(&step, good.replace("Look at", "Fixed look at")).unwrap();
    wait_for("the fix", || served.get("printer/check-cable.html").body.contains("Fixed look at"));
    let errors_generation = generation + 1;
    let event = served.events(errors_generation).body;
    assert!(event.contains("event: reload"), "fixing clears the overlay by reloading: {event}");
}

#[test]
fn the_error_overlay_speaks_the_pages_language_and_english_without_its_words() {
    let Some(browser) = crate::browser::Browser::find() else { return };
    let break_step = |site: &Path| {
        let step = site.join("content/wifi/restart.md");
        let good = std::fs::read_to_string(&step).unwrap();
        std::fs::write(&step, good.replacen("+++\n", "+++\nrisk = \n", 1)).unwrap();
    };
    let served = Served::start_fixture("valid/translations", Limits::default(), |_| {});
    let generation = served.generation();
    break_step(&served.site);
    wait_for("the errors event", || served.events(generation).body.contains("event: errors"));
    // Each page, opened now, is told about the errors at once and shows them. (A
    // short virtual time: the script's next request waits for a rebuild.)
    let overlay = |served: &Served, path: &str| {
        let page = browser.open(&served.url(path), 250);
        let dom = crate::browser::unescape(&page.dom);
        let at = dom.find("id=\"remedy-errors\"").unwrap_or_else(|| panic!("{path}: no overlay in {dom}"));
        let overlay = dom[at..].to_string();
        assert!(
            overlay.contains("content/wifi/restart.md:2:"),
            "{path}: the diagnostics, as in the terminal: {overlay}"
        );
        overlay
    };
    let french = "remedy\u{202f}: la génération a échoué. Voici la dernière version correcte de la page\u{202f}; \
                  corrigez le fichier et enregistrez-le.";
    let english = "remedy: the build failed. This is the last good version of the page; fix the file and save.";
    assert!(overlay(&served, "fr/wifi/restart.html").contains(french), "a French page's own words");
    assert!(overlay(&served, "fr/wifi/missing.html").contains(french), "the French 404 page's");
    let english_page = overlay(&served, "wifi/restart.html");
    assert!(english_page.contains(english) && !english_page.contains(french), "no data-strings: English");
    // Before any good build, the stand-in page has no words of its own either.
    let never_built = Served::start_fixture("valid/translations", Limits::default(), break_step);
    assert!(overlay(&never_built, "fr/wifi/restart.html").contains(english));
}

#[test]
fn hostile_requests_are_refused() {
    let served = Served::start();
    // Paths that would leave the site: 404, whatever the encoding.
    for path in [
        "../site.toml",
        "%2e%2e/site.toml",
        "%2E%2E/%2e%2e/etc/passwd",
        "printer%2f..%2f..%2fsite.toml",
        "printer/..%5c..%5csite.toml",
        "printer/%2e%2e/%2e%2e/site.toml",
        "content/printer/check-cable.md",
        "site.toml",
    ] {
        assert_eq!(served.get(path).status, 404, "{path}");
    }
    // A symbolic link in static/ is not followed, even to a file beside it.
    let target = served.site.parent().unwrap().join("secret.txt");
    std::fs::write(&target, "secret").unwrap();
    std::os::unix::fs::symlink(&target, served.file("static/secret.txt")).unwrap();
    std::os::unix::fs::symlink(served.site.parent().unwrap(), served.file("static/up")).unwrap();
    let before = served.server.rebuilds();
    wait_for("the rebuild after the links", || served.server.rebuilds() > before);
    assert_eq!(served.get("secret.txt").status, 404);
    assert_eq!(served.get("up/secret.txt").status, 404);

    // DNS rebinding: a foreign Host is refused; the bound address and localhost are not.
    let url = served.url("");
    let port = url.trim_end_matches('/').rsplit(':').next().unwrap().to_string();
    assert_eq!(get(&url, &[("Host", "evil.example")]).status, 403);
    assert_eq!(get(&url, &[("Host", &format!("evil.example:{port}"))]).status, 403);
    assert_eq!(get(&url, &[("Host", &format!("localhost:{port}"))]).status, 200);
    assert_eq!(get(&url, &[("Host", &format!("127.0.0.1:{port}"))]).status, 200);

    // Live reload only for pages of this site.
    let events = served.url("__remedy/events?since=0");
    assert_eq!(get(&events, &[("Origin", "http://evil.example")]).status, 403);
    assert_eq!(get(&events, &[("Origin", "null")]).status, 403);
    assert_eq!(get(&events, &[("Origin", &format!("http://localhost:{port}"))]).status, 200);

    // No permissive CORS.
    for path in ["", "steps.json", "__remedy/events?since=0"] {
        let reply = get(&served.url(path), &[("Origin", &format!("http://127.0.0.1:{port}"))]);
        assert!(!reply.headers.iter().any(|h| h.starts_with("access-control-")), "{path}: {:?}", reply.headers);
    }
}

#[test]
fn the_command_prints_its_url_and_stops_on_ctrl_c_leaving_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let listing = |dir: &Path| crate::support::read_tree(dir).into_keys().collect::<Vec<_>>();
    let before = listing(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["serve", site.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect(&line).to_string();
    assert!(!url.ends_with(":0/"), "{url}");
    assert!(get(&url, &[]).body.contains("Fixture home"));

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < DEADLINE, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(listing(dir.path()), before, "serve wrote nothing and left nothing behind");
}

#[test]
fn an_open_page_reloads_in_headless_chromium() {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())
    else {
        assert!(std::env::var_os("CI").is_none(), "chromium is required in CI");
        eprintln!("SKIPPED: chromium not found (install the chromium package)");
        return;
    };
    let served = Served::start();
    let profile = tempfile::tempdir().unwrap();
    let page = "printer/check-cable.html";
    let mut browser = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(served.url(page))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The page loaded, and its script is listening for events.
    let loaded = (|| {
        let start = Instant::now();
        while served.server.hits(page) < 1 || served.server.hits("__remedy/events") < 1 {
            // Generous: several Chromiums start at once when the tests run in parallel.
            if start.elapsed() > Duration::from_secs(90) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        true
    })();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert!(loaded, "chromium did not load the page");
        let step = served.file("content/printer/check-cable.md");
        let text = std::fs::read_to_string(&step).unwrap();
        std::fs::write(&step, text.replace("Look at", "Reloaded look at")).unwrap();
        wait_for("the browser to reload the page", || served.server.hits(page) >= 2);
    }));
    let _ = browser.kill();
    let _ = browser.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn serve_has_help_for_every_flag_and_refuses_bad_ones() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_remedy")).args(args).output().unwrap();
    let help = run(&["serve", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["SITE_DIR", "--port", "--bind", "--open", "--drafts", "0 picks a free port"] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
    assert_eq!(run(&["serve", "--port", "http"]).status.code(), Some(2));
    assert_eq!(run(&["serve", "--bind", "not-an-address"]).status.code(), Some(2));
}

#[test]
fn a_port_in_use_is_an_error() {
    let served = Served::start();
    let url = served.url("");
    let port: u16 = url.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    let options = Options {
        site_dir: served.site.clone(),
        include_drafts: false,
        bind: Ipv4Addr::LOCALHOST.into(),
        port,
        quiet: true,
    };
    let error = Server::start(&options).err().expect("the port is taken");
    assert!(error.contains("cannot listen on"), "{error}");
}

/// Sends `request` as is on a new connection; the status of the answer, or `None`
/// when the connection closed without one.
fn raw(address: &str, request: &[u8]) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    let mut buf = [0; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[test]
fn a_static_folder_with_an_accented_name_is_served() {
    let served = Served::start_with(Limits::default(), |site| {
        std::fs::create_dir_all(site.join("static/café")).unwrap();
        std::fs::write(site.join("static/café/index.html"), "<p>Café</p>").unwrap();
        std::fs::write(site.join("static/café/menu du jour.txt"), "soupe").unwrap();
    });
    // It panicked the request thread: the redirect's Location was the decoded path.
    let moved = served.get("caf%C3%A9");
    assert_eq!((moved.status, moved.location.as_deref()), (301, Some("/caf%C3%A9/")));
    let page = served.get("caf%C3%A9/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<p>Café</p>"));
    assert_eq!(served.get("caf%C3%A9/menu%20du%20jour.txt").body, "soupe");
    // Not normalized: the other spelling of é is another name.
    assert_eq!(served.get("cafe%CC%81/").status, 404);
}

#[test]
fn any_bytes_in_the_request_path_get_an_answer_below_500() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let served = Served::start_with(Limits::default(), |site| {
        std::fs::create_dir_all(site.join("static/café")).unwrap();
        std::fs::write(site.join("static/café/index.html"), "<p>Café</p>").unwrap();
    });
    let address = served.address();
    let host = format!("Host: {address}\r\n");
    // Arbitrary bytes (request-line breaks included), and printable ones with %, / and . often.
    let path = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "/[a-zé%0-9A-Fa-f./\\\\?#~ ]{0,32}".prop_map(String::into_bytes),
    ];
    let mut runner = TestRunner::new(Config { cases: 300, failure_persistence: None, ..Config::default() });
    let closed = std::cell::Cell::new(0);
    runner
        .run(&path, |path| {
            let mut request = b"GET ".to_vec();
            request.extend_from_slice(&path);
            request.extend_from_slice(b" HTTP/1.1\r\n");
            request.extend_from_slice(host.as_bytes());
            request.extend_from_slice(b"Connection: close\r\n\r\n");
            match raw(&address, &request) {
                Some(status) => prop_assert!(status < 500, "{status} for {:?}", String::from_utf8_lossy(&path)),
                // hyper closes a connection whose request it cannot parse at all.
                None => closed.set(closed.get() + 1),
            }
            Ok(())
        })
        .unwrap();
    assert!(closed.get() < 300, "most requests get an answer");
    assert_eq!(served.get("caf%C3%A9/").status, 200, "still serving");
}

#[test]
fn exhausted_connections_are_bounded_timed_out_and_serve_answers_again() {
    use std::io::{Read, Write};
    let limits =
        Limits { connections: 8, header_timeout: Duration::from_secs(2), idle_timeout: Duration::from_secs(30) };
    let served = Served::start_with(limits, |_| {});
    let address = served.address();
    // Eight half-open connections: a request head that never ends.
    let mut half_open: Vec<std::net::TcpStream> = (0..8)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
            stream
        })
        .collect();
    wait_for("eight connections", || served.server.connections() == 8);
    // More clients wait in the kernel's queue, never beyond the limit.
    let url = served.url("");
    let waiting: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn({
                let url = url.clone();
                move || get(&url, &[]).status
            })
        })
        .collect();
    let flood: Vec<std::net::TcpStream> = (0..100).map(|_| std::net::TcpStream::connect(&address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    assert!(served.server.connections() <= 8, "{} connections", served.server.connections());
    // The flood gives up; the half-open ones are closed by the server once their
    // header timeout passes (hyper may answer 408 first).
    drop(flood);
    for stream in &mut half_open {
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut rest = Vec::new();
        let start = Instant::now();
        let _ = stream.read_to_end(&mut rest);
        assert!(start.elapsed() < DEADLINE, "the server closed the half-open connection");
        let text = String::from_utf8_lossy(&rest);
        assert!(rest.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
    }
    for client in waiting {
        assert_eq!(client.join().unwrap(), 200, "a waiting client is served");
    }
    assert_eq!(served.get("").status, 200);
    wait_for("the connections to close", || served.server.connections() <= 1);
}

#[test]
fn running_out_of_file_descriptors_pauses_serve_and_never_stops_it() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    // 64 descriptors: the connections below run the process out of them.
    let mut child = Command::new("sh")
        .args(["-c", "ulimit -n 64 && exec \"$0\" serve \"$1\" --port 0"])
        .arg(env!("CARGO_BIN_EXE_remedy"))
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let stderr = child.stderr.take().unwrap();
    let log =
        std::thread::spawn(move || std::io::BufReader::new(stderr).lines().map_while(Result::ok).collect::<Vec<_>>());
    let result = std::panic::catch_unwind(|| {
        let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect(&line).to_string();
        let address = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        assert!(get(&url, &[]).body.contains("Fixture home"));
        let clients: Vec<std::net::TcpStream> =
            (0..150).map(|_| std::net::TcpStream::connect(&address).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(500));
        drop(clients);
        // tiny_http's accept thread died here, and every later connection was refused.
        let mut status = None;
        wait_for("an answer after the descriptors came back", || {
            status = raw(&address, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            status.is_some()
        });
        assert_eq!(status, Some(403), "answered (and refused: wrong Host port)");
        assert!(get(&url, &[]).body.contains("Fixture home"));
    });
    let _ = child.kill();
    let _ = child.wait();
    let log = log.join().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    assert!(
        log.iter().any(|l| l.contains("cannot accept a connection")),
        "the process did run out of descriptors: {log:?}"
    );
}

#[test]
fn rapid_saves_keep_one_index_job_at_a_time_and_the_index_moves_forward() {
    let served = Served::start();
    settle(&served);
    let step = served.file("content/printer/check-cable.md");
    let text = std::fs::read_to_string(&step).unwrap();
    let mut seen = Vec::new();
    for i in 0..30 {
        std::fs::write(&step, text.replace("Look at", &format!("Save{i} look at"))).unwrap();
        std::thread::sleep(Duration::from_millis(15));
        seen.push(served.server.index_generation().0);
    }
    wait_for("the last save", || served.get("printer/check-cable.html").body.contains("Save29 look at"));
    settle(&served);
    wait_for("the index of the last text", || {
        seen.push(served.server.index_generation().0);
        let (index, site) = served.server.index_generation();
        index == site
    });
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "the served index never goes back: {seen:?}");
    let counts = served.server.index_counts();
    assert!(counts.submitted >= 1, "{counts:?}");
    assert_eq!(counts.finished + counts.dropped, counts.submitted, "every job ran or was dropped: {counts:?}");
}
