//! `remedy check --external`: asks every `http(s)://` link's server whether the page
//! is there. Like `load` and `write`, this stage does I/O (the network and a cache
//! file); it is off by default and never part of `build`.
//!
//! Each distinct URL is asked once (HEAD, then GET when the server refuses HEAD), by
//! at most `concurrency` requests at a time, each within `timeout_seconds`. URLs
//! starting with a `skip` prefix are not asked. Successful answers are remembered in
//! `.remedy-cache/external-links.json` beside site.toml for `cache_hours`; failures
//! are asked again next time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::ExternalLinks;
use crate::diagnostics::{Code, Diagnostic, Pos};

pub const CACHE_FILE: &str = ".remedy-cache/external-links.json";

/// URL -> when it last answered with success (seconds since the Unix epoch).
type Cache = BTreeMap<String, u64>;

/// Checks the links; `links` are (page source, place, URL).
pub fn check(links: &[(String, Pos, String)], settings: &ExternalLinks, site_dir: &Path) -> Vec<Diagnostic> {
    let cache_path = site_dir.join(CACHE_FILE);
    let mut cache: Cache =
        std::fs::read(&cache_path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let fresh =
        |url: &str, cache: &Cache| cache.get(url).is_some_and(|&t| now.saturating_sub(t) < settings.cache_hours * 3600);

    let to_ask: Vec<String> = links
        .iter()
        .map(|(_, _, url)| url.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|url| !settings.skip.iter().any(|prefix| url.starts_with(prefix.as_str())))
        .filter(|url| !fresh(url, &cache))
        .collect();
    let failures = ask_all(to_ask.clone(), settings);

    for url in &to_ask {
        if !failures.contains_key(url) {
            cache.insert(url.clone(), now);
        }
    }
    if let Some(dir) = cache_path.parent() {
        // The cache only saves time: failing to write it is not worth a message.
        let _ = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&cache_path, serde_json::to_vec_pretty(&cache).unwrap_or_default()));
    }

    links
        .iter()
        .filter_map(|(source, pos, url)| {
            let why = failures.get(url)?;
            Some(Diagnostic::warning(source, *pos, Code::ExternalLink, format!("external link `{url}` {why}")))
        })
        .collect()
}

/// Asks each URL with a bounded pool of threads; returns the failures and why.
fn ask_all(urls: Vec<String>, settings: &ExternalLinks) -> BTreeMap<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(settings.timeout_seconds)))
        .http_status_as_error(false)
        .user_agent("remedy-link-check")
        .build()
        .into();
    let queue = Mutex::new(urls);
    let failures = Mutex::new(BTreeMap::new());
    let workers = settings.concurrency.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let Some(url) = queue.lock().expect("queue lock").pop() else { break };
                if let Err(why) = ask(&agent, &url) {
                    failures.lock().expect("failures lock").insert(url, why);
                }
            });
        }
    });
    failures.into_inner().expect("failures lock")
}

fn ask(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    let status = match agent.head(url).call() {
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => agent.get(url).call().map(|r| r.status()),
        other => other.map(|r| r.status()),
    };
    match status {
        Ok(s) if s.is_success() || s.is_redirection() => Ok(()),
        Ok(s) => Err(format!("answered {s}")),
        Err(ureq::Error::Timeout(_)) => Err("did not answer in time".into()),
        Err(e) => Err(format!("could not be reached: {e}")),
    }
}
