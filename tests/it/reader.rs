//! The reader's path (issue 11), on the bundled guide and the fixtures: the guide page
//! on a 390x844 phone (a link to step 1 on the first screen, the help part after the
//! last step), outcomes and branches on step pages and in `steps.json`, the flow
//! diagram, `print.html`, `404.html` with and without `base_url`, progress kept in
//! `localStorage` from `file://`, and axe-core on every page type (light and dark,
//! phone and desktop) with no serious or critical violation.
//!
//! The Chromium tests use `browser` and, for axe, `axe.min.js` from npm: `.ci/run`
//! installs it into `target/npm/` (`REMEDY_AXE` names another copy). Without Chromium
//! or axe they fail under CI and are skipped, loudly, elsewhere.

use std::path::{Path, PathBuf};

use crate::browser::{file_url, guarded_copy, unescape, Browser};
use crate::support::{build, diagnostics_text, fixtures, read_tree, repo_root};

const GUIDE: &str = "icloud-backup";

/// Builds the bundled guide into `dir/public` and returns that folder.
fn bundled(dir: &Path) -> PathBuf {
    let out = dir.join("public");
    let outcome = build(&repo_root(), &out);
    assert!(outcome.diagnostics.is_empty(), "{}", diagnostics_text(&outcome));
    out
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The steps of the bundled guide from steps.json: (slug, title, risk).
fn steps(out: &Path) -> Vec<(String, String, String)> {
    let json: serde_json::Value = serde_json::from_str(&read(out, "steps.json")).unwrap();
    json["guides"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let field = |k: &str| s[k].as_str().unwrap().to_string();
            (field("slug"), field("title"), field("risk"))
        })
        .collect()
}

/// The value of `data-t` on `<html>`, which the test scripts set.
fn result_of(dom: &str) -> serde_json::Value {
    let Some(i) = dom.find("data-t=\"") else { panic!("the test script left no result:\n{dom}") };
    let rest = &dom[i + "data-t=\"".len()..];
    serde_json::from_str(&unescape(&rest[..rest.find('"').unwrap()])).unwrap()
}

#[test]
fn steps_json_and_step_pages_carry_outcomes_and_branches() {
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let json: serde_json::Value = serde_json::from_str(&read(&out, "steps.json")).unwrap();
    let steps = json["guides"][0]["steps"].as_array().unwrap();
    let by_slug = |slug: &str| steps.iter().find(|s| s["slug"] == slug).unwrap();
    let backup = by_slug("back-up-to-a-computer");
    assert_eq!((backup["number"].as_u64(), backup["kind"].as_str()), (Some(3), Some("preparation")));
    assert_eq!(backup["branches"][0]["go_to"], "try-a-different-network");
    assert_eq!(backup["branches"][1]["url"], "icloud-backup/index.html#still-not-fixed");
    let delete = by_slug("delete-icloud-backup");
    assert_eq!((delete["number"].as_u64(), delete["wait"].as_str()), (Some(7), Some("1 h or more")));

    // A preparation asks "Done?", not "Did this fix it?".
    let page = read(&out, "icloud-backup/back-up-to-a-computer.html");
    assert!(page.contains("Continue with step 4: Try a different Wi-Fi network"), "{page}");
    assert!(!page.contains("Did this fix it?"));
    assert!(page.contains("No computer? You can still try the next steps"));
    // A fix with work left says what is left.
    let page = read(&out, "icloud-backup/sign-out-of-icloud.html");
    assert!(page.contains("One thing is left to do: Add your Apple Pay cards again in Wallet"), "{page}");
    // Step 7 waits for the first new backup; its "No" and "Next" name what step 8
    // costs, and it offers to ask for help first.
    let page = read(&out, "icloud-backup/delete-icloud-backup.html");
    assert!(page.contains("Then wait: 1 h or more") && page.contains("You may only know after the wait"), "{page}");
    let erases = "(cannot be undone: Erases everything on this iPhone or iPad)";
    assert!(page.contains(&format!(
        "Go to step 8: Restore the device and set it up as new <span class=\"link-warning\">{erases}"
    )));
    assert!(
        page.contains("Cannot be undone: Erases everything on this iPhone or iPad</span></a></li>"),
        "Next names it too"
    );
    assert!(page.contains("<a href=\"index.html#still-not-fixed\">Ask for help first</a>"));
    // One danger panel, titled with the worst side effect.
    let page = read(&out, "icloud-backup/restore-and-set-up-as-new.html");
    assert_eq!(page.matches("class=\"panel panel-destructive\"").count(), 1);
    assert!(page.contains("</span> Erases everything on this iPhone or iPad</p>"), "{page}");
    assert!(!page.contains("callout-warning"), "no second warning repeats the panel");
    // Without JavaScript, the progress parts stay hidden and every answer is a link.
    assert!(page.contains("<p class=\"mark-tried-row\" hidden>"));
    assert!(read(&out, "icloud-backup/index.html").contains("aria-labelledby=\"progress-title\" hidden>"));
    // Every step page has the overview, with the current step marked.
    assert!(page.contains("aria-current=\"step\"><span class=\"overview-num\">8</span>"));
}

