//! `search_benchmark` (ignored by `cargo test`; run by benches/search.sh): the bytes a
//! built site's first query loads, and query latency in headless Chromium.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;

use super::queries::Labelled;
use super::{ran, runner_page, Ran};
use crate::browser::{file_url, serve, Browser};

/// Measures a built site (`REMEDY_BENCH_SITE`) for benches/search.sh: the bytes a
/// first query loads from an empty cache (search.js and the index files, raw and
/// gzipped file by file as a compressing server sends them), and query latency
/// over http without virtual time. Prints a report.
#[test]
#[ignore = "a benchmark: run by benches/search.sh"]
fn search_benchmark() {
    let browser = Browser::find().expect("chromium");
    let site = PathBuf::from(std::env::var("REMEDY_BENCH_SITE").expect("REMEDY_BENCH_SITE"));
    // One query a line: `KIND<TAB>query`. Kinds `exact`, `prefix`, `typo`, `phrase`
    // and `word` (a phrase's words unquoted) are timed; `cold` only measured cold.
    let lines: Vec<(String, String)> = std::env::var("REMEDY_BENCH_QUERIES")
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(k, q)| (k.to_string(), q.to_string()))
                .collect()
        })
        .expect("REMEDY_BENCH_QUERIES");
    let script = std::fs::read(site.join("search.js")).unwrap();
    let (script_raw, script_gz) = (script.len(), gzip_len(&script));
    println!("search.js: {script_raw} B raw, {script_gz} B gzip (counted in every cold query below)");
    // Cold: the `cold` queries and two of each other kind, each alone in a fresh browser.
    let mut samples: Vec<&String> = lines.iter().filter(|(k, _)| k == "cold").map(|(_, q)| q).collect();
    samples.extend(
        ["exact", "prefix", "typo", "phrase"]
            .iter()
            .flat_map(|kind| lines.iter().filter(move |(k, _)| k == kind).take(2).map(|(_, q)| q)),
    );
    let (mut raws, mut gzs) = (Vec::new(), Vec::new());
    for (i, q) in samples.into_iter().enumerate() {
        let page = browser.open(
            &file_url(&site.join(runner_page(&site, &format!("cold{i}"), std::slice::from_ref(q), false, false))),
            30_000,
        );
        let r = ran(&page).remove(0);
        let bytes: Vec<Vec<u8>> = r.files.iter().map(|f| std::fs::read(site.join("search").join(f)).unwrap()).collect();
        let raw = script_raw + bytes.iter().map(Vec::len).sum::<usize>();
        let gz = script_gz + bytes.iter().map(|b| gzip_len(b)).sum::<usize>();
        let docs = r.files.iter().filter(|f| f.starts_with("d-")).count();
        println!(
            "cold query {:?}: {} files ({docs} result texts), {raw} B raw, {gz} B gzip; {:.0} ms; results {:?}",
            q,
            r.files.len() + 1,
            r.cold,
            &r.urls[..r.urls.len().min(3)]
        );
        raws.push(raw);
        gzs.push(gz);
    }
    raws.sort_unstable();
    gzs.sort_unstable();
    println!(
        "cold bytes over {} queries: median {} B raw, {} B gzip; max {} B raw, {} B gzip",
        raws.len(),
        raws[raws.len() / 2],
        gzs[gzs.len() / 2],
        raws[raws.len() - 1],
        gzs[gzs.len() - 1]
    );
    // Latency: the timed queries, each twice (the second is timed), over http, real time.
    let timed: Vec<&(String, String)> = lines.iter().filter(|(k, _)| k != "cold").collect();
    let queries: Vec<String> = timed.iter().map(|(_, q)| q.clone()).collect();
    let (base, results) = serve(site.clone(), "bench");
    let page = runner_page(&site, "latency", &queries, true, true);
    // Its own process group, so that the browser and all its helpers can be ended.
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("/usr/bin/chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{base}{page}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let json = results.recv_timeout(std::time::Duration::from_secs(300));
    let _ = std::process::Command::new("kill").arg("--").arg(format!("-{}", child.id())).status();
    let _ = child.wait();
    let json = json.expect("the runner posts its results");
    let ran: Vec<Ran> = serde_json::from_str(&json).unwrap();
    let mut all: Vec<f64> = Vec::new();
    for kind in ["exact", "prefix", "typo", "word", "phrase"] {
        let mut ms: Vec<f64> = ran.iter().zip(&timed).filter(|(_, (k, _))| k == kind).map(|(r, _)| r.ms).collect();
        if ms.is_empty() {
            continue;
        }
        all.extend(&ms);
        ms.sort_by(f64::total_cmp);
        let p = |x: f64| ms[((ms.len() as f64 * x).ceil() as usize).clamp(1, ms.len()) - 1];
        println!(
            "latency {kind}: {} queries, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            ms.len(),
            p(0.5),
            p(0.95),
            p(1.0)
        );
    }
    all.sort_by(f64::total_cmp);
    let p95 = all[((all.len() as f64 * 0.95).ceil() as usize).clamp(1, all.len()) - 1];
    println!("latency, every repeat query: {} queries, p50 {:.2} ms, p95 {:.2} ms", all.len(), all[all.len() / 2], p95);
    let mut slow: Vec<&Ran> = ran.iter().collect();
    slow.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    let slow: Vec<String> = slow.iter().take(5).map(|r| format!("{:?} {:.1} ms", r.q, r.ms)).collect();
    println!("slowest: {}", slow.join(", "));
    let mut colds: Vec<f64> = ran.iter().map(|r| r.cold).collect();
    colds.sort_by(f64::total_cmp);
    println!("first run of each query (shards loading): p50 {:.1} ms", colds[colds.len() / 2]);
    let empty = ran.iter().filter(|r| r.urls.is_empty()).count();
    println!("queries without results: {empty}/{}", ran.len());
    // Labelled queries for this site (REMEDY_BENCH_LABELS, a file like
    // tests/search_queries.toml), for sites built by another remedy binary.
    if let Some(labels) = std::env::var("REMEDY_BENCH_LABELS").ok().filter(|l| !l.is_empty()) {
        let labelled: Labelled = toml::from_str(&std::fs::read_to_string(&labels).unwrap()).unwrap();
        let texts: Vec<String> = labelled.query.iter().map(|q| q.q.clone()).collect();
        let page = browser.open(&file_url(&site.join(runner_page(&site, "labels", &texts, false, false))), 60_000);
        let ran = self::ran(&page);
        let hits = |n: usize| {
            labelled
                .query
                .iter()
                .zip(&ran)
                .filter(move |(l, r)| r.urls.iter().take(n).any(|u| u.split('#').next() == Some(l.expect.as_str())))
        };
        let misses: Vec<String> = labelled
            .query
            .iter()
            .zip(&ran)
            .filter(|(l, r)| !r.urls.iter().take(3).any(|u| u.split('#').next() == Some(l.expect.as_str())))
            .map(|(l, _)| format!("{:?}", l.q))
            .collect();
        println!(
            "labelled queries ({labels}): {}/{} in the top 3, {} first; out of the top 3: {}",
            hits(3).count(),
            ran.len(),
            hits(1).count(),
            misses.join(", ")
        );
    }
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}
