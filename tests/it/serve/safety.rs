//! `remedy serve` under hostile or heavy use: paths that would leave the site, any
//! bytes in a request path, exhausted connections and file descriptors; serve answers
//! below 500, bounds what it holds, and never stops.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use remedy::serve::Limits;

use super::{get, wait_for, Served, DEADLINE};
use crate::support::{copy_tree, fixtures};

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