#[test]
fn the_guide_page_has_totals_steps_before_help_and_a_diagram_of_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let page = read(&out, "icloud-backup/index.html");
    let steps = steps(&out);
    assert!(page.contains("8 steps · about "), "totals");
    assert!(page.contains("the longest wait: 1 h or more (step 7)"), "longest wait");
    let first_step = page.find("class=\"step-list\"").unwrap();
    let help = page.find("id=\"still-not-fixed\"").expect("the help section");
    let last_step = page.find(&format!("data-step=\"{}\"", steps.last().unwrap().0)).unwrap();
    assert!(first_step < last_step && last_step < help, "help comes after the last step");
    assert!(page.contains(&format!("href=\"{}\"", "print.html")), "links the printable guide");

    // The diagram: inline SVG, a box for every step (number and risk in text), the
    // branches as dashed edges; it must be well-formed XML (checked by Chromium's XML
    // parser below when Chromium is there, by balance here).
    let start = page.find("<svg class=\"flow-svg\"").unwrap();
    let svg = &page[start..start + page[start..].find("</svg>").unwrap() + "</svg>".len()];
    for (i, (_, title, risk)) in steps.iter().enumerate() {
        let label = format!("Step {}: {}", i + 1, title);
        assert!(svg.contains(&label), "{label} in the diagram");
        assert!(svg.contains(&format!("flow-node flow-{risk}")));
    }
    assert!(svg.contains("flow-node flow-help"));
    let json: serde_json::Value = serde_json::from_str(&read(&out, "steps.json")).unwrap();
    let branches: usize =
        json["guides"][0]["steps"].as_array().unwrap().iter().map(|s| s["branches"].as_array().unwrap().len()).sum();
    assert!(branches >= 5);
    assert_eq!(svg.matches("flow-edge flow-branch").count(), branches, "every branch is an edge");
    assert_eq!(svg.matches("<a ").count(), svg.matches("</a>").count());
    assert!(!svg.contains("<script"));

    let Some(browser) = Browser::find() else { return };
    let file = dir.path().join("diagram.svg");
    std::fs::write(&file, svg.replace("<svg ", "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" ")).unwrap();
    let dom = browser.open(&file_url(&file), 500).dom;
    assert!(!dom.contains("parsererror") && dom.contains("flow-node"), "the SVG is well-formed XML:\n{dom}");
}

#[test]
fn print_page_has_every_step_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let page = read(&out, "icloud-backup/print.html");
    let mut at = 0;
    for (i, (slug, title, _)) in steps(&out).iter().enumerate() {
        let heading = format!("Step {}: {}</h2>", i + 1, title);
        let found = page[at..].find(&heading).unwrap_or_else(|| panic!("{heading} in order"));
        at += found;
        let section = &page[at..page[at..].find("</section>").map_or(page.len(), |e| at + e)];
        assert!(section.contains(&format!("icloud-backup/{slug}.html")), "{slug}: its address");
        assert!(section.contains("class=\"risk risk-"), "{slug}: its risk");
        assert!(section.contains("Your time: "), "{slug}: its time");
        let body = read(&out, &format!("icloud-backup/{slug}.html"));
        let body = &body[body.find("<div class=\"content\">").unwrap()..];
        let body = &body[..body.find("</div>").unwrap()];
        assert!(section.contains(body), "{slug}: its full text");
    }
    assert!(page.contains("Erases everything on this iPhone or iPad"), "side effects");
    assert!(page.contains("id=\"still-not-fixed\""), "the help section, last");
    let css = read(&out, "style.css");
    assert!(css.contains("@media print") && css.contains("@page"), "print styles");
}

