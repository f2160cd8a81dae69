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
use crate::{aws_commands, release_commands};

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
        Command::Deploy(args) => aws_commands::deploy(args),
        Command::Diff(args) => aws_commands::diff(args),
        Command::Destroy(args) => aws_commands::destroy(args),
        Command::Verify(args) => aws_commands::verify(args),
        Command::Rollback(args) => release_commands::rollback(args),
    }
}

fn synth(args: &SynthArgs) -> anyhow::Result<Status> {
    Ok(match synth_and_write(args)? {
        Some(_) => Status::Success,
        None => Status::CheckFailed,
    })
}

/// Synthesizes, checks, lints and writes the output directory (what `synth` does); the
/// written stacks, or `None` when the check or an error-level lint finding stopped it.
pub(crate) fn synth_and_write(args: &SynthArgs) -> anyhow::Result<Option<Vec<RenderedStack>>> {
    let loaded = app::load_config(&config_path(&args.config)?)?;
    let target = args.target.target();
    // Stack names and the config are checked before the (slow) build of the functions.
    let placeholders = package::Bundles::default();
    app::select(
        app::synthesize_for(&loaded.config, &placeholders, target)?,
        &args.stack,
    )?;
    let site = app::site_files(&loaded.config, &config_path(&args.config)?)?;
    let target_dir = package::build::target_dir();
    let bundles = if args.no_build {
        package::reuse(&args.out, &target_dir)?
    } else {
        package::build(package::Builder::detect(), &target_dir)?
    };
    let mut stacks = app::select(
        app::synthesize_for(&loaded.config, &bundles, target)?,
        &args.stack,
    )?;
    app::attach_site_files(&mut stacks, site);

    let findings = check::check_stacks(&stacks);
    if !findings.is_empty() {
        report_findings(&findings, &args.out);
        return Ok(None);
    }
    let Some(reports) = lint_stacks(&stacks, &args.out, target) else {
        return Ok(None);
    };

    let config_path = config_path(&args.config)?;
    let mut report_files = Vec::new();
    if target.writes_cfn() {
        for (stack, report) in stacks.iter().zip(&reports) {
            report_files.push(compliance::report_files(stack, report, &config_path)?);
        }
    }
    let mut files = assembly::files_with_reports(&stacks, loaded.source, report_files, target);
    files.extend(bundles.files());
    output::replace_dir(&args.out, &files)
        .with_context(|| format!("cannot write output `{}`", args.out.display()))?;
    print_written(&args.out, &stacks, target).context(STDOUT)?;
    Ok(Some(stacks))
}

/// Lints every synthesized template and Terraform configuration as it will be written,
/// printing what the linter reports; `None` when an error-level finding forbids writing. The
/// reports returned are the CloudFormation ones (the compliance report's input).
fn lint_stacks(
    stacks: &[RenderedStack],
    out: &std::path::Path,
    target: assembly::Target,
) -> Option<Vec<policy_lint::output::Report>> {
    let mut clean = true;
    let mut reports = Vec::new();
    for stack in stacks {
        if target.writes_tf() {
            let path = out.join(stack.terraform_file_name());
            clean &= lint_one(&stack.name, out, check::lint_terraform(&path, stack)).is_some();
        }
        if target.writes_cfn() {
            let path = out.join(stack.file_name());
            match lint_one(&stack.name, out, check::lint_stack(&path, stack)) {
                Some(report) => reports.push(report),
                None => clean = false,
            }
        }
    }
    clean.then_some(reports)
}

/// Prints one lint report; `None` when it could not be made or has error-level findings.
fn lint_one(
    stack: &str,
    out: &std::path::Path,
    report: Result<policy_lint::output::Report, policy_lint::load::LoadError>,
) -> Option<policy_lint::output::Report> {
    let report = match report {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return None;
        }
    };
    if report.reportable().next().is_some() {
        eprint!("{}", policy_lint::output::render_human(&report));
    }
    if report.fails_at(policy_lint::finding::Severity::Error) {
        eprintln!(
            "error: stack `{stack}` breaks error-level rules; `{}` was left unchanged",
            out.display()
        );
        return None;
    }
    Some(report)
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

fn print_written(
    out: &std::path::Path,
    stacks: &[RenderedStack],
    target: assembly::Target,
) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for stack in stacks {
        if target.writes_cfn() {
            let resources = stack
                .template
                .get("Resources")
                .and_then(serde_json::Value::as_object)
                .map_or(0, serde_json::Map::len);
            let path = out.join(stack.file_name());
            writeln!(stdout, "{}  {resources} resources", path.display())?;
        }
        if let Some(terraform) = stack.terraform.as_ref().filter(|_| target.writes_tf()) {
            let resources = terraform.config["resource"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, by_name)| by_name.as_object().map_or(0, serde_json::Map::len))
                .sum::<usize>();
            let path = out.join(stack.terraform_file_name());
            writeln!(stdout, "{}  {resources} resources", path.display())?;
        }
    }
    writeln!(
        stdout,
        "{}",
        out.join(stackwright::manifest::FILE_NAME).display()
    )
}

fn ls(args: &ConfigArgs) -> anyhow::Result<Status> {
    let loaded = app::load_config(&config_path(args)?)?;
    let none = package::Bundles::default();
    let stacks = app::synthesize_for(&loaded.config, &none, assembly::Target::Cfn)?;
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

pub(crate) fn config_path(args: &ConfigArgs) -> anyhow::Result<PathBuf> {
    match &args.config {
        Some(path) => Ok(path.clone()),
        None => app::env_config_path(&args.env),
    }
}
