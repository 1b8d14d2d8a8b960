//! HTTP, with tiny_http: one thread per request (an events request waits).
//!
//! Safety, for a server that runs on a developer's machine:
//!
//! - a request whose `Host` is not the bound address, `localhost` or `127.0.0.1`
//!   (with the port) is refused (DNS rebinding);
//! - an events request whose `Origin` is present and not one of those is refused;
//! - no CORS headers are sent;
//! - only the files of the built site are served: a path is decoded, checked
//!   (`.`/`..` segments, encoded slashes, backslashes and NUL give 404) and looked up
//!   in the site's file list; nothing else on disk can be reached. Copied files are
//!   read from where `load` found them, and never through a symbolic link.

use std::fs::File;
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload;
use super::State;
use crate::incremental::Body;

/// What a request may name in `Host` (and `Origin`): `host:port` forms, lowercase.
#[derive(Debug, Clone)]
pub struct Allowed {
    hosts: Vec<String>,
}

impl Allowed {
    pub fn new(bound: std::net::IpAddr, port: u16) -> Allowed {
        let bound = match bound {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        let mut hosts: Vec<String> =
            [bound.as_str(), "localhost", "127.0.0.1"].iter().map(|h| format!("{h}:{port}")).collect();
        hosts.dedup();
        Allowed { hosts }
    }

    fn host(&self, value: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(value.trim()))
    }

    fn origin(&self, value: &str) -> bool {
        value.strip_prefix("http://").is_some_and(|rest| self.host(rest))
    }
}

/// Answers requests until the server is unblocked.
pub fn run(server: Arc<tiny_http::Server>, state: Arc<State>, allowed: Allowed) {
    for request in server.incoming_requests() {
        if state.stopping() {
            break;
        }
        let state = state.clone();
        let allowed = allowed.clone();
        std::thread::spawn(move || handle(request, &state, &allowed));
    }
}

fn header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn handle(request: Request, state: &State, allowed: &Allowed) {
    let response = answer(&request, state, allowed);
    // The client may have gone away: nothing to do about it.
    let _ = request.respond(response);
}

type Answer = Response<Box<dyn std::io::Read + Send>>;

fn answer(request: &Request, state: &State, allowed: &Allowed) -> Answer {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(405, "only GET and HEAD are allowed\n");
    }
    if !header(request, "Host").is_some_and(|h| allowed.host(h)) {
        return text(403, "forbidden: unexpected Host header (remedy serve answers only to its own address)\n");
    }
    let url = request.url();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path == reload::EVENTS_PATH {
        if header(request, "Origin").is_some_and(|o| !allowed.origin(o)) {
            return text(403, "forbidden: cross-origin live-reload connection\n");
        }
        let since = header(request, "Last-Event-ID")
            .or_else(|| query.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        state.hit(&path[1..]);
        let body = reload::events(state, since);
        return bytes(200, "text/event-stream; charset=utf-8", body.into_bytes());
    }
    if path == reload::SCRIPT_PATH {
        state.hit(&path[1..]);
        return bytes(200, "text/javascript; charset=utf-8", reload::SCRIPT.as_bytes().to_vec());
    }

    let site = state.site();
    let Some(rel) = site_path(path) else { return not_found(state) };
    let Some(files) = &site.files else {
        return if rel.ends_with(".html") {
            bytes(200, "text/html; charset=utf-8", reload::no_site_page())
        } else {
            text(404, "not found\n")
        };
    };
    let Some(body) = files.get(&rel) else {
        let folder = format!("{rel}/index.html");
        if !rel.ends_with(".html") && files.get(&folder).is_some() {
            // A folder named without its slash: relative links need the slash.
            let location = format!("/{rel}/");
            return text(301, "moved\n").with_header(raw_header("Location", &location));
        }
        return not_found(state);
    };
    state.hit(&rel);
    let kind = content_type(&rel);
    match body {
        Body::Bytes(b) if kind.starts_with("text/html") => bytes(200, kind, reload::inject(b, site.generation)),
        Body::Bytes(b) => bytes(200, kind, b.to_vec()),
        Body::Disk(disk) => {
            // Never through a link, even one put there after the build.
            let plain = disk.symlink_metadata().is_ok_and(|m| m.file_type().is_file());
            match File::open(disk) {
                Ok(file) if plain => {
                    let len = file.metadata().ok().and_then(|m| usize::try_from(m.len()).ok());
                    let reader: Box<dyn std::io::Read + Send> = Box::new(file);
                    headers(Response::new(StatusCode(200), Vec::new(), reader, len, None), kind)
                }
                _ => not_found(state),
            }
        }
    }
}