#[test]
fn not_found_links_absolutely_with_base_url_and_check_warns_without() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outcome = build(&fixtures().join("valid/full-toml/site"), &out);
    assert!(outcome.output.is_some(), "{}", diagnostics_text(&outcome));
    let html = String::from_utf8(read_tree(&out)["404.html"].clone()).unwrap();
    let mut links = 0;
    for attr in ["href=\"", "src=\"", "action=\""] {
        for (i, _) in html.match_indices(attr) {
            let url = &html[i + attr.len()..];
            let url = &url[..url.find('"').unwrap()];
            if url.starts_with('#') {
                continue;
            }
            assert!(url.starts_with("https://example.org/help/"), "404.html links `{url}` relatively");
            links += 1;
        }
    }
    assert!(links >= 6, "{links}");
    // Without base_url: relative links, and `check` says why that breaks on a host.
    let outcome = remedy::build::check(&remedy::build::Options {
        site_dir: fixtures().join("valid/yaml/site"),
        include_drafts: false,
    });
    let text = diagnostics_text(&outcome);
    assert!(
        text.contains("site.toml:1:1: warning: site.toml has no `base_url`") && text.contains("[relative-404]"),
        "{text}"
    );
}

/// Writes `t-<name>.js` into the guide folder and a guarded copy of `page` that loads
/// it; returns the copy's URL.
fn scripted(out: &Path, page: &str, name: &str, js: &str) -> String {
    let folder = out.join(page).parent().unwrap().to_path_buf();
    std::fs::write(folder.join(format!("t-{name}.js")), js).unwrap();
    let copy = format!("t-{name}.html");
    guarded_copy(out, page, &copy, &[&format!("t-{name}.js")]);
    file_url(&folder.join(copy))
}

#[test]
fn on_a_phone_step_1_is_on_the_first_screen_and_help_after_the_last_step() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let first = format!("{}.html", steps(&out)[0].0);
    // Headless Chromium's window is at least 500 px wide, so the page is measured in a
    // 390x844 frame; it reports back with postMessage (file:// frames are cross-origin).
    let js = format!(
        r#"window.addEventListener('load', function () {{
  var top = function (el) {{ return el.getBoundingClientRect().top + window.scrollY; }};
  var links = Array.prototype.filter.call(document.querySelectorAll('a'), function (a) {{ return a.getAttribute('href') === '{first}'; }});
  var items = document.querySelectorAll('.step-list > li');
  var last = items[items.length - 1];
  var help = document.getElementById('still-not-fixed');
  window.parent.postMessage(JSON.stringify({{
    width: window.innerWidth, height: window.innerHeight,
    first: links.length ? Math.min.apply(null, links.map(top)) : -1,
    lastBottom: last.getBoundingClientRect().bottom + window.scrollY,
    help: help ? top(help) : -1
  }}), '*');
}});"#
    );
    scripted(&out, "icloud-backup/index.html", "phone", &js);
    let folder = out.join(GUIDE);
    std::fs::write(
        folder.join("t-frame.js"),
        "window.addEventListener('message', function (e) { document.documentElement.setAttribute('data-t', e.data); });",
    )
    .unwrap();
    std::fs::write(
        folder.join("t-frame.html"),
        "<!DOCTYPE html><html><head><script src=\"t-frame.js\"></script></head><body>\
         <iframe src=\"t-phone.html\" width=\"390\" height=\"844\" title=\"phone\"></iframe></body></html>",
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let page = browser.open_with(&file_url(&folder.join("t-frame.html")), 3000, profile.path(), &[]);
    let r = result_of(&page.dom);
    eprintln!("guide page at 390x844: {r}");
    assert_eq!((r["width"].as_u64(), r["height"].as_u64()), (Some(390), Some(844)), "{r}");
    let first = r["first"].as_f64().unwrap();
    assert!((0.0..844.0).contains(&first), "a link to step 1 starts at {first} px: {r}");
    assert!(r["help"].as_f64().unwrap() > r["lastBottom"].as_f64().unwrap(), "help after the last step: {r}");
}

