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

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut site = None;
    let mut edits = 25usize;
    let mut kind = "body".to_string();
    let mut bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/remedy");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => edits = args.next().and_then(|v| v.parse().ok()).expect("--edits N"),
            "--kind" => kind = args.next().expect("--kind body|title"),
            "--bin" => bin = PathBuf::from(args.next().expect("--bin PATH")),
            _ => site = Some(PathBuf::from(arg)),
        }
    }
    let site = site.expect("usage: serve_latency SITE_DIR [--edits N] [--kind body|title] [--bin PATH]");
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
