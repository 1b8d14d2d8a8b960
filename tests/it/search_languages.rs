//! Search in other languages than English, in headless Chromium: a French site
//! (stemming, accents left out, elisions), a Japanese site (character pairs, and
//! English words in Japanese text), and the labelled queries of the French and
//! Japanese corpora (tests/search-corpus-fr/, tests/search-corpus-ja/).

use std::path::Path;

use crate::browser::{file_url, guarded_copy, Browser};
use crate::search::{assert_no_errors, ran, results, run_labelled, runner_page, step, write_site, Ran};
use crate::support::{build, diagnostics_text, repo_root};

/// Builds `files` as a site in a temporary folder; returns it and the output folder.
fn build_site(files: &[(&str, String)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("site");
    write_site(&src, files);
    let out = dir.path().join("public");
    let outcome = build(&src, &out);
    assert!(outcome.diagnostics.is_empty(), "{}", diagnostics_text(&outcome));
    (dir, out)
}

/// Runs `queries` on the built site `out`; returns each one's result pages.
fn run(browser: &Browser, out: &Path, name: &str, queries: &[&str]) -> Vec<Ran> {
    let queries: Vec<String> = queries.iter().map(|q| q.to_string()).collect();
    let page = browser.open(&file_url(&out.join(runner_page(out, name, &queries, false, false))), 20_000);
    assert_no_errors(&page, name);
    let ran = ran(&page);
    assert_eq!(ran.len(), queries.len());
    for r in &ran {
        assert!(r.error.is_none(), "{:?} threw {:?}", r.q, r.error);
    }
    ran
}

fn pages(r: &Ran) -> Vec<&str> {
    r.urls.iter().map(|u| u.split('#').next().unwrap()).collect()
}

#[test]
fn a_french_site_finds_other_forms_of_a_word_and_words_typed_without_accents() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, out) = build_site(&[
        ("site.toml", "title = \"Aide\"\nlanguage = \"fr\"\n".to_string()),
        ("content/_index.md", "+++\ntitle = \"Aide\"\n+++\n\nBonjour.\n".to_string()),
        ("content/reseau/_index.md", "+++\ntitle = \"Connexion\"\n+++\n\nLe guide.\n".to_string()),
        (
            "content/reseau/reglages.md",
            step("Les réglages", 1, "Réinitialisez les réglages de l'iPhone. L'écran affiche un message."),
        ),
        ("content/reseau/routeur.md", step("Le routeur", 2, "Débranchez la box puis attendez une minute.")),
    ]);
    let index = std::fs::read_to_string(out.join("search/index.js")).unwrap();
    assert!(index.contains("\"lang\":\"fr\"") && index.contains("\"elisions\":["), "{index}");
    let ran = run(
        &browser,
        &out,
        "fr",
        &[
            "réinitialisation",
            "reinitialiser",
            "RÉINITIALISER LES RÉGLAGES",
            "iphone",
            "l’iPhone",
            "ecran",
            "debrancher la box",
            "réini",
            "\"reinitialisez les reglages\"",
        ],
    );
    for r in &ran[..6] {
        assert_eq!(pages(r), ["reseau/reglages.html"], "{r:?}");
    }
    assert_eq!(pages(&ran[6]), ["reseau/routeur.html"], "{:?}", ran[6]);
    assert_eq!(pages(&ran[7]), ["reseau/reglages.html"], "a prefix: {:?}", ran[7]);
    assert_eq!(pages(&ran[8]), ["reseau/reglages.html"], "a phrase without accents: {:?}", ran[8]);

    // What results show keeps its accents, and the words found are marked.
    guarded_copy(&out, "search.html", "t-search.html", &[]);
    let page = browser.open(&format!("{}?q=reinitialiser", file_url(&out.join("t-search.html"))), 10_000);
    assert_no_errors(&page, "search.html?q=reinitialiser");
    let found = results(&page.dom);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(page.dom.contains("<mark>Réinitialisez</mark>"), "{}", page.dom);
}

