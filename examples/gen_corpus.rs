//! Benchmark corpus generator: writes the same troubleshooting site three times,
//! for remedy, for Hugo and for mdBook, so that `benches/compare.sh` can build them
//! side by side.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --steps 10000 --steps-per-guide 20 --seed 42 --out /tmp/corpus-10k
//! ```
//!
//! writes `remedy/` (site.toml + content/), `hugo/` (hugo.toml + content/ + a minimal
//! layout with prev/next by `weight` and a JSON search index) and `mdbook/` (book.toml
//! + src/SUMMARY.md + chapters; mdBook's default search on).
//!
//! The corpus is N guides of M steps. Each step has a few hundred words of prose,
//! headings, lists, tables, GitHub alerts, fenced code in shell, JSON, Rust, Python and
//! YAML (with varied identifiers and numbers, so no cache can fake the work) and links
//! to other steps, their headings, and other guides. Everything comes from a small
//! seeded PRNG (splitmix64): the same arguments write the same bytes.
//!
//! The generator lives in this one file so that the integration tests can include it
//! (`tests/it/corpus.rs`) and build a small corpus in CI.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Total number of steps.
    pub steps: usize,
    /// Steps per guide (the last guide may have fewer).
    pub steps_per_guide: usize,
    pub seed: u64,
    /// The folder that receives `remedy/`, `hugo/` and `mdbook/`.
    pub out: PathBuf,
    /// Which corpora to write.
    pub remedy: bool,
    pub hugo: bool,
    pub mdbook: bool,
}

impl Options {
    pub fn new(steps: usize, out: impl Into<PathBuf>) -> Options {
        Options { steps, steps_per_guide: 20, seed: 42, out: out.into(), remedy: true, hugo: true, mdbook: true }
    }
}

/// splitmix64: tiny, fast, and good enough for making text.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct indices of `0..n`, in the order drawn.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k.min(n));
        all
    }
}

const TOPICS: &[&str] = &[
    "Wi-Fi",
    "printer",
    "VPN",
    "backup",
    "mail sync",
    "Bluetooth",
    "disk space",
    "login",
    "calendar sync",
    "video call",
    "database connection",
    "build server",
    "package manager",
    "SSH access",
    "TLS certificate",
    "web server",
    "DNS lookup",
    "audio output",
    "screen sharing",
    "software update",
];
const PROBLEMS: &[&str] = &[
    "keeps disconnecting",
    "stops working after an update",
    "is very slow",
    "fails with an error",
    "does not start",
    "hangs partway",
    "reports the wrong status",
    "works only sometimes",
];
const PLATFORMS: &[&str] =
    &["Windows", "macOS", "Linux", "Android", "iPhone", "Chromebook", "a home server", "a shared office laptop"];