/// The site-relative file a URL path names, or `None` when it is not a plain path
/// inside the site (`..`, `.`, empty segments, encoded `/` or `\`, NUL, bad UTF-8).
pub fn site_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || rest.contains('\\') {
        return None;
    }
    let decoded = percent_decode(rest)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let (dirs, last) = match decoded.rsplit_once('/') {
        Some((dirs, last)) => (Some(dirs), last),
        None => (None, decoded.as_str()),
    };
    let segments_ok = dirs.is_none_or(|d| d.split('/').all(|s| !matches!(s, "" | "." | "..")));
    if !segments_ok || matches!(last, "." | "..") {
        return None;
    }
    Some(if last.is_empty() { format!("{decoded}index.html") } else { decoded })
}

/// The decoded path; `None` when a `%` is not followed by two hex digits or the
/// result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let escapes_ok = s
        .match_indices('%')
        .all(|(i, _)| s.get(i + 1..i + 3).is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())));
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    escapes_ok.then(|| decoded.into_owned())
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

fn not_found(state: &State) -> Answer {
    let site = state.site();
    match site.files.as_ref().and_then(|f| f.get("404.html")) {
        Some(Body::Bytes(b)) => bytes(404, "text/html; charset=utf-8", reload::inject(b, site.generation)),
        _ => text(404, "not found\n"),
    }
}

fn text(status: u16, message: &str) -> Answer {
    bytes(status, "text/plain; charset=utf-8", message.as_bytes().to_vec())
}

fn bytes(status: u16, kind: &str, body: Vec<u8>) -> Answer {
    let len = body.len();
    let reader: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(body));
    headers(Response::new(StatusCode(status), Vec::new(), reader, Some(len), None), kind)
}

fn headers(response: Answer, kind: &str) -> Answer {
    response
        .with_header(raw_header("Content-Type", kind))
        .with_header(raw_header("Cache-Control", "no-store"))
        .with_header(raw_header("X-Content-Type-Options", "nosniff"))
}

fn raw_header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/g/").as_deref(), Some("g/index.html"));
        assert_eq!(site_path("/g/s.html").as_deref(), Some("g/s.html"));
        assert_eq!(site_path("/g/a%20b.png").as_deref(), Some("g/a b.png"));
        for bad in [
            "/../etc/passwd",
            "/g/../../x",
            "/%2e%2e/x",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/g%2fs.html",
            "/g%2Fs.html",
            "/g%5cs.html",
            "/g\\s.html",
            "//etc/passwd",
            "/g/./s.html",
            "/a%00b",
            "/%ff",
            "/%zz",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn hosts_and_origins() {
        let a = Allowed::new("127.0.0.1".parse().unwrap(), 4000);
        assert!(a.host("127.0.0.1:4000") && a.host("localhost:4000") && a.host("LOCALHOST:4000"));
        assert!(!a.host("evil.example:4000") && !a.host("127.0.0.1:4001") && !a.host("localhost"));
        assert!(a.origin("http://localhost:4000"));
        assert!(!a.origin("http://evil.example") && !a.origin("null") && !a.origin("https://localhost:4000"));
    }
}
