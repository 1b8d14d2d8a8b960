//! A progress line for long builds: the stage and, while pages are rendered and
//! written, how many of them are done. It is drawn on standard error only when that
//! is a terminal, `CI` is not set and `TERM` is not `dumb`, and only once the build
//! has taken [`DELAY`]: a short build prints nothing but its summary line, as before.
//! The line is cleared when the build ends, so the summary takes its place.
//!
//! The pipeline reports through a [`Progress`]; a hidden one (tests, `check`, `serve`)
//! costs an atomic add per page and draws nothing.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before the line appears.
pub const DELAY: Duration = Duration::from_millis(1000);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// What the build is doing; shared with the thread that draws it.
#[derive(Debug, Default)]
struct State {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    finished: Mutex<bool>,
    wake: Condvar,
    drawn: AtomicBool,
}

/// Where the pipeline reports its stage and pages done.
#[derive(Debug)]
pub struct Progress {
    state: Arc<State>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// A progress line on standard error, when [`wanted`] says so; else hidden.
    pub fn for_terminal() -> Progress {
        if wanted() {
            Progress::drawn(DELAY)
        } else {
            Progress::hidden()
        }
    }

    /// Reports nothing anywhere.
    pub fn hidden() -> Progress {
        Progress { state: Arc::default(), drawer: None }
    }

    /// Draws on standard error after `delay`, until [`Progress::finish`].
    fn drawn(delay: Duration) -> Progress {
        let state: Arc<State> = Arc::default();
        let shared = Arc::clone(&state);
        let drawer =
            std::thread::Builder::new().name("progress".into()).spawn(move || draw_until_finished(&shared, delay)).ok();
        Progress { state, drawer }
    }

    /// A new stage; `total` is how many pages it goes through (0: not counted).
    pub fn stage(&self, name: &'static str, total: usize) {
        *self.state.stage.lock().unwrap_or_else(|e| e.into_inner()) = name;
        self.state.done.store(0, Ordering::Relaxed);
        self.state.total.store(total, Ordering::Relaxed);
    }

    /// `n` more pages of the current stage are done (from any thread).
    pub fn add(&self, n: usize) {
        self.state.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Ends the line: it is cleared if it was drawn.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        *self.state.finished.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.state.wake.notify_all();
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a progress line belongs on standard error: a terminal, not CI, not a
/// dumb terminal.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

fn draw_until_finished(state: &State, delay: Duration) {
    let mut wait = delay;
    let mut finished = state.finished.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let (guard, _) = state.wake.wait_timeout(finished, wait).unwrap_or_else(|e| e.into_inner());
        finished = guard;
        if *finished {
            break;
        }
        let stage = *state.stage.lock().unwrap_or_else(|e| e.into_inner());
        let text = line(stage, state.done.load(Ordering::Relaxed), state.total.load(Ordering::Relaxed));
        // \r and "erase line": the line is redrawn in place.
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
        state.drawn.store(true, Ordering::Relaxed);
        wait = TICK;
    }
    if state.drawn.load(Ordering::Relaxed) {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
}

/// The text of the line: `rendering and writing pages  6,012/10,504  [=====>    ]`.
pub fn line(stage: &str, done: usize, total: usize) -> String {
    if total == 0 {
        return format!("{stage}...");
    }
    let done = done.min(total);
    const WIDTH: usize = 24;
    let filled = done * WIDTH / total;
    let bar: String = (0..WIDTH)
        .map(|i| {
            if i < filled {
                '='
            } else if i == filled {
                '>'
            } else {
                ' '
            }
        })
        .collect();
    format!("{stage}  {}/{}  [{bar}]", thousands(done), thousands(total))
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_the_stage_and_pages_done() {
        assert_eq!(line("parsing", 0, 0), "parsing...");
        assert_eq!(line("writing", 0, 4), "writing  0/4  [>                       ]");
        assert_eq!(line("writing", 2, 4), "writing  2/4  [============>           ]");
        assert_eq!(line("writing", 9, 4), "writing  4/4  [========================]");
        assert_eq!(line("writing", 6012, 10504).split("  ").nth(1), Some("6,012/10,504"));
    }

    #[test]
    fn a_hidden_progress_draws_nothing_and_counts() {
        let p = Progress::hidden();
        p.stage("rendering", 3);
        p.add(2);
        assert_eq!(p.state.done.load(Ordering::Relaxed), 2);
        assert!(p.drawer.is_none());
        p.finish();
    }
}