const VERBS: &[&str] = &[
    "Restart",
    "Check",
    "Reset",
    "Update",
    "Reinstall",
    "Clear",
    "Disable",
    "Inspect",
    "Renew",
    "Rebuild",
    "Remove",
    "Test",
    "Flush",
    "Replace",
    "Repair",
    "Reconfigure",
    "Verify",
    "Compare",
];
const OBJECTS: &[&str] = &[
    "the network adapter",
    "the cache",
    "the service",
    "the configuration file",
    "the driver",
    "the user profile",
    "the certificate store",
    "the proxy settings",
    "the firewall rules",
    "the DNS resolver",
    "the power settings",
    "the app data",
    "the system clock",
    "the saved credentials",
    "the log files",
    "the router",
    "the account token",
    "the index",
    "the plugin list",
    "the environment variables",
];
const HEADINGS: &[&str] = &[
    "Before you begin",
    "Check the settings",
    "Find the log file",
    "Apply the change",
    "Confirm it worked",
    "If it still fails",
    "What this changes",
    "Collect the details",
    "Compare the versions",
    "Undo the change",
    "Read the error message",
    "Look for a pattern",
    "Try it from another device",
    "Write down what you see",
    "Clean up afterwards",
    "Why this helps",
];
const NOUNS: &[&str] = &[
    "connection",
    "status light",
    "error code",
    "log entry",
    "settings page",
    "version number",
    "timeout",
    "retry counter",
    "cached copy",
    "background task",
    "account",
    "network name",
    "update",
    "permission",
    "folder",
];
const ADJECTIVES: &[&str] = &[
    "current",
    "old",
    "default",
    "expected",
    "latest",
    "custom",
    "shared",
    "local",
    "remote",
    "temporary",
    "hidden",
    "previous",
];
const APPS: &[&str] = &[
    "Settings",
    "Control Panel",
    "System Settings",
    "Terminal",
    "Task Manager",
    "Activity Monitor",
    "Network Preferences",
    "Device Manager",
];
const SERVICES: &[&str] = &[
    "nginx",
    "sshd",
    "cups",
    "postgresql",
    "docker",
    "bluetooth",
    "networkmanager",
    "systemd-resolved",
    "cron",
    "redis",
];
const IDENTS: &[&str] = &[
    "retry", "timeout", "buffer", "session", "token", "queue", "socket", "profile", "cache", "handle", "worker",
    "lease", "route", "window", "batch", "record",
];
const DURATIONS: &[&str] = &["1 min", "2 min", "5 min", "10 min", "15 min", "30 min", "1 h"];

const SENTENCES: &[&str] = &[
    "Open **{app}** and look at {obj}.",
    "The {adj} {noun} tells you whether {obj} is the cause.",
    "If the {noun} shows a number above {n}, write it down before you go on.",
    "This usually takes about {n} seconds, but on a busy machine it can take longer.",
    "Many people skip this check, and it is the most common reason the problem comes back.",
    "You do not need to be an administrator for this part.",
    "Leave the device connected to power while you work through this step.",
    "When {obj} is in a bad state, the {noun} often stays at its {adj} value.",
    "Take a screenshot of the {noun} so you can compare it later.",
    "If you manage several devices, repeat this on each one that shows the symptom.",
    "The {adj} {noun} is kept separately from {obj}, so this does not touch your files.",
    "Wait until the {noun} changes before you close **{app}**.",
    "On some versions the option is called `{ident}_{n}` instead.",
    "Nothing you do here deletes your documents, photos or messages.",
    "If the {noun} does not change after {n} minutes, move on to the next section.",
    "Check the {noun} once more: a {adj} value here points to {obj}.",
    "This is safe to try even if you are not sure it applies to you.",
    "Support staff will ask for the {noun}, so keep it somewhere handy.",
    "The change takes effect right away; you do not need to restart.",
    "Some organizations lock {obj}; if the option is greyed out, ask your administrator.",
];
const ITEMS: &[&str] = &[
    "Open **{app}**.",
    "Select {obj} in the list.",
    "Choose **{verb}** and confirm.",
    "Wait until the {noun} reads `{ident}: ok`.",
    "Close **{app}** and try again.",
    "Note the {adj} {noun}.",
    "Run the command below and keep its output.",
    "Sign in again if you are asked to.",
    "Turn the device off, wait {n} seconds, and turn it on.",
];

/// Fills the `{slot}`s of a template.
fn fill(rng: &mut Rng, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("slots are closed");
        match &rest[start + 1..end] {
            "app" => out.push_str(rng.pick(APPS)),
            "obj" => out.push_str(rng.pick(OBJECTS)),
            "adj" => out.push_str(rng.pick(ADJECTIVES)),
            "noun" => out.push_str(rng.pick(NOUNS)),
            "verb" => out.push_str(rng.pick(VERBS)),
            "ident" => out.push_str(rng.pick(IDENTS)),
            "n" => {
                let n = rng.range(2, 600);
                write!(out, "{n}").expect("writing to a String");
            }
            other => panic!("unknown slot {other}"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
}

fn paragraph(rng: &mut Rng, sentences: usize, out: &mut String) {
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        let t = rng.pick(SENTENCES);
        fill(rng, t, out);
    }
    out.push_str("\n\n");
}

/// `Check the settings` -> `check-the-settings`, as remedy, Hugo and mdBook all do
/// for headings made of letters and spaces.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Risk {
    Safe,
    Caution,
    Destructive,
}

