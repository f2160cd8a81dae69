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

use crate::baseline::Baseline;
use crate::config::Config;
use crate::finding::Severity;
use crate::limits_config::LimitArgs;
use crate::lint::{self, Options};
use crate::load;
use crate::output::{self, Report};
use crate::waivers::FileWaiver;

/// Exit code for a clean run.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when findings reach the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for bad input or usage.
pub const EXIT_INPUT: u8 = 2;

/// The formats `lint` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum OutputFormat {
    /// rustc-style diagnostics with the source line.
    Human,
    /// The documented JSON contract (`policy-lint schema`).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, for CI test-result dashboards.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl OutputFormat {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Junit => "junit",
            Self::Github => "github",
        }
    }

    /// The file name a format gets in `--output-dir`.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Human => "policy-lint.txt",
            Self::Json => "policy-lint.json",
            Self::Sarif => "policy-lint.sarif",
            Self::Junit => "policy-lint.junit.xml",
            Self::Github => "policy-lint.github.txt",
        }
    }

    /// Renders `report`; CI formats name files relative to `root`.
    pub fn render(self, report: &Report, root: &Path) -> String {
        match self {
            Self::Human => output::render_human(report),
            Self::Json => output::render_json(report),
            Self::Sarif => output::render_sarif(report, root),
            Self::Junit => output::render_junit(report, root),
            Self::Github => output::render_github(report, root),
        }
    }
}

/// One `--format` value: a format, and the file it goes to when given as
/// `FORMAT=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

impl std::str::FromStr for FormatSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (name, file) = match text.split_once('=') {
            Some((_, "")) => return Err(format!("`{text}` names no file after `=`")),
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (text, None),
        };
        let format = OutputFormat::from_str(name, true).map_err(|_| {
            format!("unknown format `{name}`: expected human, json, sarif, junit or github")
        })?;
        Ok(Self { format, file })
    }
}

/// Where one rendered format goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
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
    /// Output format: human, json, sarif, junit or github. Repeat it for
    /// several formats at once; `FORMAT=FILE` sends one format to FILE.
    /// At most one format may go to standard output.
    #[arg(
        long = "format",
        value_name = "FORMAT[=FILE]",
        default_value = "human",
        value_parser = clap::value_parser!(FormatSpec)
    )]
    pub formats: Vec<FormatSpec>,
    /// Write the one format that has no `=FILE` to FILE instead of standard
    /// output. Every file is written atomically: an interrupted run leaves
    /// no partial file.
    #[arg(long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write each format that has no `=FILE` into DIR (created if missing)
    /// as `policy-lint.{txt,json,sarif,junit.xml,github.txt}`.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Lowest severity that makes the run exit with 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Read settings from FILE instead of `policy-lint.toml` in the current
    /// directory (`policy-lint config-schema` prints its schema).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Suppress the failures and unknowns listed in FILE (written by
    /// `--write-baseline`), so that only new findings fail the run.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Write this run's failures and unknowns to FILE as a baseline; the
    /// run then reports and exits as if given `--baseline FILE`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Read reviewed waivers from FILE (repeatable), besides the files the
    /// config's `[waivers] files` names (`policy-lint waivers-schema` prints
    /// the format).
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
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
    #[command(flatten)]
    pub limits: LimitArgs,
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
    /// Read settings from FILE instead of `policy-lint.toml` in the current
    /// directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read reviewed waivers from FILE (repeatable), as `lint` does.
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The run's options: the config file named by `--config`, else
/// `policy-lint.toml` in the current directory when there is one.
pub fn options(config: Option<&Path>) -> anyhow::Result<Options> {
    // An empty directory keeps the discovered path relative, as the user
    // would write it in an error message.
    let (config, path) = crate::config_file::discover(config, Path::new(""))?;
    let waivers = config_waivers(&config, path.as_deref())?;
    let mut limits = load::Limits::default();
    config.limits.apply_to(&mut limits);
    Ok(Options {
        config,
        waivers,
        limits,
        ..Options::default()
    })
}

/// The waiver files the config names, relative to the config's directory.
fn config_waivers(config: &Config, path: Option<&Path>) -> anyhow::Result<Vec<FileWaiver>> {
    let dir = path.and_then(Path::parent).unwrap_or(Path::new(""));
    let files: Vec<PathBuf> = config.waivers.files.iter().map(|f| dir.join(f)).collect();
    load_waivers(&files)
}

