//! A site in two languages (tests/fixtures/valid/translations): the output crawled
//! as a reader's browser would from `file://` (every link, picture, stylesheet and
//! `hreflang` alternate lands on a file, in the right language), the language
//! switcher in Chromium, the fallback for a step not yet translated, and `serve`'s
//! incremental builds against a full build.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use remedy::incremental::{Changes, Incremental};

use crate::browser::{file_url, guarded_copy, Browser};
use crate::support::{build, copy_tree, fixtures};

/// The fixture copied to a temporary folder, `base_url` left out (so that `hreflang`
/// links are relative, as they are on a site without one) and built.
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/translations/site"), &site);
    let toml = fs::read_to_string(site.join("site.toml")).unwrap();
    fs::write(site.join("site.toml"), toml.replace("base_url = \"https://example.org/help\"\n", "")).unwrap();
    let out = dir.path().join("out");
    let outcome = build(&site, &out);
    assert!(outcome.output.is_some(), "{:?}", outcome.diagnostics);
    (dir, out)
}

/// The values of `attr="..."` in `html`, in order.
fn attributes<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The `<link rel="alternate">` tags of a page: (hreflang, href).
fn alternates(html: &str) -> Vec<(String, String)> {
    html.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\""))
        .map(|l| (attributes(l, "hreflang")[0].to_string(), attributes(l, "href")[0].to_string()))
        .collect()
}

/// Where `url`, written in the page at `page`, leads on disk (`None` for other sites).
fn target(page: &Path, url: &str) -> Option<PathBuf> {
    if url.contains("://") || url.starts_with("mailto:") || url.starts_with('#') || url.is_empty() {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap();
    let mut out = page.parent().unwrap().to_path_buf();
    for part in path.split('/') {
        match part {
            ".." => assert!(out.pop()),
            "." | "" => {}
            p => out.push(p),
        }
    }
    Some(out)
}

fn html_lang(html: &str) -> &str {
    attributes(html, "lang")[0]
}

#[test]
fn the_untranslated_note_names_the_language_in_the_readers_words() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/translations/site"), &site);
    let toml = fs::read_to_string(site.join("site.toml")).unwrap();
    // The default language's own name made distinct from what English calls it.
    let toml = toml.replace("name = \"English\"", "name = \"English (US)\"");
    let toml = format!("{toml}\n[languages.de]\nname = \"Deutsch\"\n\n[languages.ja]\nname = \"日本語\"\n\n[languages.pt]\nname = \"Português\"\n");
    fs::write(site.join("site.toml"), toml).unwrap();
    let note = |out: &Path, code: &str| {
        let page = fs::read_to_string(out.join(code).join("wifi/forget.html")).unwrap();
        let start = page.find("<p class=\"translation-mark\" role=\"note\">").expect("the note");
        let note = &page[start..];
        note[note.find('>').unwrap() + 1..note.find("</p>").unwrap()].to_string()
    };
    let out = dir.path().join("out");
    let outcome = build(&site, &out);
    assert!(outcome.output.is_some(), "{:?}", outcome.diagnostics);
    assert_eq!(note(&out, "fr"), "Cette page n’a pas encore été traduite\u{202f}; elle est affichée en anglais.");
    assert_eq!(note(&out, "de"), "Diese Seite wurde noch nicht übersetzt; sie wird auf Englisch angezeigt.");
    assert_eq!(note(&out, "ja"), "このページはまだ翻訳されていないため、英語で表示しています。");
    // No table names English in Portuguese: the sentence is English's, the name the
    // language's own, and `check` says what to add.
    assert_eq!(note(&out, "pt"), "This page has not been translated yet; it is shown in English (US).");
    fs::create_dir_all(site.join("i18n")).unwrap();
    fs::write(
        site.join("i18n/pt.toml"),
        "not_translated = \"Esta página ainda não foi traduzida; é exibida em {language}.\"\n",
    )
    .unwrap();
    let checked = crate::support::diagnostics_text(&remedy::build::check(&remedy::build::Options {
        site_dir: site.clone(),
        include_drafts: false,
    }));
    assert!(
        checked.contains("i18n/pt.toml:1:1: warning: `pt` has no name for `en`, the default language"),
        "{checked}"
    );
    fs::write(
        site.join("i18n/pt.toml"),
        "not_translated = \"Esta página ainda não foi traduzida; é exibida em {language}.\"\n\n[language_names]\nen = \"inglês\"\n",
    )
    .unwrap();
    let outcome = build(&site, &out);
    assert!(outcome.output.is_some(), "{:?}", outcome.diagnostics);
    assert_eq!(note(&out, "pt"), "Esta página ainda não foi traduzida; é exibida em inglês.");
}