impl Risk {
    fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Caution => "caution",
            Risk::Destructive => "destructive",
        }
    }
}

struct StepPlan {
    slug: String,
    title: String,
    headings: Vec<&'static str>,
    risk: Risk,
}

struct GuidePlan {
    slug: String,
    title: String,
    topic: &'static str,
    steps: Vec<StepPlan>,
}

/// A link target: a guide, and maybe one of its steps and a heading.
struct Target<'a> {
    guide: &'a str,
    step: Option<&'a str>,
    anchor: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    Remedy,
    Hugo,
    MdBook,
}

/// The destination of a link from a page of guide `from`, as each tool wants it.
fn href(flavor: Flavor, from: &str, t: &Target<'_>) -> String {
    let anchor = t.anchor.as_deref().map_or(String::new(), |a| format!("#{a}"));
    let index = match flavor {
        Flavor::Remedy => "_index.md",
        Flavor::Hugo => "_index.md",
        Flavor::MdBook => "index.md",
    };
    let file = match t.step {
        Some(s) => format!("{s}.md"),
        None => index.to_string(),
    };
    match flavor {
        Flavor::Remedy | Flavor::MdBook if t.guide == from => format!("{file}{anchor}"),
        Flavor::Remedy | Flavor::MdBook => format!("../{}/{file}{anchor}", t.guide),
        Flavor::Hugo => format!("{{{{< relref \"/{}/{file}{anchor}\" >}}}}", t.guide),
    }
}

fn plan(opts: &Options) -> Vec<GuidePlan> {
    let mut rng = Rng::new(opts.seed);
    let per = opts.steps_per_guide.max(1);
    let guides = opts.steps.div_ceil(per);
    let mut out = Vec::with_capacity(guides);
    for g in 0..guides {
        let n = per.min(opts.steps - g * per);
        let topic = rng.pick(TOPICS);
        let title = format!("{} {} on {}", title_case(topic), rng.pick(PROBLEMS), rng.pick(PLATFORMS));
        let slug = format!("g{:05}-{}", g + 1, slugify(topic));
        let mut steps = Vec::with_capacity(n);
        for i in 0..n {
            let title = format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS));
            let slug = format!("s{:03}-{}", i + 1, slugify(&title));
            let k = rng.range(2, 4);
            let headings = rng.distinct(HEADINGS.len(), k).into_iter().map(|h| HEADINGS[h]).collect();
            // Least invasive first: safe, then caution, and the last step sometimes
            // destructive (so no safer step ever follows a destructive one).
            let risk = if i + 1 == n && n > 2 && rng.chance(50) {
                Risk::Destructive
            } else if i * 10 >= n * 6 {
                Risk::Caution
            } else {
                Risk::Safe
            };
            steps.push(StepPlan { slug, title, headings, risk });
        }
        out.push(GuidePlan { slug, title, topic, steps });
    }
    out
}

