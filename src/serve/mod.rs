//! `remedy serve`: builds the site, serves it on a local port, rebuilds what a change
//! touches and reloads open pages.
//!
//! The site is served from memory: the last good build's pages (copies are read
//! from where they are, on request). Nothing is written to disk, so remedy's own
//! writes cannot trigger a rebuild, and stopping it (Ctrl-C) leaves nothing behind.
//! When a rebuild fails, the last good site stays served and the errors go to the
//! terminal and, as an overlay, to open pages.
//!
//! Threads, all bounded: a tokio runtime answers HTTP (`server`: two workers, a few
//! blocking threads for file reads, a bounded number of connections); one thread
//! watches and rebuilds (`watch`, then [`Incremental`]); one makes the search index
//! again after rebuilds (`index`), one job at a time with at most one waiting.
//!
//! The served search index only moves forward: each index carries the generation of
//! the text it was made from, a finished index is served only if it is newer than
//! the one served, and a build whose own index is older (a quick rebuild keeps the
//! last full build's) is served with the newest index made so far.

pub mod disk;
pub mod index;
pub mod reload;
pub mod server;
pub mod watch;

pub use server::Limits;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::build;
use crate::diagnostics::Severity;
use crate::incremental::{Build, Changes, Files, Incremental, SearchIndex};

#[derive(Debug, Clone)]
pub struct Options {
    pub site_dir: PathBuf,
    pub include_drafts: bool,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Print nothing (tests).
    pub quiet: bool,
}

/// The site being served.
pub struct Site {
    /// Output path -> file; `None` until a build succeeds.
    pub files: Option<Files>,
    /// The generation this site was built at.
    pub generation: u64,
}

/// What the last rebuild did: its generation and, if it failed, its diagnostics.
pub struct Status {
    pub generation: u64,
    pub errors: Option<String>,
    /// How many rebuilds have run (for tests).
    pub rebuilds: u64,
    /// The generation of the text the served search index was made from.
    pub index_from: u64,
    /// The newest index made after a build (`None` when the last good build made
    /// its own), put into later builds whose own index is older.
    index: Option<SearchIndex>,
}

/// Shared between the HTTP tasks, the rebuild thread and the index thread.
pub struct State {
    site: RwLock<Arc<Site>>,
    status: Mutex<Status>,
    /// The generation, sent after each rebuild (live-reload requests wait on it).
    changed: tokio::sync::watch::Sender<u64>,
    /// How many times each file was served (for tests).
    hits: Mutex<HashMap<String, u64>>,
    stop: AtomicBool,
}

impl State {
    fn new() -> State {
        State {
            site: RwLock::new(Arc::new(Site { files: None, generation: 0 })),
            status: Mutex::new(Status { generation: 0, errors: None, rebuilds: 0, index_from: 0, index: None }),
            changed: tokio::sync::watch::Sender::new(0),
            hits: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
        }
    }

    pub fn site(&self) -> Arc<Site> {
        self.site.read().expect("site lock").clone()
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn hit(&self, path: &str) {
        *self.hits.lock().expect("hits lock").entry(path.to_string()).or_default() += 1;
    }

    /// Serves `index` (made from the text of generation `from`) if it is newer than
    /// the index served; no new generation, so no page reloads. Whether it was.
    fn refresh(&self, from: u64, index: SearchIndex) -> bool {
        let mut status = self.status.lock().expect("status lock");
        if from <= status.index_from {
            return false;
        }
        status.index_from = from;
        let mut site = self.site.write().expect("site lock");
        if let Some(files) = &site.files {
            *site = Arc::new(Site { files: Some(files.with_index(&index)), generation: site.generation });
        }
        status.index = Some(index);
        true
    }

    /// Makes a build's result the current state, and wakes the pages waiting for it.
    /// `own_index`: the build made its search index from its own text. Returns the
    /// build's generation.
    fn publish(&self, build: Build, own_index: bool) -> u64 {
        let mut status = self.status.lock().expect("status lock");
        status.generation += 1;
        status.rebuilds += 1;
        let generation = status.generation;
        match build.files {
            Some(files) => {
                status.errors = None;
                let files = if own_index {
                    status.index_from = generation;
                    status.index = None;
                    files
                } else {
                    // Its index is older than one already served: serve that one.
                    match &status.index {
                        Some(index) => files.with_index(index),
                        None => files,
                    }
                };
                *self.site.write().expect("site lock") = Arc::new(Site { files: Some(files), generation });
            }
            None => {
                let text: String = build.diagnostics.iter().map(|d| format!("{d}\n")).collect();
                status.errors = Some(text);
            }
        }
        drop(status);
        self.changed.send_replace(generation);
        generation
    }
}

/// A running server. Dropping it stops it.
pub struct Server {
    url: String,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
    slots: Arc<Semaphore>,
    limits: Limits,
    indexer: Arc<index::Indexer>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Builds the site, starts serving it and watching it. Build errors do not stop
    /// it (they are shown until fixed); a port that cannot be bound does.
    pub fn start(options: &Options) -> Result<Server, String> {
        Server::start_with(options, Limits::default())
    }

