//! Measures `remedy serve`: the time from saving one step file to the changed page
//! being served, over many edits, beside the time of a full `remedy build`.
//!
//! ```text
//! cargo build --release --bins --example serve_latency
//! cargo run --release --example gen_corpus -- --steps 10000 --out /tmp/corpus-10k --only remedy
//! target/release/examples/serve_latency /tmp/corpus-10k/remedy --edits 25
//! ```
//!
//! It runs `target/release/remedy` (or `--bin PATH`): one `build` (timed, into a
//! temporary folder), then `serve --port 0`. For each edit it picks a step of a
//! different guide, writes a unique word into it (`--kind body`: the last paragraph;
//! `--kind title`: the title, which also changes the neighbours, the guide page,
//! steps.html and steps.json), then asks for the page every 2 ms until the word is
//! served. It prints the median, p95, min and max, and restores every file it edited.
//!
//! `--kind rapid` (Linux) measures what saves faster than the search index is made do
//! to serve's threads and memory: `--saves N` body edits (default 60), `--interval MS`
//! apart (default 300), spread over different guides, without waiting for pages. It
//! samples serve's thread count and resident memory (`/proc/PID/status`) every 50 ms
//! and prints them before the saves, at their peak, after the last save, and
//! `--after S` seconds later (default 20).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut site = None;
    let mut edits = 25usize;
    let mut kind = "body".to_string();
    let mut saves = 60usize;
    let mut interval = 300u64;
    let mut after = 20u64;
    let mut bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/remedy");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => edits = args.next().and_then(|v| v.parse().ok()).expect("--edits N"),
            "--kind" => kind = args.next().expect("--kind body|title"),
            "--bin" => bin = PathBuf::from(args.next().expect("--bin PATH")),
            "--saves" => saves = args.next().and_then(|v| v.parse().ok()).expect("--saves N"),
            "--interval" => interval = args.next().and_then(|v| v.parse().ok()).expect("--interval MS"),
            "--after" => after = args.next().and_then(|v| v.parse().ok()).expect("--after S"),
            _ => site = Some(PathBuf::from(arg)),
        }
    }
    let site = site.expect(
        "usage: serve_latency SITE_DIR [--edits N] [--kind body|title|rapid] [--saves N] [--interval MS] [--after S] [--bin PATH]",
    );
    assert!(bin.exists(), "{} not found: run `cargo build --release` first", bin.display());

    let out = std::env::temp_dir().join(format!("remedy-bench-out-{}", std::process::id()));
    let started = Instant::now();
    let status = Command::new(&bin).arg("build").arg(&site).arg("--out").arg(&out).status().unwrap();
    let full_build = started.elapsed();
    assert!(status.success(), "the site must build");
    let pages = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    let _ = std::fs::remove_dir_all(&out);
    println!("full build (remedy build, {pages} top-level entries): {:.0} ms", ms(full_build));

    let mut child = Command::new(&bin)
        .arg("serve")
        .arg(&site)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("serve prints its URL").to_string();
    // serve's own timings ("rebuilt in ... ms"), collected on the side.
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).collect::<Vec<_>>());

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let fetch = |path: &str| -> String {
        match agent.get(format!("{url}{path}")).call() {
            Ok(mut r) => r.body_mut().read_to_string().unwrap_or_default(),
            Err(_) => String::new(),
        }
    };

    if kind == "rapid" {
        rapid(child.id(), &site, saves, Duration::from_millis(interval), Duration::from_secs(after), &fetch);
        let _ = child.kill();
        let _ = child.wait();
        return;
    }

    let steps = pick_steps(&site, edits);
    let mut times = Vec::new();
    for (i, (file, page)) in steps.iter().enumerate() {
        let original = std::fs::read_to_string(file).unwrap();
        let word = format!("edit{i}x{}", std::process::id());
        let edited = match kind.as_str() {
            "title" => original.replacen("title = \"", &format!("title = \"{word} "), 1),
            _ => format!("{original}\nEdited: {word}.\n"),
        };
        assert!(fetch(page).contains("</html>"), "{page} is served before the edit");
        let start = Instant::now();
        std::fs::write(file, &edited).unwrap();
        loop {
            if fetch(page).contains(&word) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "{page} never changed");
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(start.elapsed());
        std::fs::write(file, &original).unwrap();
        std::thread::sleep(Duration::from_millis(400));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = log.join().unwrap();

    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "save -> served ({} {kind} edits, 10 ms quiet window included): median {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms",
        times.len(),
        ms(pct(0.5)),
        ms(pct(0.95)),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    let mut rebuilds: Vec<f64> = log
        .iter()
        .filter_map(|l| l.strip_prefix("rebuilt")?.split(" in ").nth(1)?.split(' ').next()?.parse().ok())
        .collect();
    rebuilds.sort_by(f64::total_cmp);
    if let Some(first) = log.iter().find(|l| l.starts_with("built in ")) {
        println!("serve's first build: {first}");
    }
    if !rebuilds.is_empty() {
        println!(
            "serve's rebuilds ({}, edits and restores): median {:.1} ms, max {:.1} ms",
            rebuilds.len(),
            rebuilds[rebuilds.len() / 2],
            rebuilds[rebuilds.len() - 1]
        );
    }
}