fn code_block(rng: &mut Rng, out: &mut String) {
    let lang = rng.pick(&["shell", "json", "rust", "python", "yaml"]);
    let ident = rng.pick(IDENTS);
    let service = rng.pick(SERVICES);
    let n = rng.range(1, 9000);
    let m = rng.range(1, 500);
    writeln!(out, "```{lang}").expect("writing to a String");
    let body = match lang {
        "shell" => format!(
            "sudo systemctl restart {service}\njournalctl -u {service} --since \"{m} minutes ago\" | grep -i {ident}\ncurl -fsS http://localhost:{n}/health || echo \"{service} is down\"\nexport {}_TIMEOUT={m}\n",
            ident.to_uppercase()
        ),
        "json" => format!(
            "{{\n  \"service\": \"{service}\",\n  \"{ident}\": {{ \"limit\": {n}, \"retries\": {m}, \"enabled\": {} }},\n  \"tags\": [\"{ident}-{m}\", \"{service}\"],\n  \"ratio\": {}.{:02}\n}}\n",
            n.is_multiple_of(2),
            m % 7,
            n % 100
        ),
        "rust" => format!(
            "use std::time::Duration;\n\n/// Waits for the {service} {ident} to come back.\nfn wait_for_{ident}(attempts: u32) -> Result<Duration, String> {{\n    let step = Duration::from_millis({n});\n    for i in 0..attempts.min({m}) {{\n        if probe_{ident}(i) {{\n            return Ok(step * i);\n        }}\n    }}\n    Err(format!(\"{service} did not answer after {{attempts}} tries\"))\n}}\n"
        ),
        "python" => format!(
            "import json\nimport subprocess\n\n\ndef check_{ident}(limit={n}):\n    \"\"\"Reports the {ident} state of {service}.\"\"\"\n    out = subprocess.run([\"systemctl\", \"status\", \"{service}\"], capture_output=True, text=True)\n    ok = out.returncode == 0 and limit > {m}\n    print(json.dumps({{\"{ident}\": ok, \"limit\": limit}}))\n    return ok\n"
        ),
        _ => format!(
            "{service}:\n  {ident}:\n    limit: {n}\n    retries: {m}\n    enabled: {}\n  paths:\n    - /var/lib/{service}/{ident}-{m}\n    - /etc/{service}/conf.d\n",
            !n.is_multiple_of(3)
        ),
    };
    out.push_str(&body);
    out.push_str("```\n\n");
}

fn table(rng: &mut Rng, out: &mut String) {
    out.push_str("| Setting | Expected | What to do if it differs |\n| --- | --- | --- |\n");
    for _ in 0..rng.range(3, 5) {
        let ident = rng.pick(IDENTS);
        let n = rng.range(1, 999);
        let verb = rng.pick(VERBS).to_lowercase();
        let obj = rng.pick(OBJECTS);
        writeln!(out, "| `{ident}` | {n} | {} {obj} |", title_case(&verb)).expect("writing to a String");
    }
    out.push('\n');
}

