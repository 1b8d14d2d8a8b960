//! HTTP: hyper (HTTP/1.1) on a small tokio runtime, with every resource bounded.
//!
//! - **Connections**: at most [`Limits::connections`] at once. When they are all
//!   taken, no more are accepted (new ones wait in the kernel's queue) until one
//!   closes; running out of file descriptors (`EMFILE`) pauses accepting for a
//!   moment and never stops it.
//! - **Timeouts**: a request's head must arrive within [`Limits::header_timeout`],
//!   counted from when the connection opens or its last answer was sent (hyper's
//!   header-read timeout, so a silent or idle kept-alive connection is closed too);
//!   a connection on which nothing is read or written for [`Limits::idle_timeout`]
//!   (a client that stopped reading its answer) is closed.
//! - **Threads**: two runtime workers and at most [`BLOCKING_THREADS`] for file reads;
//!   a live-reload request waits on the runtime, not on a thread.
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
//!   read from where `load` found them, opened without following a symbolic link
//!   ([`super::disk`]).
//!
//! Parsing HTTP is hyper's; this module only answers parsed requests ([`answer`] is
//! pure, and property-tested with arbitrary paths).

use std::convert::Infallible;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Frame, SizeHint};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, ORIGIN, X_CONTENT_TYPE_OPTIONS};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{disk, reload, State};
use crate::incremental::Body;

/// Threads the runtime may start for blocking work (opening and reading copied files).
pub const BLOCKING_THREADS: usize = 4;

/// How much a server holds at most; see the module's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open connections at once (a browser tab holds one or two, plus one per page
    /// waiting for live-reload events).
    pub connections: usize,
    /// The longest wait for a request's head: from when a connection opens or sent
    /// its last answer, to the end of the head.
    pub header_timeout: Duration,
    /// The longest time with nothing read or written on a connection. Longer than a
    /// live-reload request's wait (20 s), which writes nothing meanwhile.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { connections: 512, header_timeout: Duration::from_secs(5), idle_timeout: Duration::from_secs(60) }
    }
}

/// The bytes of a request's head, and of buffered reading, per connection.
const BUFFER: usize = 64 * 1024;
/// How long accepting pauses when the process is out of file descriptors.
const BACKOFF: Duration = Duration::from_millis(100);

/// Accepts connections until the runtime shuts down, at most `limits.connections`
/// at once (`slots` holds that many permits).
pub async fn accept(listener: TcpListener, slots: Arc<Semaphore>, service: Arc<Service>, limits: Limits, quiet: bool) {
    let mut warned = false;
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let stream = loop {
            match listener.accept().await {
                Ok((stream, _)) => break stream,
                Err(e) if out_of_resources(&e) => {
                    // Too many open files (or no memory for sockets): the connection
                    // stays queued in the kernel; try again once some have closed.
                    if !quiet && !warned {
                        eprintln!("warning: cannot accept a connection ({e}); waiting for others to close");
                    }
                    warned = true;
                    tokio::time::sleep(BACKOFF).await;
                }
                // The client went away before it was accepted, and the like.
                Err(_) => continue,
            }
        };
        warned = false;
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, slot, service.clone(), limits));
    }
}

fn out_of_resources(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM
        matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12))
    }
    #[cfg(not(unix))]
    {
        e.kind() == io::ErrorKind::OutOfMemory
    }
}