#[test]
fn a_japanese_site_finds_japanese_words_and_english_words_in_japanese_text() {
    let Some(browser) = Browser::find() else { return };
    let (_dir, out) = build_site(&[
        ("site.toml", "title = \"ヘルプ\"\nlanguage = \"ja\"\n".to_string()),
        ("content/_index.md", "+++\ntitle = \"ヘルプ\"\n+++\n\nようこそ。\n".to_string()),
        ("content/g/_index.md", "+++\ntitle = \"トラブル\"\n+++\n\nガイドです。\n".to_string()),
        ("content/g/restart.md", step("再起動", 1, "電源ボタンを押し続けて、iPhoneを再起動してください。")),
        ("content/g/wifi.md", step("ネットワーク", 2, "設定アプリでWi-Fiをオンにします。")),
        ("content/g/disk.md", step("ディスク", 3, "起動ディスクを選びます。")),
    ]);
    let ran = run(
        &browser,
        &out,
        "ja",
        &["再起動", "iphone", "iPhone 再起動", "wifi", "Wi-Fi 設定", "\"再起動\"", "再", "電源ボタン", "ＩＰＨＯＮＥ"],
    );
    assert_eq!(pages(&ran[0])[0], "g/restart.html", "{:?}", ran[0]);
    assert_eq!(pages(&ran[1]), ["g/restart.html"], "an English word glued to Japanese: {:?}", ran[1]);
    assert_eq!(pages(&ran[2])[0], "g/restart.html", "{:?}", ran[2]);
    assert_eq!(pages(&ran[3]), ["g/wifi.html"], "{:?}", ran[3]);
    assert_eq!(pages(&ran[4])[0], "g/wifi.html", "{:?}", ran[4]);
    assert_eq!(pages(&ran[5]), ["g/restart.html"], "a quoted run is a phrase of its pairs: {:?}", ran[5]);
    assert_eq!(pages(&ran[6])[0], "g/restart.html", "one character finds the pairs it starts: {:?}", ran[6]);
    assert_eq!(pages(&ran[7]), ["g/restart.html"], "{:?}", ran[7]);
    assert_eq!(pages(&ran[8]), ["g/restart.html"], "full-width letters: {:?}", ran[8]);
    // The page that says 起動 but not 再起動 matches one pair of two: after the page that has both.
    assert!(pages(&ran[0]).iter().position(|p| *p == "g/disk.html").is_none_or(|i| i > 0), "{:?}", ran[0]);

    guarded_copy(&out, "search.html", "t-search.html", &[]);
    let page = browser.open(&format!("{}?q=%E5%86%8D%E8%B5%B7%E5%8B%95", file_url(&out.join("t-search.html"))), 10_000);
    assert_no_errors(&page, "search.html?q=再起動");
    assert!(page.dom.contains("<mark>電源ボタンを押し続けて、iPhoneを再起動してください。</mark>"), "{}", page.dom);
}

#[test]
fn labelled_french_queries_find_the_expected_page_in_the_top_3() {
    if Browser::find().is_none() {
        return;
    }
    let site = repo_root().join("tests/search-corpus-fr");
    let (_, misses) = run_labelled(&site, "search_queries_corpus_fr.toml", 15, "search.html");
    assert!(misses.is_empty(), "labelled queries out of the top 3:\n{}", misses.join("\n"));
}

#[test]
fn labelled_japanese_queries_find_the_expected_page_in_the_top_3() {
    if Browser::find().is_none() {
        return;
    }
    let site = repo_root().join("tests/search-corpus-ja");
    let (_, misses) = run_labelled(&site, "search_queries_corpus_ja.toml", 15, "search.html");
    assert!(misses.is_empty(), "labelled queries out of the top 3:\n{}", misses.join("\n"));
}

/// Writes each text's query terms as search.js cuts them, `[[[pos, word or whole
/// chunk]...]...]`, into `<pre id="t-out">`.
const TERMS_JS: &str = r#"(function () {
  window.addEventListener('load', function () {
    Promise.all(window.__tTexts.map(function (t) { return window.remedySearch.terms(t); })).then(function (all) {
      var pre = document.createElement('pre');
      pre.id = 't-out';
      pre.textContent = JSON.stringify(all.map(function (terms) {
        return terms.map(function (t) { return [t.pos, t.word || t.whole]; });
      }));
      document.body.appendChild(pre);
    });
  });
})();
"#;

/// search.js cuts a query as tokenize.rs cuts the text (same words, same positions),
/// in French (accents, elisions, stop words) and Japanese (pairs beside Latin words).
#[test]
fn search_js_cuts_text_as_the_index_does() {
    let Some(browser) = Browser::find() else { return };
    let cases: [(&str, &[&str]); 2] = [
        (
            "fr",
            &[
                "Réinitialisez l'iPhone : l’écran reste NOIR, qu'il soit « éteint » ou non",
                "Œuvre STRASSE Straße ＩＰＨＯＮＥ　１５ ΕΛΛΗΝΙΚΆ ёжик Łódź",
                "Mot de passe oublié ? Wi-Fi, --release C++ 0xE8000015",
            ],
        ),
        ("ja", &["iPhoneを再起動してください。設定、Wi-Fiをオン", "再 日本語 한국어 テスト・ケース ｶﾀｶﾅ"]),
    ];
    for (lang, texts) in cases {
        let (_dir, out) = build_site(&[
            ("site.toml", format!("title = \"T\"\nlanguage = \"{lang}\"\n")),
            ("content/_index.md", "+++\ntitle = \"T\"\n+++\n\nT.\n".to_string()),
        ]);
        let data = format!("window.__tTexts = {};\n", serde_json::to_string(texts).unwrap());
        std::fs::write(out.join("t-texts.js"), data).unwrap();
        std::fs::write(out.join("t-terms.js"), TERMS_JS).unwrap();
        guarded_copy(&out, "search.html", "t-terms.html", &["t-texts.js", "t-terms.js"]);
        let page = browser.open(&file_url(&out.join("t-terms.html")), 10_000);
        assert_no_errors(&page, "terms");
        let json = page.text_of("t-out").unwrap_or_else(|| panic!("no output:\n{}", page.dom));
        let js: Vec<Vec<(u32, String)>> = serde_json::from_str(&json).unwrap();
        let language = remedy::search::language::Language::of(lang);
        for (text, js) in texts.iter().zip(js) {
            // The index's terms: each position's first (a plain word, or a chunk's whole form).
            let mut rust: Vec<(u32, String)> = Vec::new();
            remedy::search::tokenize::Tokenizer::new(&language).for_each_term_at(text, |p, _, surface| {
                if rust.last().is_none_or(|(q, _)| *q != p) {
                    rust.push((p, surface.to_string()));
                }
            });
            assert_eq!(js, rust, "{lang}: {text:?}");
        }
    }
}