fn alert(rng: &mut Rng, out: &mut String) {
    let kind = rng.pick(&["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]);
    writeln!(out, "> [!{kind}]").expect("writing to a String");
    out.push_str("> ");
    let mut text = String::new();
    paragraph(rng, 2, &mut text);
    out.push_str(text.trim_end());
    out.push_str("\n\n");
}

/// The body of step `i` of guide `g`, with links written for `flavor`. The text only
/// depends on the seed, `g` and `i`.
fn step_body(flavor: Flavor, opts: &Options, guides: &[GuidePlan], g: usize, i: usize) -> String {
    let mut rng = Rng::new(opts.seed ^ ((g as u64) << 32 | i as u64).wrapping_mul(0x2545_F491));
    let guide = &guides[g];
    let step = &guide.steps[i];
    let mut out = String::with_capacity(4096);
    paragraph(&mut rng, 4, &mut out);
    // A link to a neighbour's heading, to a later step, and sometimes to another guide.
    for (h, heading) in step.headings.iter().enumerate() {
        writeln!(out, "## {heading}\n").expect("writing to a String");
        let sentences = rng.range(3, 5);
        paragraph(&mut rng, sentences, &mut out);
        match rng.below(3) {
            0 => {
                for k in 0..rng.range(3, 5) {
                    write!(out, "{}. ", k + 1).expect("writing to a String");
                    let t = rng.pick(ITEMS);
                    fill(&mut rng, t, &mut out);
                    out.push('\n');
                }
                out.push('\n');
            }
            1 => {
                for _ in 0..rng.range(2, 4) {
                    out.push_str("- ");
                    let t = rng.pick(SENTENCES);
                    fill(&mut rng, t, &mut out);
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => table(&mut rng, &mut out),
        }
        if rng.chance(60) {
            code_block(&mut rng, &mut out);
        }
        if rng.chance(30) {
            alert(&mut rng, &mut out);
        }
        // Links: the heading of another step of this guide, or the guide, or
        // another guide.
        if guide.steps.len() > 1 {
            let j = (i + 1 + rng.below(guide.steps.len() - 1)) % guide.steps.len();
            let other = &guide.steps[j];
            let target_heading = rng.pick(&other.headings);
            let t = Target { guide: &guide.slug, step: Some(&other.slug), anchor: Some(slugify(target_heading)) };
            writeln!(
                out,
                "See also [{}]({}) in the step \"{}\".\n",
                target_heading.to_lowercase(),
                href(flavor, &guide.slug, &t),
                other.title
            )
            .expect("writing to a String");
        }
        if h == 0 && rng.chance(30) {
            let other = &guides[rng.below(guides.len())];
            let t = Target { guide: &other.slug, step: None, anchor: None };
            writeln!(out, "A similar symptom is covered in [{}]({}).\n", other.title, href(flavor, &guide.slug, &t))
                .expect("writing to a String");
        }
    }
    let t = Target { guide: &guide.slug, step: None, anchor: Some("still-not-fixed".into()) };
    writeln!(
        out,
        "If none of this helped, read [what to do when it is still not fixed]({}).",
        href(flavor, &guide.slug, &t)
    )
    .expect("writing to a String");
    out
}

struct StepMeta {
    summary: String,
    time: &'static str,
    side_effects: Vec<String>,
    prerequisites: Vec<String>,
    tags: Vec<String>,
    after: Option<String>,
}

fn step_meta(opts: &Options, guides: &[GuidePlan], g: usize, i: usize) -> StepMeta {
    let mut rng = Rng::new(!opts.seed ^ ((g as u64) << 32 | i as u64).wrapping_mul(0x9E37_79B9));
    let step = &guides[g].steps[i];
    let mut summary = String::new();
    fill(&mut rng, "Make sure {obj} is not what keeps the {noun} from working.", &mut summary);
    let side_effects = if step.risk == Risk::Safe {
        Vec::new()
    } else {
        let mut e = vec![format!("You may need to sign in again to {}", rng.pick(APPS))];
        if step.risk == Risk::Destructive {
            e.push(format!("Erases {} and everything in it", rng.pick(OBJECTS)));
        }
        e
    };
    let prerequisites = if rng.chance(30) { vec![format!("Access to {}", rng.pick(APPS))] } else { Vec::new() };
    let after = (i > 0 && rng.chance(25)).then(|| guides[g].steps[i - 1].slug.clone());
    StepMeta {
        summary,
        time: rng.pick(DURATIONS),
        side_effects,
        prerequisites,
        tags: vec![slugify(guides[g].topic), (rng.pick(IDENTS)).to_string()],
        after,
    }
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn guide_intro(flavor: Flavor, opts: &Options, guides: &[GuidePlan], g: usize) -> String {
    let mut rng = Rng::new(opts.seed.rotate_left(17) ^ g as u64);
    let guide = &guides[g];
    let mut out = String::new();
    paragraph(&mut rng, 5, &mut out);
    out.push_str("## Before you start\n\n");
    for _ in 0..3 {
        out.push_str("- ");
        let t = rng.pick(SENTENCES);
        fill(&mut rng, t, &mut out);
        out.push('\n');
    }
    if let Some(first) = guide.steps.first() {
        let t = Target { guide: &guide.slug, step: Some(&first.slug), anchor: None };
        writeln!(out, "- Start with [the first step]({}).", href(flavor, &guide.slug, &t))
            .expect("writing to a String");
    }
    out.push_str("\n## Still not fixed?\n\n");
    paragraph(&mut rng, 4, &mut out);
    out
}

fn guide_front(opts: &Options, guides: &[GuidePlan], g: usize) -> (String, Vec<String>, String) {
    let mut rng = Rng::new(opts.seed.rotate_left(29) ^ g as u64);
    let guide = &guides[g];
    let summary = format!("What to do when the {} {}.", guide.topic, rng.pick(PROBLEMS));
    let symptoms = (0..3)
        .map(|_| {
            let mut s = String::new();
            fill(&mut rng, "The {noun} stays at its {adj} value", &mut s);
            s
        })
        .collect();
    let error = format!("Error {}: {} could not be completed.", rng.range(100, 999), title_case(rng.pick(NOUNS)));
    (summary, symptoms, error)
}

const HOME_TEXT: &str = "Each guide takes one common problem and walks through the fixes in order, from the least invasive to the most drastic. Every step says how risky it is and how long it takes.\n";

/// Writes the corpora that `opts` asks for.
pub fn generate(opts: &Options) -> io::Result<()> {
    let guides = plan(opts);
    if opts.remedy {
        write_remedy(opts, &guides, &opts.out.join("remedy"))?;
    }
    if opts.hugo {
        write_hugo(opts, &guides, &opts.out.join("hugo"))?;
    }
    if opts.mdbook {
        write_mdbook(opts, &guides, &opts.out.join("mdbook"))?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)
}

fn write_remedy(opts: &Options, guides: &[GuidePlan], dir: &Path) -> io::Result<()> {
    write(
        &dir.join("site.toml"),
        "title = \"Benchmark corpus\"\ndescription = \"Generated troubleshooting guides.\"\nlanguage = \"en\"\n",
    )?;
    let content = dir.join("content");
    write(
        &content.join("_index.md"),
        &format!("+++\ntitle = \"Benchmark corpus\"\ndescription = \"Generated troubleshooting guides.\"\n+++\n\n{HOME_TEXT}"),
    )?;
    for (g, guide) in guides.iter().enumerate() {
        let (summary, symptoms, error) = guide_front(opts, guides, g);
        let text = format!(
            "+++\ntitle = {:?}\nsummary = {:?}\nsymptoms = {}\nerror_messages = [{:?}]\n+++\n\n{}",
            guide.title,
            summary,
            toml_list(&symptoms),
            error,
            guide_intro(Flavor::Remedy, opts, guides, g)
        );
        write(&content.join(&guide.slug).join("_index.md"), &text)?;
        for (i, step) in guide.steps.iter().enumerate() {
            let m = step_meta(opts, guides, g, i);
            let mut text = format!("+++\ntitle = {:?}\norder = {}\n", step.title, (i + 1) * 10);
            if let Some(after) = &m.after {
                writeln!(text, "after = [{after:?}]").expect("writing to a String");
            }
            writeln!(text, "summary = {:?}\nrisk = {:?}\ntime = {:?}", m.summary, step.risk.as_str(), m.time)
                .expect("writing to a String");
            if !m.side_effects.is_empty() {
                writeln!(text, "side_effects = {}", toml_list(&m.side_effects)).expect("writing to a String");
            }
            if !m.prerequisites.is_empty() {
                writeln!(text, "prerequisites = {}", toml_list(&m.prerequisites)).expect("writing to a String");
            }
            writeln!(text, "tags = {}\n+++\n", toml_list(&m.tags)).expect("writing to a String");
            text.push_str(&step_body(Flavor::Remedy, opts, guides, g, i));
            write(&content.join(&guide.slug).join(format!("{}.md", step.slug)), &text)?;
        }
    }
    Ok(())
}

const HUGO_CONFIG: &str = r#"baseURL = "http://localhost/"
title = "Benchmark corpus"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]

[outputs]
home = ["HTML", "JSON"]

[markup.highlight]
codeFences = true
noClasses = false

[markup.tableOfContents]
startLevel = 2
endLevel = 3

[markup.goldmark.renderer]
unsafe = false
"#;

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<nav class="breadcrumbs"><a href="{{ "/" | relURL }}">Home</a> › <a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></nav>
<article class="step">
<h1>{{ .Title }}</h1>
<p class="meta-row"><span class="risk risk-{{ .Params.risk }}">{{ .Params.risk | humanize }}</span>{{ with .Params.time }} <span class="step-time">Time: {{ . }}</span>{{ end }}</p>
{{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Params.side_effects }}<div class="panel"><p>Before you start: this step has side effects</p><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul></div>{{ end }}
{{ with .Params.prerequisites }}<div class="panel"><p>You need</p><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul></div>{{ end }}
<nav class="toc">{{ .TableOfContents }}</nav>
{{ .Content }}
</article>
{{- /* Prev/next by weight, found by position (Pages.Next/Prev changed direction across Hugo versions). */ -}}
{{ $pages := .CurrentSection.Pages.ByWeight }}
{{ $at := 0 }}{{ range $i, $p := $pages }}{{ if eq $p $ }}{{ $at = $i }}{{ end }}{{ end }}
<nav class="pager">
{{ if gt $at 0 }}{{ with index $pages (sub $at 1) }}<a rel="prev" href="{{ .RelPermalink }}">Previous: {{ .Title }}</a>{{ end }}{{ end }}
{{ if lt (add $at 1) (len $pages) }}{{ with index $pages (add $at 1) }}<a rel="next" href="{{ .RelPermalink }}">Next: {{ .Title }}</a>{{ end }}{{ end }}
</nav>
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Params.symptoms }}<ul class="symptoms">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
<ol class="steps">
{{ range .Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="risk risk-{{ .Params.risk }}">{{ .Params.risk }}</span> {{ .Params.time }}</li>
{{ end }}
</ol>
{{ end }}
"#;

const HUGO_HOME: &str = r#"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ .Content }}
<ul class="guides">
{{ range .Sections.ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }} steps)</li>
{{ end }}
</ul>
{{ end }}
"#;

/// The search index, the usual way for a Hugo site (read by lunr or Fuse in the browser).
const HUGO_INDEX_JSON: &str = r#"{{- $index := slice -}}
{{- range .Site.RegularPages -}}
{{- $index = $index | append (dict "title" .Title "url" .RelPermalink "section" .Section "summary" .Params.summary "content" .Plain) -}}
{{- end -}}
{{- $index | jsonify -}}
"#;

fn write_hugo(opts: &Options, guides: &[GuidePlan], dir: &Path) -> io::Result<()> {
    write(&dir.join("hugo.toml"), HUGO_CONFIG)?;
    let layouts = dir.join("layouts");
    write(&layouts.join("_default/baseof.html"), HUGO_BASEOF)?;
    write(&layouts.join("_default/single.html"), HUGO_SINGLE)?;
    write(&layouts.join("_default/list.html"), HUGO_LIST)?;
    write(&layouts.join("index.html"), HUGO_HOME)?;
    write(&layouts.join("index.json"), HUGO_INDEX_JSON)?;
    write(&dir.join("static/style.css"), "body { font-family: sans-serif; max-width: 48rem; margin: auto; }\n")?;
    let content = dir.join("content");
    write(&content.join("_index.md"), &format!("+++\ntitle = \"Benchmark corpus\"\n+++\n\n{HOME_TEXT}"))?;
    for (g, guide) in guides.iter().enumerate() {
        let (summary, symptoms, error) = guide_front(opts, guides, g);
        let text = format!(
            "+++\ntitle = {:?}\nweight = {}\nsummary = {:?}\nsymptoms = {}\nerror_messages = [{:?}]\n+++\n\n{}",
            guide.title,
            g + 1,
            summary,
            toml_list(&symptoms),
            error,
            guide_intro(Flavor::Hugo, opts, guides, g)
        );
        write(&content.join(&guide.slug).join("_index.md"), &text)?;
        for (i, step) in guide.steps.iter().enumerate() {
            let m = step_meta(opts, guides, g, i);
            let mut text = format!(
                "+++\ntitle = {:?}\nweight = {}\nsummary = {:?}\nrisk = {:?}\ntime = {:?}\n",
                step.title,
                (i + 1) * 10,
                m.summary,
                step.risk.as_str(),
                m.time
            );
            if !m.side_effects.is_empty() {
                writeln!(text, "side_effects = {}", toml_list(&m.side_effects)).expect("writing to a String");
            }
            if !m.prerequisites.is_empty() {
                writeln!(text, "prerequisites = {}", toml_list(&m.prerequisites)).expect("writing to a String");
            }
            writeln!(text, "tags = {}\n+++\n", toml_list(&m.tags)).expect("writing to a String");
            text.push_str(&step_body(Flavor::Hugo, opts, guides, g, i));
            write(&content.join(&guide.slug).join(format!("{}.md", step.slug)), &text)?;
        }
    }
    Ok(())
}

fn write_mdbook(opts: &Options, guides: &[GuidePlan], dir: &Path) -> io::Result<()> {
    write(
        &dir.join("book.toml"),
        "[book]\ntitle = \"Benchmark corpus\"\nlanguage = \"en\"\nsrc = \"src\"\n\n[output.html]\n\n[output.html.search]\nenable = true\n",
    )?;
    let src = dir.join("src");
    let mut summary = String::from("# Summary\n\n[Benchmark corpus](README.md)\n\n");
    write(&src.join("README.md"), &format!("# Benchmark corpus\n\n{HOME_TEXT}"))?;
    for (g, guide) in guides.iter().enumerate() {
        let (gsummary, symptoms, error) = guide_front(opts, guides, g);
        writeln!(summary, "- [{}]({}/index.md)", guide.title, guide.slug).expect("writing to a String");
        let mut text = format!("# {}\n\n{gsummary}\n\nSymptoms:\n\n", guide.title);
        for s in &symptoms {
            writeln!(text, "- {s}").expect("writing to a String");
        }
        writeln!(text, "\nError message: `{error}`\n").expect("writing to a String");
        text.push_str(&guide_intro(Flavor::MdBook, opts, guides, g));
        write(&src.join(&guide.slug).join("index.md"), &text)?;
        for (i, step) in guide.steps.iter().enumerate() {
            let m = step_meta(opts, guides, g, i);
            writeln!(summary, "  - [{}]({}/{}.md)", step.title, guide.slug, step.slug).expect("writing to a String");
            let mut text = format!(
                "# {}\n\n**Risk:** {} · **Time:** {}\n\n{}\n\n",
                step.title,
                step.risk.as_str(),
                m.time,
                m.summary
            );
            for e in &m.side_effects {
                writeln!(text, "- Side effect: {e}").expect("writing to a String");
            }
            if !m.side_effects.is_empty() {
                text.push('\n');
            }
            text.push_str(&step_body(Flavor::MdBook, opts, guides, g, i));
            write(&src.join(&guide.slug).join(format!("{}.md", step.slug)), &text)?;
        }
    }
    write(&src.join("SUMMARY.md"), &summary)
}

fn usage() -> ! {
    eprintln!("usage: gen_corpus --steps N [--steps-per-guide M] [--seed S] --out DIR [--only remedy|hugo|mdbook]");
    std::process::exit(2)
}

#[allow(dead_code)] // the tests include this file for `generate` alone
fn main() {
    let mut args = std::env::args().skip(1);
    let mut opts = Options::new(1000, "");
    let mut out = None;
    let mut only: Option<String> = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--steps" => opts.steps = value().parse().unwrap_or_else(|_| usage()),
            "--steps-per-guide" => opts.steps_per_guide = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => opts.seed = value().parse().unwrap_or_else(|_| usage()),
            "--out" => out = Some(PathBuf::from(value())),
            "--only" => only = Some(value()),
            _ => usage(),
        }
    }
    opts.out = out.unwrap_or_else(|| usage());
    if let Some(only) = only {
        opts.remedy = only == "remedy";
        opts.hugo = only == "hugo";
        opts.mdbook = only == "mdbook";
    }
    if let Err(e) = generate(&opts) {
        eprintln!("gen_corpus: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "wrote {} steps in {} guides to {}",
        opts.steps,
        opts.steps.div_ceil(opts.steps_per_guide.max(1)),
        opts.out.display()
    );
}