#[test]
fn every_link_and_alternate_of_a_two_language_site_lands_on_a_page_in_its_language() {
    let (_dir, out) = built();
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(pages.len(), 20, "ten pages in each language");
    let mut followed = 0;
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        let rel = page.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
        let french = rel.starts_with("fr/");
        assert_eq!(html_lang(&html), if french { "fr" } else { "en" }, "{rel}");
        for url in attributes(&html, "href").into_iter().chain(attributes(&html, "src")) {
            if let Some(file) = target(page, url) {
                assert!(file.is_file(), "{rel}: {url} leads to {}, which is not there", file.display());
                followed += 1;
            }
        }
        if rel == "404.html" || rel == "fr/404.html" {
            continue;
        }
        // Every page names itself and the other language, and the default as x-default.
        let alts = alternates(&html);
        let langs: Vec<&str> = alts.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(langs, ["en", "x-default", "fr"], "{rel}");
        for (lang, url) in &alts {
            let file = target(page, url).unwrap();
            let there = fs::read_to_string(&file).unwrap_or_else(|_| panic!("{rel}: {url} is not there"));
            let expected = if lang == "x-default" { "en" } else { lang.as_str() };
            assert_eq!(html_lang(&there), expected, "{rel}: {url}");
            let same = file.strip_prefix(&out).unwrap().to_string_lossy().trim_start_matches("fr/").to_string();
            assert_eq!(same, rel.trim_start_matches("fr/"), "{rel}: the alternate is the same page");
        }
    }
    assert!(followed > 300, "only {followed} links followed");
}

#[test]
fn an_untranslated_step_stays_on_the_readers_path_marked_and_in_its_language() {
    let (_dir, out) = built();
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap();
    // The translated guide lists all three steps in the source's order.
    let guide = read("fr/wifi/index.html");
    let order: Vec<&str> = attributes(&guide, "data-step");
    assert_eq!(order, ["restart", "check", "forget"]);
    assert!(guide.contains("<h1>Le Wi-Fi se coupe sans arrêt</h1>"));
    assert!(
        guide.contains("<span lang=\"en\">Forget the network</span></a> <span class=\"untranslated-mark\"><span aria-hidden=\"true\">EN</span><span class=\"visually-hidden\">pas encore traduit</span></span>")
    );
    // The untranslated step: French frame, English text marked as such.
    let step = read("fr/wifi/forget.html");
    assert_eq!(html_lang(&step), "fr");
    assert!(step.contains("class=\"translation-mark\" role=\"note\""), "{step}");
    assert!(step.contains("<div class=\"content\" lang=\"en\">"), "the text, not the French frame, is marked English");
    assert!(step.contains("<h1 lang=\"en\">Forget the network</h1>"));
    assert!(step.contains("<h2 id=\"fix-check-title\">Le problème est-il résolu\u{202f}?</h2>"), "the frame is French");
    // A translated step links to it in French (the link is written to forget.md).
    let restart = read("fr/wifi/restart.html");
    assert!(restart.contains("<a href=\"forget.html\">oubliez le réseau</a>"));
    assert!(restart.contains("<a href=\"check.html#sur-le-telephone\">vérifiez le signal</a>"));
    assert!(!restart.contains("translation-mark"));
    // Branch conditions are the translation's, their targets the source's.
    let check = read("fr/wifi/check.html");
    assert!(check.contains("Aucune barre ?") && check.contains("Toujours rien ?"), "{check}");
    // The picture the translation shows is in the French folder too.
    assert!(out.join("fr/wifi/router.svg").is_file());
    // One steps.json per language, each in its language.
    let steps: serde_json::Value = serde_json::from_str(&read("fr/steps.json")).unwrap();
    assert_eq!(steps["guides"][0]["steps"][0]["title"], "Redémarrez le routeur");
    assert_eq!(steps["guides"][0]["steps"][2]["title"], "Forget the network");
}