    /// [`Server::start`], with other limits on connections (tests).
    pub fn start_with(options: &Options, limits: Limits) -> Result<Server, String> {
        let site_dir = &options.site_dir;
        if !site_dir.is_dir() {
            return Err(format!("{}: error: the site folder does not exist", site_dir.display()));
        }
        // Watch first, so that nothing changed during the first build goes unseen.
        let mut watcher = watch::Watcher::new(site_dir)?;
        let mut incremental =
            Incremental::new(build::Options { site_dir: site_dir.clone(), include_drafts: options.include_drafts });
        let started = Instant::now();
        let first = incremental.run(&Changes::Everything);
        if !options.quiet {
            report(&first, started, "built");
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(server::BLOCKING_THREADS)
            .thread_name("remedy-http")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the HTTP server: {e}"))?;
        let address = SocketAddr::new(options.bind, options.port);
        let listener = listen(address)
            .and_then(|listener| {
                listener.set_nonblocking(true)?;
                let _runtime = runtime.enter();
                tokio::net::TcpListener::from_std(listener)
            })
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
        let port = listener.local_addr().map_or(options.port, |a| a.port());

        let state = Arc::new(State::new());
        // The first build makes its own index.
        state.publish(first, !incremental.search_is_stale());
        let s = state.clone();
        let indexer = Arc::new(
            index::Indexer::start(Box::new(move |from, index| {
                s.refresh(from, index);
            }))
            .map_err(|e| format!("cannot start the search index thread: {e}"))?,
        );

        let slots = Arc::new(Semaphore::new(limits.connections));
        let service = Arc::new(server::Service {
            state: state.clone(),
            allowed: server::Allowed::new(options.bind, port),
            site_dir: site_dir.clone(),
        });
        runtime.spawn(server::accept(listener, slots.clone(), service, limits, options.quiet));

        let mut threads = Vec::new();
        let (s, quiet, i) = (state.clone(), options.quiet, indexer.clone());
        let rebuilds = std::thread::Builder::new().name("remedy-rebuild".into()).spawn(move || {
            while let Some(changes) = watcher.next(&|p| incremental.knows(p), &s.stop) {
                let started = Instant::now();
                let build = incremental.run(&changes);
                if !quiet {
                    report(&build, started, "rebuilt");
                }
                let good = build.files.is_some();
                let generation = s.publish(build, !incremental.search_is_stale());
                // After the page is served: the job copies the site.
                let refresh = incremental.search_refresh();
                // Then the search index, off the path of the next save (pages are
                // not reloaded for it); a build that made its own makes the waiting
                // job pointless.
                match refresh {
                    Some(refresh) if good => i.submit(generation, Box::new(move || SearchIndex::from(refresh.run()))),
                    _ if good => i.clear(),
                    _ => {}
                }
            }
        });
        threads.push(rebuilds.map_err(|e| format!("cannot start the rebuild thread: {e}"))?);

        let host = match options.bind {
            IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        let url = format!("http://{host}:{port}/");
        Ok(Server { url, state, runtime: Some(runtime), slots, limits, indexer, threads })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times the file at this output path was served.
    pub fn hits(&self, path: &str) -> u64 {
        self.state.hits.lock().expect("hits lock").get(path).copied().unwrap_or(0)
    }

    /// How many rebuilds ran after the first build.
    pub fn rebuilds(&self) -> u64 {
        self.state.status.lock().expect("status lock").rebuilds.saturating_sub(1)
    }

    /// How many connections are open now.
    pub fn connections(&self) -> usize {
        self.limits.connections - self.slots.available_permits()
    }

    /// What the search index thread did.
    pub fn index_counts(&self) -> index::Counts {
        self.indexer.counts()
    }

    /// The generation of the text the served search index was made from, and the
    /// generation of the served site.
    pub fn index_generation(&self) -> (u64, u64) {
        let status = self.state.status.lock().expect("status lock");
        (status.index_from, status.generation)
    }

    /// Waits until the server stops (never, unless the process is interrupted).
    pub fn wait(mut self) {
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        // Ends every connection (a waiting live-reload request too) and the listener.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A listening socket whose connections send small writes at once (`TCP_NODELAY`,
/// also set on each accepted connection): without it, each response on a kept-alive
/// connection waited about 40 ms for the browser's delayed acknowledgement.
fn listen(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    // Lets a restarted server take its port back at once (on Windows it would let
    // two servers share a port, so only on Unix).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

fn report(build: &Build, started: Instant, what: &str) {
    for d in &build.diagnostics {
        eprintln!("{d}");
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if build.files.is_some() {
        let stages: Vec<String> =
            build.timings.iter().map(|(name, t)| format!("{name} {:.1}", t.as_secs_f64() * 1000.0)).collect();
        eprintln!(
            "{what}{} in {ms:.1} ms ({} parsed, {} rendered; ms: {})",
            if build.quick { " (quick)" } else { "" },
            build.parsed,
            build.rendered,
            stages.join(", ")
        );
    } else {
        let errors = build.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        eprintln!("error: the build failed with {errors} error(s); still serving the last good site");
    }
}

/// How long the rebuild thread waits for events before checking whether to stop.
pub(crate) const POLL: Duration = Duration::from_millis(200);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incremental::Body;
    use crate::model::OutputFile;

    fn index(text: &str) -> SearchIndex {
        SearchIndex::from(vec![OutputFile { path: "search/index.js".into(), contents: text.into() }])
    }

    /// A build's files: a page, and the search index it carries.
    fn build(page: &str, index: &str) -> Build {
        let file = |text: &str| Body::Bytes(Arc::from(text.as_bytes()));
        let files = [("g/s.html".to_string(), file(page)), ("search/index.js".to_string(), file(index))];
        Build {
            files: Some(files.into_iter().collect()),
            diagnostics: Vec::new(),
            parsed: 0,
            rendered: 0,
            timings: Vec::new(),
            quick: false,
        }
    }

    fn served(state: &State, path: &str) -> String {
        match state.site().files.as_ref().and_then(|f| f.get(path)) {
            Some(Body::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
            _ => panic!("{path} is served"),
        }
    }

    #[test]
    fn the_served_index_never_goes_back() {
        let state = State::new();
        // The first build makes its own index (of text 1).
        assert_eq!(state.publish(build("page 1", "index 1"), true), 1);
        // A quick rebuild keeps the first build's index; its own is made after.
        assert_eq!(state.publish(build("page 2", "index 1"), false), 2);
        assert_eq!(served(&state, "search/index.js"), "index 1");
        assert!(state.refresh(2, index("index 2")));
        assert_eq!(served(&state, "search/index.js"), "index 2");
        assert_eq!(served(&state, "g/s.html"), "page 2", "the page stays");
        // A full rebuild serves the earlier index (the first build's, in its files):
        // the newer one made since is served instead.
        assert_eq!(state.publish(build("page 3", "index 1"), false), 3);
        assert_eq!(
            (served(&state, "search/index.js"), served(&state, "g/s.html")),
            ("index 2".into(), "page 3".into())
        );
        // Indexes finishing out of order: an older one than the one served is dropped.
        assert!(
            state.publish(build("page 4", "index 1"), false) == 4
                && state.publish(build("page 5", "index 1"), false) == 5
        );
        assert!(state.refresh(5, index("index 5")));
        assert!(!state.refresh(4, index("index 4")), "older than the served one");
        assert!(!state.refresh(5, index("index 5 again")), "not newer");
        assert_eq!(served(&state, "search/index.js"), "index 5");
        // A failed build changes nothing served.
        let mut failed = build("", "");
        failed.files = None;
        state.publish(failed, true);
        assert_eq!(served(&state, "search/index.js"), "index 5");
        // A build with its own index (a full build that made it): served as it is,
        // and older indexes still being made are dropped when they finish.
        assert_eq!(state.publish(build("page 7", "index 7"), true), 7);
        assert!(!state.refresh(6, index("index 6")));
        assert_eq!(served(&state, "search/index.js"), "index 7");
    }
}
