//! Hostile front matter: `<script>`, quotes and event handlers in every front-matter
//! field and in a code fence's info string are escaped wherever they land.

use crate::support::{fixtures, run};

const HOSTILE: &[&str] = &["<script>alert", "<img src=x", "onerror=alert(2)>", "\"><script"];

#[test]
fn hostile_front_matter_is_escaped_in_every_page() {
    let outcome = run(&fixtures().join("valid/hostile-front-matter/site"), false);
    let output = outcome.output.expect("the hostile site still builds");
    let mut html_pages = 0;
    for file in &output.files {
        let text = String::from_utf8_lossy(&file.contents);
        if file.path.ends_with(".html") || file.path.ends_with(".xml") {
            html_pages += 1;
            for bad in HOSTILE {
                assert!(!text.contains(bad), "{} contains {bad:?} unescaped", file.path);
            }
        }
    }
    assert!(html_pages >= 5);
    // In JSON the value is data: a valid string that reads back exactly as written.
    let json = output.files.iter().find(|f| f.path == "steps.json").unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.contents).unwrap();
    let title = value["guides"][0]["steps"][0]["title"].as_str().unwrap();
    assert_eq!(title, "Step \"><script>alert(1)</script><img src=x onerror=alert(2)>");
}

#[test]
fn raw_html_is_kept_only_when_the_site_allows_it() {
    let trusted = run(&fixtures().join("valid/raw-html-allowed/site"), false).output.unwrap();
    let home = trusted.files.iter().find(|f| f.path == "index.html").unwrap();
    assert!(String::from_utf8_lossy(&home.contents).contains("<div class=\"custom\" onclick=\"go()\">"));
}