#[test]
fn the_sitemap_lists_each_page_in_every_language_with_its_alternates() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = build(&fixtures().join("valid/translations/site"), &dir.path().join("out"));
    assert!(outcome.output.is_some(), "{:?}", outcome.diagnostics);
    let xml = fs::read_to_string(dir.path().join("out/sitemap.xml")).unwrap();
    let locs: BTreeSet<&str> =
        xml.match_indices("<loc>").map(|(i, _)| &xml[i + 5..i + xml[i..].find("</loc>").unwrap()]).collect();
    assert!(locs.contains("https://example.org/help/wifi/forget.html"));
    assert!(locs.contains("https://example.org/help/fr/wifi/forget.html"));
    assert_eq!(xml.matches("<url>").count() * 2, xml.matches("<xhtml:link").count());
    assert!(!dir.path().join("out/fr/sitemap.xml").exists(), "one sitemap for every language");
}

#[test]
fn the_language_switcher_leads_to_the_same_page_in_the_other_language_from_disk() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, out) = built();
    // A script that follows the switcher's English link, as a reader's tap would.
    fs::write(
        out.join("fr/wifi/t-switch.js"),
        "document.addEventListener('DOMContentLoaded', function () {\n  document.querySelector('.language-switcher a[hreflang=en]').click();\n});\n",
    )
    .unwrap();
    guarded_copy(&out, "fr/wifi/restart.html", "t-restart.html", &["t-switch.js"]);
    let page = browser.open(&file_url(&out.join("fr/wifi/t-restart.html")), 3000);
    assert!(page.dom.contains("<html lang=\"en\""), "{}", &page.dom[..page.dom.len().min(400)]);
    assert!(page.dom.contains("<h1>Restart the router</h1>"), "landed on the English step");
    // And back: the English page's switcher names French, in French.
    assert!(page.dom.contains(">Français</a>"));
}

#[test]
fn serve_builds_a_two_language_site_as_a_full_build_does_after_each_edit() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/translations/site"), &site);
    let mut incremental = Incremental::new(remedy::build::Options { site_dir: site.clone(), include_drafts: false });
    assert!(incremental.run(&Changes::Everything).files.is_some());
    let mut check = |changed: &[&str], label: &str| {
        crate::serve::rebuild_and_compare(&mut incremental, &site, changed, label);
    };
    let write = |rel: &str, text: &str| fs::write(site.join(rel), text).unwrap();
    // A translation's body changes.
    let restart = fs::read_to_string(site.join("content/wifi/restart.fr.md")).unwrap();
    write("content/wifi/restart.fr.md", &restart.replace("dix secondes", "trente secondes"));
    check(&["content/wifi/restart.fr.md"], "translation edited");
    // The missing step gets its translation: its French page is no longer marked.
    write("content/wifi/forget.fr.md", "+++\ntitle = \"Oubliez le réseau\"\n+++\nOuvrez Réglages > Wi-Fi.\n");
    check(&["content/wifi/forget.fr.md"], "translation added");
    // A translation that changes the order is an error; then it is fixed.
    write("content/wifi/forget.fr.md", "+++\ntitle = \"Oubliez le réseau\"\norder = 9\n+++\nOuvrez Réglages.\n");
    check(&["content/wifi/forget.fr.md"], "order changed");
    fs::remove_file(site.join("content/wifi/forget.fr.md")).unwrap();
    check(&["content/wifi/forget.fr.md"], "translation removed");
    // The source's text changes: the untranslated French page follows it.
    let forget = fs::read_to_string(site.join("content/wifi/forget.md")).unwrap();
    write("content/wifi/forget.md", &forget.replace("Open Settings", "Open the Settings app"));
    check(&["content/wifi/forget.md"], "source edited");
}
