//! Live reload: the script served pages load, and its Server-Sent Events.
//!
//! Served HTML gets one tag, `<script src="/__remedy/reload.js" data-generation="N"
//! defer></script>`, added at response time (never to `build` output); `N` is the
//! generation of the site the page comes from. The script listens on
//! `/__remedy/events` (an `EventSource`). Each answer carries at most one event and
//! ends, and the browser connects again (`retry`), so every answer has a length and
//! nothing needs streaming:
//!
//! - `reload` when the site was rebuilt after the page's generation: the page reloads;
//! - `errors` when the last rebuild failed: the page shows the diagnostics over the
//!   last good version, until a rebuild succeeds and reloads it;
//! - nothing (a comment) when nothing happened for a while.
//!
//! The event's `id` is the generation it reports, which the browser sends back as
//! `Last-Event-ID` when it connects again.
//!
//! The overlay's words are the page's language's: like `search.js`, the script knows
//! its English (`serve_build_failed` in the string tables) and takes the page's own
//! from `<body data-strings>`; a page without them (an English one,
//! [`no_site_page`]) gets the English. (HTML files from `static/` are served as they
//! are, without this script.) The diagnostics stay as the terminal shows them.

use std::time::Duration;

use super::State;

pub const SCRIPT_PATH: &str = "/__remedy/reload.js";
pub const EVENTS_PATH: &str = "/__remedy/events";
/// How long an events request waits for something to happen before it answers.
const WAIT: Duration = Duration::from_secs(20);

pub const SCRIPT: &str = r#"// remedy serve: reloads the page after each rebuild and shows build errors over it.
(function () {
  "use strict";
  var me = document.currentScript;
  var since = (me && me.dataset.generation) || "0";
  // The theme's words in English (themes/default/i18n/en.toml); a page in another
  // language carries its own as JSON on <body data-strings> (base.html).
  var WORDS = {
    serve_build_failed: 'remedy: the build failed. This is the last good version of the page; fix the file and save.'
  };
  function say(key) {
    var own = null;
    try { own = JSON.parse((document.body && document.body.getAttribute("data-strings")) || "{}"); } catch (e) { own = null; }
    return own && typeof own[key] === "string" ? own[key] : WORDS[key];
  }
  var events = new EventSource("/__remedy/events?since=" + encodeURIComponent(since));
  events.addEventListener("reload", function () {
    events.close();
    location.reload();
  });
  events.addEventListener("errors", function (e) {
    var box = document.getElementById("remedy-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "remedy-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
        "background:rgba(24,24,27,.94);color:#fafafa;font:14px/1.5 ui-monospace,monospace;";
      document.body.appendChild(box);
    }
    var title = document.createElement("p");
    title.style.cssText = "font-weight:bold;color:#fca5a5;margin:0 0 1rem;";
    title.textContent = say("serve_build_failed");
    var list = document.createElement("pre");
    list.style.cssText = "white-space:pre-wrap;margin:0;";
    list.textContent = JSON.parse(e.data);
    box.replaceChildren(title, list);
  });
})();
"#;

/// The tag added to served pages.
pub fn tag(generation: u64) -> String {
    format!(r#"<script src="{SCRIPT_PATH}" data-generation="{generation}" defer></script>"#)
}

/// `html` with the reload tag added before `</head>` (or `</body>`, or at the end).
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = tag(generation);
    let at = find(html, b"</head>").or_else(|| find(html, b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The answer to an events request from a page of generation `since`: waits until
/// the site's generation is newer (or for [`WAIT`]), then says what happened. It
/// waits on the runtime, holding no thread.
pub async fn events(state: &State, since: u64) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    // Subscribed before looking, so that a build published in between is seen.
    let mut changed = state.changed.subscribe();
    loop {
        if let Some(event) = event(state, since) {
            return event;
        }
        if state.stopping() {
            break;
        }
        match tokio::time::timeout_at(deadline, changed.changed()).await {
            Ok(Ok(())) => continue,
            Ok(Err(_)) | Err(_) => break,
        }
    }
    "retry: 300\n: nothing changed\n\n".to_string()
}

/// The event for a page of generation `since`, if the site has moved on since.
fn event(state: &State, since: u64) -> Option<String> {
    let status = state.status.lock().expect("status lock");
    if status.generation <= since {
        return None;
    }
    let id = status.generation;
    Some(match &status.errors {
        Some(text) => {
            let data = serde_json::to_string(text).expect("a string serializes");
            format!("retry: 300\nid: {id}\nevent: errors\ndata: {data}\n\n")
        }
        None => format!("retry: 300\nid: {id}\nevent: reload\ndata: {id}\n\n"),
    })
}

/// A page to show when there has never been a good build: the reload script shows
/// the errors over it, and the first good build replaces it.
pub fn no_site_page() -> Vec<u8> {
    let html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>remedy: the build failed</title></head>\n<body><p>The site does not build yet; the terminal lists the errors.</p></body></html>\n";
    inject(html.as_bytes(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_head_end() {
        let out = inject(b"<html><head><title>x</title></HEAD><body></body></html>", 7);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "<html><head><title>x</title><script src=\"/__remedy/reload.js\" data-generation=\"7\" defer></script></HEAD><body></body></html>"
        );
        assert!(String::from_utf8(inject(b"plain", 1)).unwrap().starts_with("plain<script"));
    }
}
