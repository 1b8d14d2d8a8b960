//! The `remedy` command: parses arguments, runs a command, prints diagnostics, and
//! sets the exit status (0 success, 1 content errors, 2 usage errors).

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use remedy::build::{self, Options};
use remedy::diagnostics::{Diagnostic, Severity};
use remedy::progress::Progress;
use remedy::report::{self, Format};
use remedy::{external, lang, load, scaffold, serve, write};

/// mimalloc: the build allocates many small strings from several threads at once,
/// where the system allocator spent about a fifth of the instructions (callgrind).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A build touches each page of memory a few times and is gone in seconds: with
/// transparent huge pages on (`always`, as on many servers), the kernel zeroes 2 MiB
/// for every small allocation that reaches fresh memory. Without them, a 100,000-step
/// build took a quarter less wall time and 14% less memory (benches/README.md).
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true); // an old kernel without it: nothing lost
}

#[derive(Parser)]
#[command(name = "remedy", version, about = "A static site generator for troubleshooting guides")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into its output folder (SITE_DIR/public by default)
    Build {
        /// The site folder, holding site.toml and content/
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Where to write the site (replaced as a whole on success)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Include pages whose front matter says `draft = true`
        #[arg(long)]
        drafts: bool,
        /// Replace the output folder even if remedy did not make it (never the site
        /// folder, its parents, or its source folders)
        #[arg(long)]
        force: bool,
    },
    /// Check the site as a build would, plus review checks; write nothing
    Check {
        /// The site folder, holding site.toml and content/
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// How to print diagnostics: human (with the source line), github (workflow
        /// annotations), json (one object a line)
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// Check drafts too
        #[arg(long)]
        drafts: bool,
        /// Also ask every http(s) link's server whether the page is there
        /// (settings: [external_links] in site.toml)
        #[arg(long)]
        external: bool,
        /// A steps.json from before (a release's, or public/steps.json of the last
        /// build): warn about every page it lists that is gone with no alias
        #[arg(long, value_name = "STEPS_JSON")]
        baseline: Option<PathBuf>,
    },
    /// Start a new guide or step from a template that lists every field
    New {
        #[command(subcommand)]
        what: New,
        /// The site folder
        #[arg(long, default_value = ".", global = true)]
        site: PathBuf,
    },
    /// Record that translations are up to date with their sources: set each one's
    /// `translated_from` to its source's hash, changing nothing else in the file
    Translated {
        /// Translation files, like content/<guide>/<step>.fr.md
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Build the site and serve it locally; rebuild what changes and reload open pages
    Serve {
        /// The site folder, holding site.toml and content/
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// The port to listen on (0 picks a free port and prints the URL)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; the default lets only this machine connect
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the default browser once it is served
        #[arg(long)]
        open: bool,
        /// Include pages whose front matter says `draft = true`
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Subcommand)]
enum New {
    /// Write content/<slug>/_index.md
    Guide {
        /// The guide's folder name: lowercase a-z, 0-9 and '-'
        slug: String,
        /// Write the guide's translation (content/<slug>/_index.<CODE>.md) from its
        /// _index.md instead: the text keys to translate, translated_from, the body
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
    },
    /// Write content/<guide>/<slug>.md
    Step {
        /// The guide's slug (its folder under content/)
        guide: String,
        /// The step's file name without .md: lowercase a-z, 0-9 and '-'
        slug: String,
        /// A step that must come before this one
        #[arg(long, value_name = "STEP", conflicts_with = "lang")]
        after: Option<String>,
        /// Write the step's translation (content/<guide>/<slug>.<CODE>.md) from the
        /// step instead: the text keys to translate, translated_from, the body
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
    },
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    match Cli::parse().command {
        Command::Build { site_dir, out, drafts, force } => cmd_build(site_dir, out, drafts, force),
        Command::Check { site_dir, format, strict, drafts, external, baseline } => {
            cmd_check(site_dir, format, strict, drafts, external, baseline)
        }
        Command::New { what, site } => cmd_new(&site, what),
        Command::Translated { files } => cmd_translated(&files),
        Command::Serve { site_dir, port, bind, open, drafts } => {
            cmd_serve(serve::Options { site_dir, include_drafts: drafts, bind, port, quiet: false }, open)
        }
    }
}

