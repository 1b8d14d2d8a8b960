//! `remedy serve`: pages served like `build` writes them, the command's flags and
//! errors, static files, and a real browser reloading; the shared helpers (a served
//! fixture copy, requests, bounded waits). `rebuilds`: incremental rebuilds equal to
//! full ones, edits seen (with editors' temporary files ignored), errors shown and
//! cleared, the search index kept moving forward. `safety`: hostile requests
//! refused, odd bytes answered, connections and file descriptors bounded.
//!
//! Servers run in this process on port 0 (one test runs the binary). Every wait is
//! bounded polling, never a fixed long sleep.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use remedy::serve::{Limits, Options, Server};

use crate::support::{copy_tree, fixtures};

mod rebuilds;
mod safety;

pub use rebuilds::rebuild_and_compare;

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