/// Serves one connection, holding its slot until it closes.
async fn connection(stream: TcpStream, slot: OwnedSemaphorePermit, service: Arc<Service>, limits: Limits) {
    let _slot = slot;
    let progress = Arc::new(Progress::new());
    let io = TokioIo::new(Watched { inner: stream, progress: progress.clone() });
    let handler = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let service = service.clone();
        async move { Ok::<_, Infallible>(service.respond(request).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(BUFFER)
        .serve_connection(io, handler);
    tokio::select! {
        // A connection error (a reset, a bad request hyper answered, a timeout)
        // concerns that client alone.
        _ = conn => {}
        () = progress.stalled(limits.idle_timeout) => {}
    }
}

/// When a connection last read or wrote something.
struct Progress {
    start: tokio::time::Instant,
    /// Milliseconds from `start`.
    last: AtomicU64,
}

impl Progress {
    fn new() -> Progress {
        Progress { start: tokio::time::Instant::now(), last: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Returns once nothing has moved for `idle`.
    async fn stalled(&self, idle: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let deadline = last + idle;
            if tokio::time::Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A stream that records its progress.
struct Watched {
    inner: TcpStream,
    progress: Arc<Progress>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.progress.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.progress.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.progress.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A response body: bytes in memory, or a file read in chunks.
pub type ReplyBody = Either<Full<Bytes>, FileBody>;

/// What the server needs to answer: the shared state, the allowed hosts, and the
/// site folder (under which copied files are opened).
pub struct Service {
    pub state: Arc<State>,
    pub allowed: Allowed,
    pub site_dir: PathBuf,
}

impl Service {
    async fn respond(&self, request: Request<hyper::body::Incoming>) -> Response<ReplyBody> {
        let (parts, _body) = request.into_parts();
        let headers = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let asked = Asked {
            method: &parts.method,
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            host: headers(HOST.as_str()),
            origin: headers(ORIGIN.as_str()),
            last_event_id: headers("last-event-id"),
        };
        match answer(&asked, &self.state, &self.allowed) {
            Answer::Reply(response) => response.map(Either::Left),
            Answer::Events(since) => {
                let body = reload::events(&self.state, since).await;
                bytes(StatusCode::OK, "text/event-stream; charset=utf-8", body.into_bytes()).map(Either::Left)
            }
            Answer::File { disk, kind } => {
                let root = self.site_dir.clone();
                let opened = tokio::task::spawn_blocking(move || {
                    let file = disk::open_beneath(&root, &disk)?;
                    let len = file.metadata()?.len();
                    Ok::<_, io::Error>((file, len))
                })
                .await;
                match opened {
                    Ok(Ok((file, len))) => {
                        let body = FileBody { file: tokio::fs::File::from_std(file), left: len };
                        with_headers(Response::new(Either::Right(body)), kind)
                    }
                    _ => not_found(&self.state).map(Either::Left),
                }
            }
        }
    }
}

/// The parts of a request that [`answer`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub method: &'a Method,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    pub query: &'a str,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub last_event_id: Option<&'a str>,
}

/// What to answer: a response, or work the async part does.
#[derive(Debug)]
pub enum Answer {
    Reply(Response<Full<Bytes>>),
    /// Wait for a newer generation than this one (live reload).
    Events(u64),
    /// A copied file, to open without following links.
    File {
        disk: PathBuf,
        kind: &'static str,
    },
}

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

/// The answer to a request, decided from its parts and the served site; never
/// panics, whatever the path (see the property test).
pub fn answer(asked: &Asked<'_>, state: &State, allowed: &Allowed) -> Answer {
    let reply = |response| Answer::Reply(response);
    if !matches!(*asked.method, Method::GET | Method::HEAD) {
        return reply(text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are allowed\n"));
    }
    if !asked.host.is_some_and(|h| allowed.host(h)) {
        let message = "forbidden: unexpected Host header (remedy serve answers only to its own address)\n";
        return reply(text(StatusCode::FORBIDDEN, message));
    }
    let path = asked.path;
    if path == reload::EVENTS_PATH {
        if asked.origin.is_some_and(|o| !allowed.origin(o)) {
            return reply(text(StatusCode::FORBIDDEN, "forbidden: cross-origin live-reload connection\n"));
        }
        let since = asked
            .last_event_id
            .or_else(|| asked.query.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        state.hit(&path[1..]);
        return Answer::Events(since);
    }
    if path == reload::SCRIPT_PATH {
        state.hit(&path[1..]);
        return reply(bytes(StatusCode::OK, "text/javascript; charset=utf-8", reload::SCRIPT.as_bytes().to_vec()));
    }

    let site = state.site();
    let Some(rel) = site_path(path) else { return reply(not_found(state)) };
    let Some(files) = &site.files else {
        return reply(if rel.ends_with(".html") {
            bytes(StatusCode::OK, "text/html; charset=utf-8", reload::no_site_page())
        } else {
            text(StatusCode::NOT_FOUND, "not found\n")
        });
    };
    let Some(body) = files.get(&rel) else {
        let folder = format!("{rel}/index.html");
        if !rel.ends_with(".html") && files.get(&folder).is_some() {
            // A folder named without its slash: relative links need the slash. The
            // path as sent (still percent-encoded, so ASCII) plus the slash.
            if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                let mut response = text(StatusCode::MOVED_PERMANENTLY, "moved\n");
                response.headers_mut().insert(LOCATION, location);
                return reply(response);
            }
        }
        return reply(not_found_in(state, &rel));
    };
    state.hit(&rel);
    let kind = content_type(&rel);
    match body {
        Body::Bytes(b) if kind.starts_with("text/html") => {
            reply(bytes(StatusCode::OK, kind, reload::inject(b, site.generation)))
        }
        Body::Bytes(b) => reply(with_headers(Response::new(Full::new(Bytes::from_owner(b.clone()))), kind)),
        Body::Disk(disk) => Answer::File { disk: disk.clone(), kind },
    }
}

/// A file's contents, read in chunks on the runtime's blocking threads.
pub struct FileBody {
    file: tokio::fs::File,
    /// Bytes still to send (its length when opened: a file that grows meanwhile is
    /// cut there, one that shrinks ends the connection).
    left: u64,
}

/// The most read at once.
const CHUNK: usize = 64 * 1024;

impl hyper::body::Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let size = usize::try_from(self.left).map_or(CHUNK, |left| left.min(CHUNK));
        let mut chunk = vec![0; size];
        let mut buf = ReadBuf::new(&mut chunk);
        match Pin::new(&mut self.file).poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len();
                if n == 0 {
                    return Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank"))));
                }
                chunk.truncate(n);
                self.left -= n as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
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

/// The site's `404.html`, for a missing path at any depth: its links are relative to
/// the site's root, so it gets `<base href="/">` (the site is served at `/`), and
/// its stylesheet and links work from `/a/b/missing` too.
fn not_found(state: &State) -> Response<Full<Bytes>> {
    not_found_in(state, "")
}

/// [`not_found`] for the missing path `rel`: under a language's folder (`fr/...`,
/// which has its own `fr/404.html`), that language's page, based there.
fn not_found_in(state: &State, rel: &str) -> Response<Full<Bytes>> {
    let site = state.site();
    let folder = rel.split_once('/').map_or("", |(first, _)| first);
    let language = site.files.as_ref().and_then(|f| f.get(&format!("{folder}/404.html"))).map(|b| (folder, b));
    let page = language.or_else(|| site.files.as_ref().and_then(|f| f.get("404.html")).map(|b| ("", b)));
    match page {
        Some((folder, Body::Bytes(b))) => {
            let page = reload::inject(&with_base(b, folder), site.generation);
            bytes(StatusCode::NOT_FOUND, "text/html; charset=utf-8", page)
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// `page` with `<base href="/">` (or `/<folder>/`) first in its `<head>` (unchanged
/// without one).
fn with_base(page: &[u8], folder: &str) -> Vec<u8> {
    let head = b"<head>";
    match page.windows(head.len()).position(|w| w.eq_ignore_ascii_case(head)) {
        Some(at) => {
            let cut = at + head.len();
            let folder = if folder.is_empty() { String::new() } else { format!("{folder}/") };
            let base = format!("\n<base href=\"/{folder}\">");
            [&page[..cut], base.as_bytes(), &page[cut..]].concat()
        }
        None => page.to_vec(),
    }
}

fn text(status: StatusCode, message: &'static str) -> Response<Full<Bytes>> {
    bytes(status, "text/plain; charset=utf-8", message.as_bytes().to_vec())
}

fn bytes(status: StatusCode, kind: &'static str, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = with_headers(Response::new(Full::new(Bytes::from(body))), kind);
    *response.status_mut() = status;
    response
}

fn with_headers<B>(mut response: Response<B>, kind: &'static str) -> Response<B> {
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incremental::{Build, Files};
    use proptest::prelude::*;

    /// A state serving a small site: a page, a folder with an accented name, a 404 page.
    fn serving() -> (State, Allowed) {
        let page = |html: &str| Body::Bytes(Arc::from(html.as_bytes()));
        let files: Files = [
            ("index.html", "<html><head></head><body>home</body></html>"),
            ("404.html", "<html><head></head><body>missing</body></html>"),
            ("fr/404.html", "<html><head></head><body>introuvable</body></html>"),
            ("g/s.html", "<html><head></head><body>step</body></html>"),
            ("café/index.html", "<html><head></head><body>café</body></html>"),
            ("a b/x.css", "p {}"),
        ]
        .into_iter()
        .map(|(path, html)| (path.to_string(), page(html)))
        .collect();
        let state = State::new();
        let build = Build {
            files: Some(files),
            diagnostics: Vec::new(),
            parsed: 0,
            rendered: 0,
            timings: Vec::new(),
            quick: false,
        };
        state.publish(build, true);
        (state, Allowed::new("127.0.0.1".parse().unwrap(), 4000))
    }

    fn get<'a>(path: &'a str) -> Asked<'a> {
        Asked { method: &Method::GET, path, query: "", host: Some("127.0.0.1:4000"), origin: None, last_event_id: None }
    }

    fn status(answer: &Answer) -> u16 {
        match answer {
            Answer::Reply(response) => response.status().as_u16(),
            Answer::Events(_) | Answer::File { .. } => 200,
        }
    }

    #[test]
    fn an_accented_folder_redirects_with_its_path_as_sent() {
        let (state, allowed) = serving();
        let Answer::Reply(moved) = answer(&get("/caf%C3%A9"), &state, &allowed) else { panic!("a reply") };
        assert_eq!(moved.status(), 301);
        assert_eq!(moved.headers()[LOCATION], "/caf%C3%A9/");
        assert_eq!(status(&answer(&get("/caf%C3%A9/"), &state, &allowed)), 200);
        assert_eq!(status(&answer(&get("/caf%c3%a9/index.html"), &state, &allowed)), 200);
        assert_eq!(status(&answer(&get("/a%20b/x.css"), &state, &allowed)), 200);
        assert_eq!(status(&answer(&get("/nope"), &state, &allowed)), 404);
        assert_eq!(status(&answer(&get("/a/b/missing"), &state, &allowed)), 404);
    }

    #[test]
    fn a_missing_page_under_a_language_folder_gets_that_languages_404() {
        let (state, allowed) = serving();
        let body = |path: &str| {
            let Answer::Reply(response) = answer(&get(path), &state, &allowed) else { panic!("a reply") };
            assert_eq!(response.status(), 404, "{path}");
            let bytes = futures_body(response);
            String::from_utf8(bytes).unwrap()
        };
        let fr = body("/fr/g/missing.html");
        assert!(fr.contains("<base href=\"/fr/\">") && fr.contains("introuvable"), "{fr}");
        let en = body("/g/missing.html");
        assert!(en.contains("<base href=\"/\">") && en.contains("missing"), "{en}");
    }

    /// The bytes of a reply's body (a `Full`, ready at once).
    fn futures_body(response: Response<Full<Bytes>>) -> Vec<u8> {
        use http_body_util::BodyExt;
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(response.into_body().collect()).unwrap().to_bytes().to_vec()
    }

    #[test]
    fn the_404_page_links_from_the_root_at_any_depth() {
        let page = with_base(b"<html><HEAD><link href=\"style.css\"></HEAD></html>", "");
        assert_eq!(page, b"<html><HEAD>\n<base href=\"/\"><link href=\"style.css\"></HEAD></html>");
        assert_eq!(with_base(b"no head", ""), b"no head");
        assert_eq!(with_base(b"<head></head>", "fr"), b"<head>\n<base href=\"/fr/\"></head>");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any path, query and header values: an answer, never a panic or a 5xx.
        #[test]
        fn any_request_gets_an_answer_below_500(
            path in prop_oneof![
                any::<String>(),
                "/[a-zé%0-9A-F./\\?#]{0,24}",
                proptest::collection::vec(any::<u8>(), 0..40)
                    .prop_map(|b| format!("/{}", percent_encoding::percent_encode(&b, percent_encoding::NON_ALPHANUMERIC))),
            ],
            query in ".{0,12}",
            id in proptest::option::of(".{0,8}"),
            head in any::<bool>(),
        ) {
            let (state, allowed) = serving();
            let method = if head { Method::HEAD } else { Method::GET };
            let asked = Asked { method: &method, query: &query, last_event_id: id.as_deref(), ..get(&path) };
            let answer = answer(&asked, &state, &allowed);
            prop_assert!(status(&answer) < 500, "{path:?}: {answer:?}");
            if let Answer::Reply(response) = &answer {
                if let Some(location) = response.headers().get(LOCATION) {
                    prop_assert!(location.to_str().is_ok_and(|l| l.starts_with('/') && !l.starts_with("//")));
                }
            }
        }
    }

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