#[test]
fn progress_is_kept_from_file_urls_and_can_be_cleared() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let steps = steps(&out);
    let profile = tempfile::tempdir().unwrap();
    let open = |url: &str| browser.open_with(url, 2000, profile.path(), &[]);
    // Answer "No" on steps 4 and 5 (progress.js records it as the link is followed).
    let click_no = "window.addEventListener('load', function () { document.querySelector('a.fix-no').click(); });";
    for n in [4, 5] {
        let page = format!("{GUIDE}/{}.html", steps[n - 1].0);
        let page = open(&scripted(&out, &page, &format!("no{n}"), click_no));
        assert!(page.dom.contains(&format!("data-step=\"{}\"", steps[n].0)), "step {n}'s No leads on");
    }
    // The guide page says so, marks them, and offers step 6.
    let page = open(&file_url(&out.join(GUIDE).join("index.html")));
    let text = page.dom[page.dom.find("class=\"progress-text\"").unwrap()..].to_string();
    assert!(text.starts_with("class=\"progress-text\">You have tried steps 4, 5 in this browser."), "{text}");
    assert!(!page
        .dom
        .contains("<section id=\"progress\" class=\"progress\" aria-labelledby=\"progress-title\" hidden"));
    assert_eq!(page.dom.matches("<span class=\"tried-mark\">Tried</span>").count(), 2);
    assert!(
        page.dom.contains(&format!("href=\"{}.html\">Continue with step 6: {}", steps[5].0, steps[5].1)),
        "offers step 6"
    );
    // "Mark this step as tried" on step 1 works too (and shows without JS off only).
    let mark = "window.addEventListener('load', function () { document.querySelector('.mark-tried').click(); });";
    let page = open(&scripted(&out, &format!("{GUIDE}/{}.html", steps[0].0), "mark", mark));
    assert!(page.dom.contains("Marked as tried"), "the button says it was saved");
    let page = open(&file_url(&out.join(GUIDE).join("index.html")));
    assert!(page.dom.contains("You have tried steps 1, 4, 5 in this browser."));
    // Clear: the box hides and nothing is left in storage.
    let clear = "window.addEventListener('load', function () {
  document.querySelector('.progress-clear').click();
  document.documentElement.setAttribute('data-t', JSON.stringify({
    hidden: document.getElementById('progress').hidden,
    stored: localStorage.getItem('remedy-progress:icloud-backup'),
    marks: document.querySelectorAll('.tried-mark').length }));
});";
    let page = open(&scripted(&out, &format!("{GUIDE}/index.html"), "clear", clear));
    let r = result_of(&page.dom);
    assert_eq!((r["hidden"].as_bool(), r["stored"].is_null(), r["marks"].as_u64()), (Some(true), true, Some(0)), "{r}");
    let page = open(&file_url(&out.join(GUIDE).join("index.html")));
    assert!(!page.dom.contains("You have tried"), "cleared for good");
}

/// axe-core's script, from `REMEDY_AXE` or `target/npm/` (installed by `.ci/run`).
fn axe() -> Option<PathBuf> {
    let path = std::env::var_os("REMEDY_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/npm/node_modules/axe-core/axe.min.js"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("axe-core not found at {} (CI must install it: see .ci/run)", path.display());
    }
    eprintln!(
        "\n*** SKIPPED: axe-core not found at {} (npm install --prefix target/npm axe-core) ***\n",
        path.display()
    );
    None
}

/// Runs axe-core (WCAG 2.2 A/AA and best practices) in a copy of the page, shown in a
/// frame of the size under test, and posts the serious and critical violations to the
/// page around it, which leaves them in `data-t`. With `?popup` in the frame's address
/// of the page, the header's search box first gets a query and its results pop-up is
/// checked open.
const RUN_AXE: &str = r#"window.addEventListener('load', function () {
  var input = document.getElementById('site-search-q');
  if (location.search.indexOf('popup') >= 0 && input) {
    input.focus();
    input.value = 'backup';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    var tries = 0;
    (function wait() {
      var popup = document.getElementById('site-search-results');
      if (popup.querySelector('[role=option]')) return check(true);
      if (++tries > 100) return report({ done: false, error: 'the search pop-up did not open' });
      setTimeout(wait, 50);
    })();
  } else {
    check(false);
  }
  function check(popup) { axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] })
    .then(function (r) {
      var bad = r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
        .map(function (v) { return v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); });
      report({ done: true, popup: popup, width: window.innerWidth, violations: bad });
    }, function (e) { report({ done: false, error: String(e) }); }); }
  function report(r) { window.parent.postMessage(JSON.stringify(r), '*'); }
});"#;

/// A page that shows `t-axe.html` in a frame of the given size (headless Chromium's
/// window is at least 500 px wide) and copies the frame's report into `data-t`.
fn axe_frame(width: u64, height: u64, popup: bool) -> String {
    let query = if popup { "?popup" } else { "" };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>frame</title><script src=\"t-frame.js\"></script></head><body>\
         <iframe src=\"t-axe.html{query}\" width=\"{width}\" height=\"{height}\" title=\"page\"></iframe></body></html>"
    )
}

