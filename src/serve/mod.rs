//! `remedy serve`: builds the site, serves it on a local port, rebuilds what a change
//! touches and reloads open pages.
//!
//! The site is served from memory: the last good build's pages (copies are read
//! from where they are, on request). Nothing is written to disk, so remedy's own
//! writes cannot trigger a rebuild, and stopping it (Ctrl-C) leaves nothing behind.
//! When a rebuild fails, the last good site stays served and the errors go to the
//! terminal and, as an overlay, to open pages.
//!
//! Threads: one answers HTTP (`server`, a thread per request), one watches and
//! rebuilds (`watch`, then [`Incremental`]).

pub mod reload;
pub mod server;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::build;
use crate::diagnostics::Severity;
use crate::incremental::{Build, Changes, Files, Incremental};

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
}

/// Shared between the HTTP threads and the rebuild thread.
pub struct State {
    site: RwLock<Arc<Site>>,
    status: Mutex<Status>,
    /// Signalled after each rebuild.
    changed: Condvar,
    /// How many times each file was served (for tests).
    hits: Mutex<HashMap<String, u64>>,
    stop: AtomicBool,
}

impl State {
    pub fn site(&self) -> Arc<Site> {
        self.site.read().expect("site lock").clone()
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn hit(&self, path: &str) {
        *self.hits.lock().expect("hits lock").entry(path.to_string()).or_default() += 1;
    }

    fn generation(&self) -> u64 {
        self.status.lock().expect("status lock").generation
    }

    /// Puts `index` (fresh search files) into the served site, if it is still the
    /// site of `generation`; no new generation, so no page reloads.
    fn refresh(&self, generation: u64, index: Vec<crate::model::OutputFile>) {
        let status = self.status.lock().expect("status lock");
        let mut site = self.site.write().expect("site lock");
        if status.generation == generation {
            if let Some(files) = &site.files {
                *site = Arc::new(Site { files: Some(files.with_search(index)), generation });
            }
        }
    }

    /// Makes a build's result the current state, and wakes the pages waiting for it.
    fn publish(&self, build: Build) {
        let mut status = self.status.lock().expect("status lock");
        status.generation += 1;
        status.rebuilds += 1;
        match build.files {
            Some(files) => {
                status.errors = None;
                *self.site.write().expect("site lock") =
                    Arc::new(Site { files: Some(files), generation: status.generation });
            }
            None => {
                let text: String = build.diagnostics.iter().map(|d| format!("{d}\n")).collect();
                status.errors = Some(text);
            }
        }
        drop(status);
        self.changed.notify_all();
    }
}

/// A running server. Dropping it stops it.
pub struct Server {
    url: String,
    state: Arc<State>,
    http: Arc<tiny_http::Server>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Builds the site, starts serving it and watching it. Build errors do not stop
    /// it (they are shown until fixed); a port that cannot be bound does.
    pub fn start(options: &Options) -> Result<Server, String> {
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

        let address = SocketAddr::new(options.bind, options.port);
        let http = listen(address)
            .and_then(|listener| tiny_http::Server::from_listener(listener, None))
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
        let port = http.server_addr().to_ip().map_or(options.port, |a| a.port());
        let http = Arc::new(http);
        let state = Arc::new(State {
            site: RwLock::new(Arc::new(Site { files: None, generation: 0 })),
            status: Mutex::new(Status { generation: 0, errors: None, rebuilds: 0 }),
            changed: Condvar::new(),
            hits: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
        });
        state.publish(first);

        let mut threads = Vec::new();
        let allowed = server::Allowed::new(options.bind, port);
        let (h, s) = (http.clone(), state.clone());
        threads.push(std::thread::spawn(move || server::run(h, s, allowed)));
        let (s, quiet) = (state.clone(), options.quiet);
        threads.push(std::thread::spawn(move || {
            while let Some(changes) = watcher.next(&|p| incremental.knows(p), &s.stop) {
                let started = Instant::now();
                let build = incremental.run(&changes);
                if !quiet {
                    report(&build, started, "rebuilt");
                }
                s.publish(build);
                // Then the search index, off the path of the next save: on its own
                // thread, and dropped if a newer build is served first (which
                // starts its own). Pages are not reloaded for it.
                if let Some(refresh) = incremental.search_refresh() {
                    let (s, generation) = (s.clone(), s.generation());
                    std::thread::spawn(move || s.refresh(generation, refresh.run()));
                }
            }
        }));

        let host = match options.bind {
            IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        Ok(Server { url: format!("http://{host}:{port}/"), state, http, threads })
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
        self.http.unblock();
        self.state.changed.notify_all();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A listening socket whose connections send small writes at once (`TCP_NODELAY`,
/// which accepted connections inherit): without it, each response on a kept-alive
/// connection waited about 40 ms for the browser's delayed acknowledgement.
fn listen(address: SocketAddr) -> Result<std::net::TcpListener, Box<dyn std::error::Error + Send + Sync>> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    // Lets a restarted server take its port back at once (on Windows it would let
    // two servers share a port, so only on Unix).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&address.into())?;
    socket.listen(128)?;
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
