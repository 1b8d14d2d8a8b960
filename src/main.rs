//! The `remedy` command: parses arguments, runs a command, prints diagnostics, and
//! sets the exit status (0 success, 1 content errors, 2 usage errors).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use remedy::build::{self, Options};
use remedy::diagnostics::Severity;
use remedy::write;

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site_dir, out, drafts } => {
            let started = Instant::now();
            let out_dir = out.unwrap_or_else(|| site_dir.join("public"));
            let options = Options { site_dir: site_dir.clone(), include_drafts: drafts };
            if let Err(e) = write::check_out_dir(&site_dir, &out_dir) {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
            let outcome = build::build(&options, &out_dir);
            report(&outcome.diagnostics);
            if outcome.output.is_some() {
                eprintln!(
                    "built {} pages into {} in {} ms",
                    outcome.pages,
                    out_dir.display(),
                    started.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn report(diagnostics: &[remedy::diagnostics::Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        eprintln!("error: the build failed with {errors} error(s) and {warnings} warning(s); nothing was written");
    } else if warnings > 0 {
        eprintln!("{warnings} warning(s)");
    }
}
