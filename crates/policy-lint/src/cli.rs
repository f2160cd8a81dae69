//! The command-line surface shared by the `policy-lint` binary and
//! `stackwright lint`: argument types and the functions that run them.
//!
//! Exit codes are a contract: 0 clean, 1 findings at or above the
//! `--fail-on` threshold, 2 bad input or usage.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::finding::Severity;
use crate::lint::{self, Options};
use crate::load;
use crate::output::{self, Report};

/// Exit code for a clean run.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when findings reach the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for bad input or usage.
pub const EXIT_INPUT: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

/// Arguments of `lint`.
#[derive(Args, Debug)]
pub struct LintArgs {
    /// Files or directories to lint (directories are walked recursively,
    /// honouring .gitignore).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the output to FILE instead of standard output (atomically:
    /// an interrupted run leaves no partial file).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the run exit with 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

/// Arguments of `decode`.
#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// The template to decode.
    pub file: PathBuf,
    /// Also work out references, mappings, conditions and `Fn::ForEach` as
    /// far as the template allows.
    #[arg(long)]
    pub resolve: bool,
}

/// Arguments of `report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Templates or directories (walked as `lint` walks them). Each template
    /// gets its own report, named after the file: `expense.template.json`
    /// gives `expense.compliance.{md,html,json,csv}`.
    #[arg(required_unless_present = "schema", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Directory the reports are written into (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Lowest severity that makes the run exit with 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print the JSON Schema of the JSON report instead.
    #[arg(long, conflicts_with = "paths")]
    pub schema: bool,
}

/// Runs `report`: writes the compliance reports and returns the exit code
/// `lint` would return for the same inputs.
pub fn run_report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if args.schema {
        print_stdout(&crate::report::json_schema())?;
        return Ok(ExitCode::from(EXIT_CLEAN));
    }
    let run = crate::report::report_paths(&args.paths, &Options::default(), &args.out)
        .context("cannot write the compliance report")?;
    for e in &run.combined.input_errors {
        eprintln!("error: {}", e.message);
    }
    let written: String = run
        .written
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    print_stdout(&written)?;
    Ok(ExitCode::from(exit_code(&run.combined, args.fail_on)))
}

/// Runs `lint` and returns the exit code.
pub fn run_lint(args: &LintArgs) -> anyhow::Result<ExitCode> {
    lint_exit_code(args).map(ExitCode::from)
}

/// Runs `lint` and returns the exit code as a number.
pub fn lint_exit_code(args: &LintArgs) -> anyhow::Result<u8> {
    let report = lint::lint_paths(&args.paths, &Options::default());
    let text = match args.format {
        OutputFormat::Human => output::render_human(&report),
        OutputFormat::Json => output::render_json(&report),
    };
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => print_stdout(&text)?,
    }
    Ok(exit_code(&report, args.fail_on))
}

/// The exit code for a report: input errors win over findings.
pub fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if !report.input_errors.is_empty() {
        EXIT_INPUT
    } else if report.fails_at(threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Runs `decode`: prints the template as the linter reads it, as canonical
/// JSON with short-form tags in their long form (and, with `--resolve`,
/// evaluated as far as the template allows).
pub fn run_decode(args: &DecodeArgs) -> anyhow::Result<ExitCode> {
    decode_exit_code(args).map(ExitCode::from)
}

/// Runs `decode` and returns the exit code as a number.
pub fn decode_exit_code(args: &DecodeArgs) -> anyhow::Result<u8> {
    let json = match crate::resolve::decode(&args.file, args.resolve, &load::Limits::default()) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_INPUT);
        }
    };
    let mut text = serde_json::to_string_pretty(&json)?;
    text.push('\n');
    print_stdout(&text)?;
    Ok(EXIT_CLEAN)
}

fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// synced and renamed into place, so readers never see a partial file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
