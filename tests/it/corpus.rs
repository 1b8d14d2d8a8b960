//! The benchmark corpus generator (`examples/gen_corpus.rs`) in CI: a 200-step corpus
//! builds with no diagnostic at all, and the parallel build is byte-identical to a
//! build on one thread.

use std::path::PathBuf;

use remedy::build::{self, Options};
use remedy::model::Output;

#[path = "../../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// A fresh folder under the system's temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("remedy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn corpus(name: &str, steps: usize) -> (TempDir, Options) {
    let dir = TempDir::new(name);
    let mut opts = gen_corpus::Options::new(steps, &dir.0);
    opts.hugo = false;
    opts.mdbook = false;
    gen_corpus::generate(&opts).expect("the generator writes the corpus");
    let options = Options { site_dir: dir.0.join("remedy"), include_drafts: false };
    (dir, options)
}

#[test]
fn generated_corpus_builds_without_diagnostics() {
    let (_dir, options) = corpus("corpus-smoke", 200);
    let outcome = build::run(&options);
    let diags: Vec<String> = outcome.diagnostics.iter().map(ToString::to_string).collect();
    assert!(diags.is_empty(), "{diags:#?}");
    let output = outcome.output.as_ref().expect("it builds");
    let terms =
        output.files.iter().filter(|f| f.path.starts_with("tags/") || f.path.starts_with("applies-to/")).count();
    assert!(terms > 0, "the corpus has tags, so tag pages");
    // 200 steps, 10 guides and their print pages, the home page, steps.html, 404.html
    // and search.html, and the tag and device pages.
    assert_eq!(outcome.pages, 200 + 10 + 10 + 4 + terms);
}

#[test]
fn generator_is_deterministic() {
    let a = TempDir::new("corpus-det-a");
    let b = TempDir::new("corpus-det-b");
    for dir in [&a, &b] {
        gen_corpus::generate(&gen_corpus::Options::new(30, &dir.0)).expect("generates");
    }
    let files = |root: &PathBuf| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<(PathBuf, Vec<u8>)> = walk(root)
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).expect("readable");
                (p.strip_prefix(root).expect("under root").to_path_buf(), bytes)
            })
            .collect();
        out.sort();
        out
    };
    let (fa, fb) = (files(&a.0), files(&b.0));
    assert!(fa.len() > 3 * 30, "{} files", fa.len());
    assert!(fa == fb, "two runs with the same seed differ");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn build_on(threads: usize, options: &Options) -> Output {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    let outcome = pool.install(|| build::run(options));
    outcome.output.expect("the corpus builds")
}

#[test]
fn parallel_output_is_identical_to_serial_output() {
    let (_dir, options) = corpus("corpus-parallel", 120);
    let serial = build_on(1, &options);
    let parallel = build_on(4, &options);
    assert_eq!(serial.files.len(), parallel.files.len());
    for (s, p) in serial.files.iter().zip(&parallel.files) {
        assert_eq!(s.path, p.path);
        assert!(s.contents == p.contents, "{} differs", s.path);
    }
    assert_eq!(serial.copies, parallel.copies);
}

/// One sentence added to one step of a 300-step corpus (the edit `benches/compare.sh`
/// makes; 751 output files) rewrites 25 files: the step's page, its guide's print
/// page, its search document (`search/d-N.js`), the search manifest and a vocabulary
/// file, and the shards and positions files of the words the sentence adds, plus the
/// shards after them whose first key moved (shards are cut by size). Not the shards of
/// the section's other words: the index rounds section lengths (`search::index`), so
/// their impacts stay. The bound is 30; the rebuild's output is a clean build's.
#[test]
fn a_one_sentence_edit_rewrites_a_few_files() {
    let (dir, options) = corpus("corpus-edit", 300);
    let out = dir.0.join("out");
    let first = build::build(&options, &out, false);
    assert!(first.diagnostics.is_empty() && first.output.is_some(), "{:?}", first.diagnostics);
    // The middle step, as benches/compare.sh picks it.
    let mut steps: Vec<PathBuf> = walk(&options.site_dir.join("content"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    steps.sort();
    let step = steps[steps.len().div_ceil(2) - 1].clone();
    let text = std::fs::read_to_string(&step).expect("the step exists");
    let sentence = "If none of this helped, note the time it happened and try again later.";
    std::fs::write(&step, format!("{text}\n{sentence}\n")).unwrap();
    let edited = build::build(&options, &out, false);
    let written = edited.written.expect("it builds").written;
    assert!((2..=30).contains(&written), "{written} files written");

    let clean = dir.0.join("clean");
    assert!(build::build(&options, &clean, false).output.is_some());
    assert_eq!(crate::support::read_tree(&out), crate::support::read_tree(&clean));
}