fn cmd_build(site_dir: PathBuf, out: Option<PathBuf>, drafts: bool, force: bool) -> ExitCode {
    let started = Instant::now();
    let out_dir = out.unwrap_or_else(|| site_dir.join("public"));
    if let Err(e) = write::check_out_dir(&site_dir, &out_dir, force) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let options = Options { site_dir, include_drafts: drafts };
    // A line on the terminal once the build has taken a second; cleared at the end.
    let progress = Progress::for_terminal();
    let outcome = build::build_with(&options, &out_dir, force, &progress);
    progress.finish();
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    let (errors, warnings) = count(&outcome.diagnostics);
    if outcome.output.is_none() {
        eprintln!("error: the build failed with {errors} error(s) and {warnings} warning(s); nothing was written");
        return ExitCode::from(1);
    }
    if warnings > 0 {
        eprintln!("{warnings} warning(s)");
    }
    let written = outcome.written.unwrap_or_default();
    eprintln!(
        "built {} pages into {} in {} ms ({} files written, {} unchanged)",
        outcome.pages,
        out_dir.display(),
        started.elapsed().as_millis(),
        written.written,
        written.reused
    );
    ExitCode::SUCCESS
}

fn cmd_check(
    site_dir: PathBuf,
    format: Format,
    strict: bool,
    drafts: bool,
    external: bool,
    baseline: Option<PathBuf>,
) -> ExitCode {
    let options = Options { site_dir: site_dir.clone(), include_drafts: drafts };
    let mut outcome = build::check(&options);
    if external {
        outcome.diagnostics.extend(external::check(&outcome.external_links, &outcome.config.external_links, &site_dir));
    }
    if let (Some(baseline), Some(output)) = (&baseline, &outcome.output) {
        let name = baseline.display().to_string();
        match std::fs::read_to_string(baseline) {
            Ok(old) => {
                let now = output.files.iter().map(|f| f.path.clone()).collect();
                outcome.diagnostics.extend(remedy::baseline::gone_pages(&name, &old, &now));
            }
            Err(e) => {
                eprintln!("error: cannot read the baseline {name}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    remedy::diagnostics::sort(&mut outcome.diagnostics);
    let source = |path: &str| load::read_text(&site_dir.join(path), path, outcome.config.max_file_size_kb * 1024).ok();
    let (errors, warnings) = count(&outcome.diagnostics);
    let failed = errors > 0 || (strict && warnings > 0);
    if format == Format::Human {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        eprint!("{}", report::human(&outcome.diagnostics, &source, color));
        match (errors, warnings) {
            (0, 0) => eprintln!("no problems found"),
            _ => eprintln!("{errors} error(s), {warnings} warning(s)"),
        }
    } else {
        print!("{}", report::format(format, &outcome.diagnostics, &source, false));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_new(site: &Path, what: New) -> ExitCode {
    let slugs: Vec<&str> = match &what {
        New::Guide { slug, .. } => vec![slug],
        New::Step { guide, slug, after, .. } => {
            [Some(guide.as_str()), Some(slug.as_str()), after.as_deref()].into_iter().flatten().collect()
        }
    };
    for slug in slugs {
        if let Some(message) = remedy::schema::bad_slug(slug) {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    let (path, text) = match &what {
        New::Guide { slug, lang: Some(code) } => match translation(site, &format!("content/{slug}/_index.md"), code) {
            Ok(file) => file,
            Err(code) => return code,
        },
        New::Step { guide, slug, lang: Some(code), .. } => {
            match translation(site, &format!("content/{guide}/{slug}.md"), code) {
                Ok(file) => file,
                Err(code) => return code,
            }
        }
        New::Guide { slug, lang: None } => (format!("content/{slug}/_index.md"), scaffold::guide(slug)),
        New::Step { guide, slug, after, lang: None } => {
            (format!("content/{guide}/{slug}.md"), scaffold::step(slug, after.as_deref()))
        }
    };
    if let New::Step { guide, lang: None, .. } = &what {
        if !site.join(format!("content/{guide}/_index.md")).is_file() {
            eprintln!("error: there is no guide `{guide}` (content/{guide}/_index.md); create it with `remedy new guide {guide}`");
            return ExitCode::from(1);
        }
    }
    let full = site.join(&path);
    if let Some(parent) = full.parent() {
        if let Err(e) = std::fs::create_dir_all(parent) {
            eprintln!("{}: error: cannot create the folder: {e}", parent.display());
            return ExitCode::from(1);
        }
    }
    // `create_new` refuses to overwrite, atomically.
    let written =
        OpenOptions::new().write(true).create_new(true).open(&full).and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) if matches!(what, New::Guide { lang: Some(_), .. } | New::Step { lang: Some(_), .. }) => {
            eprintln!("wrote {path}; translate it, then run `remedy check`");
            ExitCode::SUCCESS
        }
        Ok(()) => {
            eprintln!("wrote {path}; fill it in, then run `remedy check`");
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("{path}: error: the file already exists; remedy does not overwrite it");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{path}: error: cannot write: {e}");
            ExitCode::from(1)
        }
    }
}

/// `new ... --lang CODE`: the path and first text of `source`'s translation into
/// `code`, or the exit status after saying why not.
fn translation(site: &Path, source: &str, code: &str) -> Result<(String, String), ExitCode> {
    if !lang::is_code(code) {
        eprintln!("error: `{code}` is not a language code such as \"fr\" or \"pt-BR\"");
        return Err(ExitCode::from(2));
    }
    let (config, _) = build::read_config(site);
    if code == config.language {
        eprintln!(
            "error: `{code}` is the site's default language (`language` in site.toml): {source} is written in it"
        );
        return Err(ExitCode::from(2));
    }
    if config.language_named(code).is_none() {
        eprintln!("error: site.toml declares no language `{code}`; add a [languages.{code}] table (name, title, description) first");
        return Err(ExitCode::from(1));
    }
    let disk = site.join(source);
    if !disk.is_file() {
        eprintln!("error: there is no {source} to translate; write it first (`remedy new`)");
        return Err(ExitCode::from(1));
    }
    let text = load::read_text(&disk, source, config.max_file_size_kb * 1024).map_err(|d| {
        eprintln!("{d}");
        ExitCode::from(1)
    })?;
    match lang::skeleton::skeleton(source, &text) {
        Ok(skeleton) => Ok((lang::translation_path(source, code), skeleton)),
        Err(why) => {
            eprintln!("{source}: error: cannot translate it: {why}");
            Err(ExitCode::from(1))
        }
    }
}

/// `remedy translated FILE...`: sets each translation's `translated_from` to its
/// source's hash.
fn cmd_translated(files: &[PathBuf]) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for file in files {
        match mark_translated(file) {
            Ok(said) => eprintln!("{said}"),
            Err((code, message)) => {
                eprintln!("{}: error: {message}", file.display());
                status = ExitCode::from(code);
            }
        }
    }
    status
}

/// One file of `remedy translated`: what to say, or the exit status and why not. A
/// UTF-8 byte-order mark and every byte but the key's line are kept.
fn mark_translated(file: &Path) -> Result<String, (u8, String)> {
    let limit = remedy::config::DEFAULT_MAX_FILE_SIZE_KB * 1024;
    let name = file.display().to_string();
    let (source, code) = lang::split(&name);
    if code.is_none() {
        return Err((2, "not a translation: its name has no language code before .md (like step.fr.md)".into()));
    }
    if !Path::new(&source).is_file() {
        return Err((1, format!("its source {source} does not exist")));
    }
    let read =
        |path: &Path, name: &str| load::read_text(path, name, limit).map_err(|d| (1, format!("{name}: {}", d.message)));
    let hash = lang::stale::source_hash(&read(Path::new(&source), &source)?);
    let text = read(file, &name)?;
    let marked = lang::skeleton::mark_translated(&text, &hash).map_err(|why| (1, why))?;
    if marked != text {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let bom = if std::fs::read(file).is_ok_and(|b| b.starts_with(BOM)) { BOM } else { b"" };
        std::fs::write(file, [bom, marked.as_bytes()].concat()).map_err(|e| (1, format!("cannot write: {e}")))?;
    }
    Ok(format!("{name}: translated_from = \"{hash}\" (the text of {source})"))
}

/// Serves until interrupted. Ctrl-C ends the process at once, which is clean: serve
/// writes nothing to disk (the site is served from memory), so nothing is left behind.
fn cmd_serve(options: serve::Options, open: bool) -> ExitCode {
    let server = match serve::Server::start(&options) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    println!("Serving {} at {}  (Ctrl-C to stop)", options.site_dir.display(), server.url());
    if open {
        if let Err(e) = opener::open(server.url()) {
            eprintln!("warning: cannot open a browser: {e}");
        }
    }
    server.wait();
    ExitCode::SUCCESS
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    (errors, diagnostics.len() - errors)
}