/// Reads every waiver file in `files`, in order.
pub fn load_waivers(files: &[PathBuf]) -> anyhow::Result<Vec<FileWaiver>> {
    let mut waivers = Vec::new();
    for file in files {
        waivers.extend(crate::waivers::file::load(file)?);
    }
    Ok(waivers)
}

/// Runs `report`: writes the compliance reports and returns the exit code
/// `lint` would return for the same inputs.
pub fn run_report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if args.schema {
        print_stdout(&crate::report::json_schema())?;
        return Ok(ExitCode::from(EXIT_CLEAN));
    }
    let mut options = options(args.config.as_deref())?;
    options.waivers.extend(load_waivers(&args.waivers)?);
    args.limits.apply_to(&mut options.limits);
    let run = crate::report::report_paths(&args.paths, &options, &args.out)
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
    let outputs = destinations(args)?;
    let mut options = options(args.config.as_deref())?;
    options.waivers.extend(load_waivers(&args.waivers)?);
    args.limits.apply_to(&mut options.limits);
    let root = std::env::current_dir().context("cannot read the current directory")?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut report = lint::lint_paths(&args.paths, &options);
    if report.sources.is_empty() && report.input_errors.is_empty() {
        // A gate pointed at the wrong folder would pass forever in silence.
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "warning: no CloudFormation or Terraform template found in {}; nothing was checked",
            paths.join(", ")
        );
    }
    apply_baselines(args, baseline.as_ref(), &mut report, &root)?;
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (format, destination) in outputs {
        let text = format.render(&report, &root);
        match destination {
            Destination::File(path) => write_atomically(&path, text.as_bytes())?,
            Destination::Stdout => print_stdout(&text)?,
        }
    }
    Ok(exit_code(&report, args.fail_on))
}

/// Writes the baseline `--write-baseline` asks for and applies it, or
/// applies the one `--baseline` read, saying which entries are stale.
fn apply_baselines(
    args: &LintArgs,
    baseline: Option<&Baseline>,
    report: &mut Report,
    root: &Path,
) -> anyhow::Result<()> {
    if let Some(path) = &args.write_baseline {
        let written = Baseline::from_report(report, root);
        write_atomically(path, written.to_json().as_bytes())?;
        written.apply(report, root, &path.display().to_string());
    }
    if let (Some(baseline), Some(path)) = (baseline, &args.baseline) {
        let stale = baseline.apply(report, root, &path.display().to_string());
        if !stale.is_empty() {
            eprintln!(
                "note: {} entries of baseline {} match no finding any more; \
                 `--write-baseline` rewrites it without them",
                stale.len(),
                path.display()
            );
        }
    }
    Ok(())
}

/// Where each requested format goes, checked before any linting: at most
/// one format on standard output, and no two formats in one file.
pub fn destinations(args: &LintArgs) -> anyhow::Result<Vec<(OutputFormat, Destination)>> {
    let unnamed = args.formats.iter().filter(|s| s.file.is_none()).count();
    if args.output.is_some() && unnamed != 1 {
        anyhow::bail!("`--output` needs exactly one `--format` without `=FILE`, got {unnamed}");
    }
    if unnamed > 1 && args.output_dir.is_none() {
        anyhow::bail!(
            "{unnamed} formats would write to standard output: give each a file \
             (`--format sarif=FILE`) or use `--output-dir DIR`"
        );
    }
    let mut out: Vec<(OutputFormat, Destination)> = Vec::new();
    for spec in &args.formats {
        let destination = match (&spec.file, &args.output_dir, &args.output) {
            (Some(file), _, _) => Destination::File(file.clone()),
            (None, Some(dir), _) => Destination::File(dir.join(spec.format.file_name())),
            (None, None, Some(file)) => Destination::File(file.clone()),
            (None, None, None) => Destination::Stdout,
        };
        if let Some((other, _)) = out.iter().find(|(_, d)| *d == destination) {
            anyhow::bail!(
                "formats `{}` and `{}` would both write {}",
                other.as_str(),
                spec.format.as_str(),
                describe(&destination)
            );
        }
        out.push((spec.format, destination));
    }
    Ok(out)
}

fn describe(destination: &Destination) -> String {
    match destination {
        Destination::Stdout => "to standard output".to_owned(),
        Destination::File(path) => format!("to {}", path.display()),
    }
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
    let mut limits = load::Limits::default();
    args.limits.apply_to(&mut limits);
    let json = match crate::resolve::decode(&args.file, args.resolve, &limits) {
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
/// synced and renamed into place (and the directory synced), so readers
/// never see a partial file; see [`durable::write_file`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    durable::write_file(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
