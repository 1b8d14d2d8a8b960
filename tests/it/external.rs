//! `remedy check --external` against a local server only: failures are reported at
//! the link, successes are cached, `skip` is honoured, and requests are bounded.

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{copy_tree, fixtures};

struct Server {
    port: u16,
    /// Paths asked, in order.
    asked: Arc<Mutex<Vec<String>>>,
    most_at_once: Arc<AtomicUsize>,
}

fn serve() -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("binds to loopback");
    let port = server.server_addr().to_ip().unwrap().port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (in_flight, most_at_once) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (a, f, m) = (asked.clone(), in_flight.clone(), most_at_once.clone());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let (a, f, m) = (a.clone(), f.clone(), m.clone());
            std::thread::spawn(move || {
                let path = request.url().to_string();
                // The client gives up on /slow-timeout and goes on while this thread still
                // sleeps: that request is not "at once" with the next ones.
                let counted = path != "/slow-timeout";
                if counted {
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                }
                a.lock().unwrap().push(format!("{} {path}", request.method()));
                let status = match (request.method(), path.as_str()) {
                    (_, p) if p.starts_with("/missing") => 404,
                    (tiny_http::Method::Head, "/no-head") => 405,
                    (_, p) if p.starts_with("/slow") => {
                        std::thread::sleep(Duration::from_millis(if p == "/slow-timeout" { 3000 } else { 300 }));
                        200
                    }
                    _ => 200,
                };
                if counted {
                    f.fetch_sub(1, Ordering::SeqCst);
                }
                let _ = request.respond(tiny_http::Response::empty(status));
            });
        }
    });
    Server { port, asked, most_at_once }
}

#[test]
fn external_links_are_checked_cached_and_bounded() {
    let server = serve();
    let base = format!("http://127.0.0.1:{}", server.port);
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixtures().join("valid/yaml/site"), &site);
    let toml = fs::read_to_string(site.join("site.toml")).unwrap();
    fs::write(
        site.join("site.toml"),
        format!("{toml}[external_links]\nskip = [\"{base}/skipped\"]\ntimeout_seconds = 1\nconcurrency = 2\n"),
    )
    .unwrap();
    let links: String = ["ok", "missing", "no-head", "skipped/page", "slow-1", "slow-2", "slow-3", "slow-timeout"]
        .iter()
        .map(|p| format!("[{p}]({base}/{p})\n"))
        .collect();
    let sources = format!("sources = [{{ title = \"Gone\", url = \"{base}/missing-source\" }}]");
    fs::write(site.join("content/router/links.md"), format!("+++\ntitle = \"Links\"\n{sources}\n+++\n{links}"))
        .unwrap();

    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["check", "--external", "--format", "json", site.to_str().unwrap()])
            .output()
            .unwrap();
        let lines: Vec<serde_json::Value> =
            String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        lines.into_iter().filter(|d| d["code"] == "external-link").collect::<Vec<_>>()
    };
    let found = run();
    let messages: Vec<String> =
        found.iter().map(|d| format!("{}:{} {}", d["line"], d["column"], d["message"].as_str().unwrap())).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    // A step's `sources` are asked too, and reported at the URL in the front matter.
    let source = format!("3:36 external link `{base}/missing-source` answered 404");
    assert!(messages[0].starts_with(&source), "{messages:?}");
    assert!(messages[1].starts_with(&format!("6:1 external link `{base}/missing` answered 404")), "{messages:?}");
    assert!(
        messages[2].starts_with(&format!("12:1 external link `{base}/slow-timeout` did not answer in time")),
        "{messages:?}"
    );
    assert!(found.iter().all(|d| d["path"] == "content/router/links.md" && d["severity"] == "warning"));

    let asked = server.asked.lock().unwrap().clone();
    assert!(!asked.iter().any(|a| a.contains("skipped")), "skip list honoured: {asked:?}");
    assert!(asked.contains(&"GET /no-head".to_string()), "GET after a refused HEAD: {asked:?}");
    assert!(server.most_at_once.load(Ordering::SeqCst) <= 2, "at most `concurrency` requests at once");

    // Second run: successes come from the cache; failures are asked again.
    server.asked.lock().unwrap().clear();
    assert_eq!(run().len(), 3);
    let asked = server.asked.lock().unwrap().clone();
    assert!(!asked.iter().any(|a| a.ends_with("/ok") || a.contains("slow-1")), "cached: {asked:?}");
    assert!(asked.iter().any(|a| a.ends_with("/missing")), "{asked:?}");
    assert!(site.join(remedy::external::CACHE_FILE).is_file());
}
