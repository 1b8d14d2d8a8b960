//! `remedy serve` rebuilding: an incremental build equals a full one after each
//! edit, edits, additions, deletions and renames reach the pages (and every page that
//! includes an edited snippet) with a reload event, editors' temporary files rebuild
//! little, a broken page shows its errors and keeps the last good site, and the
//! served search index only moves forward.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use remedy::incremental::{Body, Changes, Incremental};

use super::{settle, wait_for, Served};
use crate::support::{copy_tree, fixtures};
use remedy::serve::Limits;

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

/// What one [`rebuild_and_compare`] did: pages parsed and rendered, whether it took
/// the quick path, and whether it left the search index to be made after the pages.
type Rebuilt = (usize, usize, bool, bool);

/// Runs `incremental` again after `changed` changed, with the search index serve
/// would serve once it is made again, and asserts that this equals a full build.
pub fn rebuild_and_compare(incremental: &mut Incremental, site: &Path, changed: &[&str], label: &str) -> Rebuilt {
    let paths: BTreeSet<String> = changed.iter().map(|p| p.to_string()).collect();
    let mut build = incremental.run(&Changes::Paths(paths));
    let index_after = incremental.search_is_stale();
    if let Some(refresh) = incremental.search_refresh() {
        build.files = build.files.map(|files| files.with_search(refresh.run()));
    }
    assert_matches_a_full_build(site, &build, label);
    (build.parsed, build.rendered, build.quick, index_after)
}

/// Replaces the first `from` (which must be there) in the site's file `rel` with `to`.
fn edit_file(site: &Path, rel: &str, from: &str, to: &str) {
    let path = site.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has {from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_matches_a_full_build_after_each_edit() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/full-toml/site"), &site);
    let mut incremental = Incremental::new(remedy::build::Options { site_dir: site.clone(), include_drafts: false });
    let check = |incremental: &mut Incremental, changed: &[&str], label: &str| {
        let (parsed, rendered, quick, _) = rebuild_and_compare(incremental, &site, changed, label);
        (parsed, rendered, quick)
    };
    let first = incremental.run(&Changes::Everything);
    assert!(first.files.is_some(), "{:?}", first.diagnostics);
    let edit = |rel: &str, from: &str, to: &str| edit_file(&site, rel, from, to);
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

/// The same in a site in two languages: a translation's text, and a source no
/// language translates, take the quick path in every language that shows them; a
/// source with a translation takes the whole pipeline (its translation may now be out
/// of date). Every step matches a full build, search index included.
#[test]
fn incremental_matches_a_full_build_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/translations/site"), &site);
    let mut incremental = Incremental::new(remedy::build::Options { site_dir: site.clone(), include_drafts: false });
    let check = |incremental: &mut Incremental, changed: &str, label: &str| {
        rebuild_and_compare(incremental, &site, &[changed], label)
    };
    let first = incremental.run(&Changes::Everything);
    assert!(first.files.is_some(), "{:?}", first.diagnostics);
    let edit = |rel: &str, from: &str, to: &str| edit_file(&site, rel, from, to);

    edit("content/wifi/check.fr.md", "Regardez l'icône", "Regardez bien l'icône");
    let counts = check(&mut incremental, "content/wifi/check.fr.md", "translation edited");
    assert_eq!(counts, (1, 2, true, true), "the French page and the French print page, on the quick path");
    edit("content/wifi/forget.md", "tap the network", "tap the name of the network");
    let counts = check(&mut incremental, "content/wifi/forget.md", "untranslated source edited");
    assert_eq!(
        counts,
        (1, 4, true, true),
        "the page and the print page, in English and in French (where it stands in)"
    );
    edit("content/wifi/_index.fr.md", "Contactez votre", "Appelez votre");
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/_index.fr.md", "translated guide's help edited");
    assert!(quick);
    // A broken link in a translation, found on the quick path, then fixed.
    edit("content/wifi/check.fr.md", "bien l'icône Wi-Fi.", "bien l'icône Wi-Fi ([aide](nulle-part.md)).");
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/check.fr.md", "broken link in a translation");
    assert!(quick);
    edit("content/wifi/check.fr.md", "([aide](nulle-part.md))", "([aide](forget.md))");
    check(&mut incremental, "content/wifi/check.fr.md", "link fixed");
    // A source with a translation: the whole pipeline, which serves the pages first
    // and makes every language's index after them.
    edit("content/wifi/check.md", "Look at the Wi-Fi icon.", "Look at the Wi-Fi icon at the top.");
    let (_, _, quick, index_after) = check(&mut incremental, "content/wifi/check.md", "translated source edited");
    assert!(!quick && index_after);
    // And the quick path again after it.
    edit("content/wifi/check.fr.md", "Regardez bien", "Regardez");
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/check.fr.md", "translation edited again");
    assert!(quick);
    // A `translated_from` that does not match the source's text: the page now says it
    // may be out of date. Adding the key, and setting it right, change that notice (the
    // whole pipeline); an edit that leaves it as it was is quick again.
    edit("content/wifi/check.fr.md", "order = 2\n", "order = 2\ntranslated_from = \"0000000000000000\"\n");
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/check.fr.md", "translation out of date");
    assert!(!quick);
    edit("content/wifi/check.fr.md", "Regardez", "Regardez donc");
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/check.fr.md", "out-of-date translation edited");
    assert!(quick);
    let source = std::fs::read_to_string(site.join("content/wifi/check.md")).unwrap();
    edit("content/wifi/check.fr.md", "0000000000000000", &remedy::lang::stale::source_hash(&source));
    let (_, _, quick, _) = check(&mut incremental, "content/wifi/check.fr.md", "translation brought up to date");
    assert!(!quick);
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
