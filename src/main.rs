//! The `remedy` command: parses arguments, runs a command, prints diagnostics, and
//! sets the exit status (0 success, 1 content errors, 2 usage errors).

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use remedy::build::{self, Options};
use remedy::diagnostics::Severity;
use remedy::{serve, write};

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
        Command::Serve { site_dir, port, bind, open, drafts } => {
            serve(serve::Options { site_dir, include_drafts: drafts, bind, port, quiet: false }, open)
        }
    }
}

/// Serves until interrupted. Ctrl-C ends the process at once, which is clean: serve
/// writes nothing to disk (the site is served from memory), so nothing is left behind.
fn serve(options: serve::Options, open: bool) -> ExitCode {
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