#[test]
fn axe_finds_no_serious_violation_on_any_page_type() {
    let Some(browser) = Browser::find() else { return };
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = bundled(dir.path());
    let pages = [
        "index.html",
        "steps.html",
        "404.html",
        "search.html",
        "icloud-backup/index.html",
        "icloud-backup/print.html",
        "icloud-backup/restart-your-iphone.html",
        "icloud-backup/back-up-to-a-computer.html",
        "icloud-backup/delete-icloud-backup.html",
        "icloud-backup/restore-and-set-up-as-new.html",
    ];
    let profile = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for page in pages {
        let folder = out.join(page).parent().unwrap().to_path_buf();
        std::fs::copy(&axe, folder.join("t-axe.min.js")).unwrap();
        std::fs::write(folder.join("t-run-axe.js"), RUN_AXE).unwrap();
        guarded_copy(&out, page, "t-axe.html", &["t-axe.min.js", "t-run-axe.js"]);
        std::fs::write(
            folder.join("t-frame.js"),
            "window.addEventListener('message', function (e) { document.documentElement.setAttribute('data-t', e.data); });",
        )
        .unwrap();
        let dark = ["--window-size=1400,1000", "--force-dark-mode", "--blink-settings=preferredColorScheme=0"];
        let light = ["--window-size=1400,1000"];
        // The search pop-up open too, on the pages that have the header box.
        let popups: &[bool] = if page == "search.html" { &[false] } else { &[false, true] };
        for (((width, height), scheme, flags), &popup) in [
            ((390, 844), "light", &light[..]),
            ((1280, 900), "light", &light[..]),
            ((390, 844), "dark", &dark[..]),
            ((1280, 900), "dark", &dark[..]),
        ]
        .into_iter()
        .flat_map(|case| popups.iter().map(move |p| (case, p)))
        {
            std::fs::write(folder.join("t-axe-frame.html"), axe_frame(width, height, popup)).unwrap();
            let url = file_url(&folder.join("t-axe-frame.html"));
            let r = result_of(&browser.open_with(&url, 10_000, profile.path(), flags).dom);
            let size = if popup { format!("{width}x{height}, search open") } else { format!("{width}x{height}") };
            assert_eq!(r["done"], true, "axe did not finish on {page}: {r}");
            assert_eq!(r["popup"], popup, "{page} ({size}): {r}");
            assert_eq!(r["width"].as_u64(), Some(width), "{page} measured at {size}: {r}");
            for v in r["violations"].as_array().unwrap() {
                problems.push(format!("{page} ({size}, {scheme}): {}", v.as_str().unwrap()));
            }
        }
    }
    assert!(problems.is_empty(), "{} serious or critical violation(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn a_french_site_speaks_french_in_its_scripts_too() {
    let Some(browser) = Browser::find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outcome = build(&fixtures().join("valid/french/site"), &out);
    assert!(outcome.output.is_some(), "{}", diagnostics_text(&outcome));
    let profile = tempfile::tempdir().unwrap();
    let open = |url: &str| browser.open_with(url, 2000, profile.path(), &[]);
    // progress.js: "Mark this step as tried", then the guide page's summary.
    let mark = "window.addEventListener('load', function () { document.querySelector('.mark-tried').click(); });";
    let page = open(&scripted(&out, "imprimante/cable.html", "mark", mark));
    assert!(page.dom.contains("Marquée comme essayée"), "{}", page.dom);
    assert!(page.dom.contains("Enregistré dans ce navigateur."), "{}", page.dom);
    let page = open(&file_url(&out.join("imprimante/index.html")));
    assert!(page.dom.contains("Vous avez essayé l’étape 1 dans ce navigateur."), "{}", page.dom);
    assert!(page.dom.contains("Continuer avec l’étape 2&nbsp;: Réinstaller le pilote</a>"), "{}", page.dom);
    assert!(page.dom.contains("<span class=\"tried-mark\">Essayée</span>"), "{}", page.dom);
    // search.js: a query that finds nothing says so in French.
    guarded_copy(&out, "search.html", "t-search.html", &[]);
    let page = browser.open(&format!("{}?q=zzzz", file_url(&out.join("t-search.html"))), 5_000);
    assert!(page.dom.contains("Aucun résultat pour «&nbsp;zzzz&nbsp;»"), "{}", page.dom);
}
