//! The compliance report written next to each template by `synth`:
//! `<stack>.compliance.{md,html,json,csv}`.
//!
//! Output must be the same bytes for the same input, so the report's clock
//! is `SOURCE_DATE_EPOCH` when set, else the time of the commit the config
//! file belongs to, and only outside a repository the wall clock. Inputs
//! are named relative to the output directory, so where it lives does not
//! change the report.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Context as _;
use policy_lint::output::Report;
use policy_lint::report::{self, InputFile, ReportMeta};

use crate::assembly::RenderedStack;
use crate::output::OutputFile;

/// The four report files for one linted stack.
pub fn report_files(
    stack: &RenderedStack,
    lint: &Report,
    config_path: &Path,
) -> anyhow::Result<Vec<OutputFile>> {
    let name = stack.file_name();
    let inputs = [InputFile::from_bytes(&name, &stack.template_json)];
    let meta = ReportMeta {
        stacks: vec![stack.name.clone()],
        git_commit: report::git_commit(config_path),
        generated_at: generation_time(config_path)?,
    };
    let compliance = report::build(&relative(lint, &name), &inputs, &meta);
    let stem = format!("{}.compliance", stack.name);
    let csv = report::render_csv(&compliance).context("cannot render the CSV report")?;
    let json = report::render_json(&compliance).context("cannot render the JSON report")?;
    Ok(vec![
        file(&stem, "md", report::render_markdown(&compliance)),
        file(&stem, "html", report::render_html(&compliance)),
        file(&stem, "json", json),
        file(&stem, "csv", csv),
    ])
}

/// The lint report with every file named by `name` alone.
fn relative(lint: &Report, name: &str) -> Report {
    let mut report = lint.clone();
    for finding in &mut report.findings {
        finding.file = name.into();
        // A metadata waiver is written in the same template.
        if let Some(record) = &mut finding.waiver_record {
            if record.source == policy_lint::waivers::WaiverSource::Metadata {
                record.file = name.into();
            }
        }
    }
    for diagnostic in &mut report.waiver_diagnostics {
        if diagnostic.source == policy_lint::waivers::WaiverSource::Metadata {
            diagnostic.file = name.into();
        }
    }
    report
}

fn file(stem: &str, extension: &str, contents: String) -> OutputFile {
    OutputFile {
        name: format!("{stem}.{extension}"),
        contents: contents.into_bytes(),
    }
}

/// `SOURCE_DATE_EPOCH`, else the commit time of the repository holding the
/// config file, else the clock.
fn generation_time(config_path: &Path) -> anyhow::Result<u64> {
    if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        return report::generation_time().context("invalid SOURCE_DATE_EPOCH");
    }
    if let Some(seconds) = commit_time(config_path) {
        return Ok(seconds);
    }
    report::generation_time().context("cannot read the clock")
}

fn commit_time(near: &Path) -> Option<u64> {
    let dir = near
        .ancestors()
        .find(|p| p.is_dir() && !p.as_os_str().is_empty())?;
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%ct"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    output
        .status
        .success()
        .then(|| text.trim().parse().ok())
        .flatten()
}
