//! Headless Chromium for the browser tests, and a tiny static server for the
//! over-http ones.
//!
//! A page is opened with `--dump-dom` after `--virtual-time-budget` lets its
//! scripts run; the DOM it returns is what the test checks. Errors are caught by a
//! guard script ([`GUARD_JS`]) that a test copy of a page loads first: it records
//! uncaught errors, rejected promises, `console.error`/`console.warn`, failed
//! resources and Content-Security-Policy violations in an attribute of `<html>`
//! (`data-test-errors`), which [`Page::errors`] reads back. Chromium's own console
//! log on stderr is checked too.
//!
//! Chromium is Debian's `chromium` (installed by `.ci/run`). Without it the tests
//! fail under CI (`CI` set) and are skipped, loudly, elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Browser {
    bin: PathBuf,
}

/// What a page looked like once its scripts had run.
pub struct Page {
    pub dom: String,
    /// Chromium's console lines on stderr.
    pub console: Vec<String>,
}

impl Browser {
    /// Chromium, or `None` (with a loud message) when it is absent outside CI.
    pub fn find() -> Option<Browser> {
        let bin = std::env::var_os("REMEDY_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
        if bin.exists() {
            return Some(Browser { bin });
        }
        if std::env::var_os("CI").is_some() {
            panic!("chromium not found at {} (CI must install it: see .ci/run)", bin.display());
        }
        eprintln!("\n*** SKIPPED: chromium not found at {} ***\n", bin.display());
        None
    }

    /// Opens `url` in a fresh profile and returns the DOM after `budget_ms` of
    /// virtual time (navigations the page makes are followed).
    pub fn open(&self, url: &str, budget_ms: u32) -> Page {
        let profile = tempfile::tempdir().expect("a temporary profile folder");
        self.open_with(url, budget_ms, profile.path(), &[])
    }

    /// Like [`Browser::open`], in the profile folder `profile` (kept between calls, so
    /// `localStorage` persists) and with more Chromium flags (`--window-size=390,844`).
    pub fn open_with(&self, url: &str, budget_ms: u32, profile: &Path, flags: &[&str]) -> Page {
        let out = Command::new(&self.bin)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(flags)
            .args(["--enable-logging=stderr", "--v=0", "--no-first-run"])
            .arg(format!("--virtual-time-budget={budget_ms}"))
            .arg("--dump-dom")
            .arg(url)
            .output()
            .expect("chromium runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let console = stderr.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_string).collect();
        Page { dom: String::from_utf8_lossy(&out.stdout).into_owned(), console }
    }
}

impl Page {
    /// Errors the guard script recorded, and uncaught errors or CSP refusals in
    /// Chromium's console log.
    pub fn errors(&self) -> Vec<String> {
        let mut errors: Vec<String> = self
            .console
            .iter()
            .filter(|l| l.contains("Uncaught") || l.contains("Refused") || l.contains("Content Security Policy"))
            .cloned()
            .collect();
        if let Some(i) = self.dom.find("data-test-errors=\"") {
            let rest = &self.dom[i + "data-test-errors=\"".len()..];
            errors.push(unescape(&rest[..rest.find('"').unwrap_or(rest.len())]));
        }
        errors
    }

    /// The text content of the element with `id` (which must hold only text).
    pub fn text_of(&self, id: &str) -> Option<String> {
        let start = self.dom.find(&format!("id=\"{id}\""))?;
        let open_end = start + self.dom[start..].find('>')? + 1;
        let close = open_end + self.dom[open_end..].find("</")?;
        Some(unescape(&self.dom[open_end..close]))
    }
}

/// Undoes the escaping Chromium's serializer does in text and attributes.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Records every error a page meets in `<html data-test-errors="[...]">`.
pub const GUARD_JS: &str = r#"(function () {
  var errors = [];
  function note(kind, msg) {
    errors.push(kind + ': ' + msg);
    document.documentElement.setAttribute('data-test-errors', JSON.stringify(errors));
  }
  window.addEventListener('error', function (e) {
    var t = e.target;
    note('error', e.message || (t && (t.src || t.href)) || 'a resource failed');
  }, true);
  window.addEventListener('unhandledrejection', function (e) { note('rejection', String(e.reason)); });
  document.addEventListener('securitypolicyviolation', function (e) {
    note('csp', e.violatedDirective + ' ' + e.blockedURI);
  });
  ['error', 'warn'].forEach(function (level) {
    var orig = console[level];
    console[level] = function () {
      note('console.' + level, Array.prototype.join.call(arguments, ' '));
      orig.apply(console, arguments);
    };
  });
})();
"#;

/// Writes `t-guard.js` beside `page` (a built page, relative to `site`) and a copy
/// of the page named `copy` that loads the guard first and then `scripts`.
pub fn guarded_copy(site: &Path, page: &str, copy: &str, scripts: &[&str]) {
    let html = std::fs::read_to_string(site.join(page)).expect("the page was built");
    let dir = site.join(page).parent().unwrap().to_path_buf();
    std::fs::write(dir.join("t-guard.js"), GUARD_JS).unwrap();
    let mut tags = String::from("<script src=\"t-guard.js\"></script>");
    for s in scripts {
        tags.push_str(&format!("<script src=\"{s}\" defer></script>"));
    }
    let html = html.replacen("<head>", &format!("<head>{tags}"), 1);
    std::fs::write(dir.join(copy), html).unwrap();
}

/// The URL of a file on disk.
pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Serves `dir` at `http://127.0.0.1:PORT/<prefix>/` on a background thread, with
/// a strict Content-Security-Policy on every response. Returns the base URL, and
/// the bodies of requests POSTed to `<base>__result` (for the benchmark).
pub fn serve(dir: PathBuf, prefix: &'static str) -> (String, std::sync::mpsc::Receiver<String>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a free port");
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for mut req in server.incoming_requests() {
            let mut body = Vec::new();
            let _ = req.as_reader().read_to_end(&mut body);
            let path = req.url().split(['?', '#']).next().unwrap_or("").to_string();
            if path.ends_with("/__result") {
                let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
                let _ = req.respond(tiny_http::Response::from_data(Vec::new()));
                continue;
            }
            let file = path
                .strip_prefix(&format!("/{prefix}/"))
                .filter(|rel| !rel.split('/').any(|p| p == ".."))
                .map(|rel| dir.join(if rel.is_empty() { "index.html" } else { rel }));
            let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                Some((f, bytes)) => {
                    let kind = match f.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        Some("json") => "application/json",
                        _ => "application/octet-stream",
                    };
                    tiny_http::Response::from_data(bytes)
                        .with_header(tiny_http::Header::from_bytes("Content-Type", kind).unwrap())
                }
                None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let csp = "default-src 'self'; script-src 'self'; style-src 'self'";
            let response = response.with_header(tiny_http::Header::from_bytes("Content-Security-Policy", csp).unwrap());
            let _ = req.respond(response);
        }
    });
    (format!("http://127.0.0.1:{port}/{prefix}/"), rx)
}