/// Threads and resident memory (MiB) of a process, from `/proc/PID/status`.
fn usage(pid: u32) -> Option<(u64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status.lines().find_map(|l| l.strip_prefix(name))?.split_whitespace().next()?.parse().ok()
    };
    Some((field("Threads:")?, field("VmRSS:")? as f64 / 1024.0))
}

/// `saves` body edits `interval` apart, with serve's threads and memory sampled.
fn rapid(pid: u32, site: &Path, saves: usize, interval: Duration, after: Duration, fetch: &dyn Fn(&str) -> String) {
    let show = |what: &str, (threads, rss): (u64, f64)| println!("{what}: {threads} threads, {rss:.0} MiB resident");
    show("before the saves", usage(pid).expect("/proc/PID/status (Linux)"));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = (0u64, 0f64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some((threads, rss)) = usage(pid) {
                    peak = (peak.0.max(threads), peak.1.max(rss));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let steps = pick_steps(site, saves.min(25));
    let originals: Vec<String> = steps.iter().map(|(file, _)| std::fs::read_to_string(file).unwrap()).collect();
    let started = Instant::now();
    let mut last = String::new();
    for i in 0..saves {
        let n = i % steps.len();
        last = format!("rapid{i}x{}", std::process::id());
        std::fs::write(&steps[n].0, format!("{}\nEdited: {last}.\n", originals[n])).unwrap();
        std::thread::sleep(interval);
    }
    let saving = started.elapsed();
    let page = &steps[(saves - 1) % steps.len()].1;
    let start = Instant::now();
    while !fetch(page).contains(&last) {
        assert!(start.elapsed() < Duration::from_secs(60), "{page} never showed the last save");
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("{saves} saves {} ms apart in {:.1} s; the last one served", interval.as_millis(), saving.as_secs_f64());
    show("after the last save", usage(pid).unwrap());
    std::thread::sleep(after);
    show(&format!("{} s after the last save", after.as_secs()), usage(pid).unwrap());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    show("peak (sampled every 50 ms)", sampler.join().unwrap());
    for ((file, _), original) in steps.iter().zip(&originals) {
        std::fs::write(file, original).unwrap();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One step file (and its page) from each of `n` guides spread over the site.
fn pick_steps(site: &Path, n: usize) -> Vec<(PathBuf, String)> {
    let mut guides: Vec<PathBuf> = std::fs::read_dir(site.join("content"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_dir())
        .collect();
    guides.sort();
    assert!(!guides.is_empty(), "no guides under content/");
    let stride = (guides.len() / n).max(1);
    let mut picked = Vec::new();
    for guide in guides.iter().step_by(stride).take(n) {
        let mut steps: Vec<PathBuf> = std::fs::read_dir(guide)
            .unwrap()
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
            .collect();
        steps.sort();
        if let Some(step) = steps.get(steps.len() / 2) {
            let slug = guide.file_name().unwrap().to_string_lossy();
            let page = format!("{slug}/{}.html", step.file_stem().unwrap().to_string_lossy());
            picked.push((step.clone(), page));
        }
    }
    picked
}
