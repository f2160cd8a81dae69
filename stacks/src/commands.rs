//! Runs one parsed subcommand and reports how it ended.
//!
//! Results go to stdout, diagnostics to stderr; `main` turns the returned [`Status`] or error
//! into the exit code.

use std::io::{self, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use stackwright::assembly::{self, RenderedStack};
use stackwright::{app, check, compliance, output, package};

use crate::cli::{Command, ConfigArgs, SynthArgs};

const STDOUT: &str = "cannot write to stdout";

/// How a command that did not fail with an error ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Success,
    CheckFailed,
    /// A linter command's own exit code (0 clean, 1 findings, 2 bad input).
    Exit(u8),
}

pub(crate) fn run(command: &Command) -> anyhow::Result<Status> {
    match command {
        Command::Synth(args) => synth(args),
        Command::Ls(args) => ls(args),
        Command::Schema => schema(),
        Command::Lint(args) => lint_command(args),
        Command::Decode(args) => decode_command(args),
    }
}

fn synth(args: &SynthArgs) -> anyhow::Result<Status> {
    let loaded = app::load_config(&config_path(&args.config)?)?;
    // Stack names and the config are checked before the (slow) build of the functions.
    app::select(app::synthesize(&loaded.config)?, &args.stack)?;
    let site = app::site_files(&loaded.config, &config_path(&args.config)?)?;
    let target_dir = package::build::target_dir();
    let bundles = if args.no_build {
        package::reuse(&args.out, &target_dir)?
    } else {
        package::build(package::Builder::detect(), &target_dir)?
    };
    let mut stacks = app::select(app::synthesize_with(&loaded.config, &bundles)?, &args.stack)?;
    app::attach_site_files(&mut stacks, site);

    let findings = check::check_stacks(&stacks);
    if !findings.is_empty() {
        report_findings(&findings, &args.out);
        return Ok(Status::CheckFailed);
    }
    let Some(reports) = lint_stacks(&stacks, &args.out) else {
        return Ok(Status::CheckFailed);
    };

    let config_path = config_path(&args.config)?;
    let mut report_files = Vec::new();
    for (stack, report) in stacks.iter().zip(&reports) {
        report_files.push(compliance::report_files(stack, report, &config_path)?);
    }
    let mut files = assembly::files_with_reports(&stacks, loaded.source, report_files);
    files.extend(bundles.files());
    output::replace_dir(&args.out, &files)
        .with_context(|| format!("cannot write output `{}`", args.out.display()))?;
    print_written(&args.out, &stacks).context(STDOUT)?;
    Ok(Status::Success)
}

/// Lints every synthesized template as it will be written, printing what
/// the linter reports; `None` when an error-level finding forbids writing.
fn lint_stacks(
    stacks: &[RenderedStack],
    out: &std::path::Path,
) -> Option<Vec<policy_lint::output::Report>> {
    let mut clean = true;
    let mut reports = Vec::new();
    for stack in stacks {
        let path = out.join(stack.file_name());
        let report = match check::lint_stack(&path, stack) {
            Ok(report) => report,
            Err(err) => {
                eprintln!("error: {err}");
                clean = false;
                continue;
            }
        };
        if report.reportable().next().is_some() {
            eprint!("{}", policy_lint::output::render_human(&report));
        }
        if report.fails_at(policy_lint::finding::Severity::Error) {
            eprintln!(
                "error: stack `{}` breaks error-level rules; `{}` was left unchanged",
                stack.name,
                out.display()
            );
            clean = false;
        }
        reports.push(report);
    }
    clean.then_some(reports)
}

fn lint_command(args: &policy_lint::cli::LintArgs) -> anyhow::Result<Status> {
    let code = policy_lint::cli::lint_exit_code(args)?;
    Ok(Status::Exit(code))
}

fn decode_command(args: &policy_lint::cli::DecodeArgs) -> anyhow::Result<Status> {
    let code = policy_lint::cli::decode_exit_code(args)?;
    Ok(Status::Exit(code))
}

fn report_findings(findings: &[check::Finding], out: &std::path::Path) {
    for finding in findings {
        eprintln!("error: {finding}");
    }
    eprintln!(
        "error: {} check finding(s); `{}` was left unchanged",
        findings.len(),
        out.display()
    );
}

fn print_written(out: &std::path::Path, stacks: &[RenderedStack]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for stack in stacks {
        let resources = stack
            .template
            .get("Resources")
            .and_then(serde_json::Value::as_object)
            .map_or(0, serde_json::Map::len);
        let path = out.join(stack.file_name());
        writeln!(stdout, "{}  {resources} resources", path.display())?;
    }
    writeln!(
        stdout,
        "{}",
        out.join(stackwright::manifest::FILE_NAME).display()
    )
}

fn ls(args: &ConfigArgs) -> anyhow::Result<Status> {
    let loaded = app::load_config(&config_path(args)?)?;
    let stacks = app::synthesize(&loaded.config)?;
    let mut stdout = io::stdout().lock();
    for stack in &stacks {
        writeln!(stdout, "{}", stack.name).context(STDOUT)?;
    }
    Ok(Status::Success)
}

fn schema() -> anyhow::Result<Status> {
    let json = assembly::render_json(&app::config_schema());
    io::stdout().lock().write_all(&json).context(STDOUT)?;
    Ok(Status::Success)
}

fn config_path(args: &ConfigArgs) -> anyhow::Result<PathBuf> {
    match &args.config {
        Some(path) => Ok(path.clone()),
        None => app::env_config_path(&args.env),
    }
}
