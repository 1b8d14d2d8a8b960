//! Making the search index again after a rebuild, off the path of the next save.
//!
//! After a quick rebuild (and a full one that served the earlier index) the index is
//! stale; making it again takes about a second on a 10,000-step site, longer than the
//! rebuild. Saves can come faster than that (an editor's autosave), so the work is
//! bounded: one thread makes indexes, one at a time, on a rayon pool of one thread
//! (the other core stays free for the next rebuild); at most one job waits, and a
//! newer job replaces the waiting one, which is dropped before it starts (with the
//! copy of the site it holds). The job that is running is not interrupted (the index
//! is made by `search`, which has no way to stop part-way): it finishes, and
//! [`super::State::refresh`] serves its result only if it is newer than the index
//! already served.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::incremental::SearchIndex;

/// Makes one index.
pub type Job = Box<dyn FnOnce() -> SearchIndex + Send>;

/// Where a finished index goes: the generation of the text it was made from.
pub type Sink = Box<dyn Fn(u64, SearchIndex) + Send>;

#[derive(Default)]
struct Slot {
    /// The job waiting, and the generation of the text it reads.
    waiting: Option<(u64, Job)>,
    stop: bool,
    counts: Counts,
}

/// What the indexer did (for tests and measurements).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub submitted: u64,
    /// Replaced by a newer job, or cleared, before they started.
    pub dropped: u64,
    pub finished: u64,
}

pub struct Indexer {
    slot: Arc<(Mutex<Slot>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Indexer {
    /// Starts the indexing thread; each index it makes goes to `sink`.
    pub fn start(sink: Sink) -> std::io::Result<Indexer> {
        let slot: Arc<(Mutex<Slot>, Condvar)> = Arc::default();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "remedy-index-pool".into())
            .build()
            .map_err(std::io::Error::other)?;
        let shared = slot.clone();
        let thread = std::thread::Builder::new().name("remedy-index".into()).spawn(move || loop {
            let (generation, job) = {
                let (lock, wake) = &*shared;
                let mut slot = lock.lock().expect("index slot");
                loop {
                    if slot.stop {
                        return;
                    }
                    if let Some(next) = slot.waiting.take() {
                        break next;
                    }
                    slot = wake.wait(slot).expect("index slot");
                }
            };
            // A panic is a bug in making the index; it must not stop later ones.
            if let Ok(index) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.install(job))) {
                sink(generation, index);
            }
            shared.0.lock().expect("index slot").counts.finished += 1;
        })?;
        Ok(Indexer { slot, thread: Some(thread) })
    }

    /// Queues `job` (the index of the text of `generation`), replacing the job that
    /// waits, if any.
    pub fn submit(&self, generation: u64, job: Job) {
        let (lock, wake) = &*self.slot;
        let mut slot = lock.lock().expect("index slot");
        slot.counts.submitted += 1;
        if slot.waiting.replace((generation, job)).is_some() {
            slot.counts.dropped += 1;
        }
        wake.notify_one();
    }

    /// Drops the job that waits, if any (a newer index was made another way).
    pub fn clear(&self) {
        let mut slot = self.slot.0.lock().expect("index slot");
        if slot.waiting.take().is_some() {
            slot.counts.dropped += 1;
        }
    }

    pub fn counts(&self) -> Counts {
        self.slot.0.lock().expect("index slot").counts
    }
}

impl Drop for Indexer {
    /// Stops the thread: the waiting job is dropped, a running one finishes first.
    fn drop(&mut self) {
        {
            let mut slot = self.slot.0.lock().expect("index slot");
            slot.stop = true;
            slot.waiting = None;
        }
        self.slot.1.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OutputFile;
    use std::sync::mpsc;

    fn index(tag: &str) -> SearchIndex {
        SearchIndex::from(vec![OutputFile { path: format!("search/{tag}.js"), contents: Vec::new() }])
    }

    #[test]
    fn one_job_runs_one_waits_and_newer_jobs_replace_the_waiting_one() {
        let (done_tx, done) = mpsc::channel();
        let indexer = Indexer::start(Box::new(move |generation, _| done_tx.send(generation).unwrap())).unwrap();
        // The first job runs and blocks until released.
        let (release, blocked) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel();
        indexer.submit(
            1,
            Box::new(move || {
                started_tx.send(()).unwrap();
                blocked.recv().unwrap();
                index("1")
            }),
        );
        started.recv().unwrap();
        // While it runs, three more: only the last one is kept.
        let ran = Arc::new(Mutex::new(Vec::new()));
        for generation in 2..=4 {
            let ran = ran.clone();
            indexer.submit(
                generation,
                Box::new(move || {
                    ran.lock().unwrap().push(generation);
                    index("n")
                }),
            );
        }
        release.send(()).unwrap();
        assert_eq!(done.recv().unwrap(), 1);
        assert_eq!(done.recv().unwrap(), 4);
        assert_eq!(*ran.lock().unwrap(), vec![4], "jobs 2 and 3 never ran");
        let counts = indexer.counts();
        assert_eq!((counts.submitted, counts.dropped), (4, 2));
        // Cleared before it starts: never runs.
        let (release, blocked) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel();
        indexer.submit(
            5,
            Box::new(move || {
                started_tx.send(()).unwrap();
                let _ = blocked.recv();
                index("5")
            }),
        );
        started.recv().unwrap();
        indexer.submit(6, Box::new(|| panic!("cleared, never run")));
        indexer.clear();
        release.send(()).unwrap();
        assert_eq!(done.recv().unwrap(), 5);
        drop(indexer);
        assert!(done.recv().is_err(), "nothing else ran");
    }
}
