//! The compliance report: every control of the security model with its
//! status and evidence, for a security reviewer rather than for CI.
//!
//! [`build`] turns the linter's [`Report`] (passes included) into the
//! [`ComplianceReport`] model; one renderer per format prints the model
//! ([`render_markdown`], [`render_html`], [`render_json`], [`render_csv`]);
//! [`write_reports`] writes all four atomically. The stacks CLI and
//! `policy-lint report` both go through [`write_reports`].

mod build;
mod csv;
mod html;
mod json;
mod markdown;
mod meta;
mod model;
mod run;
mod text;
mod write;

pub use self::csv::{CSV_COLUMNS, render_csv};
pub use build::build;
pub use html::render_html;
pub use json::{json_schema, render_json};
pub use markdown::render_markdown;
pub use meta::{ReportMeta, generation_time, git_commit, rfc3339, ruleset, sha256_hex};
pub use model::*;
pub use run::{ReportRun, report_paths, stem_of};
pub use write::EXTENSIONS;

use std::path::{Path, PathBuf};

use crate::finding::Status;
use crate::output::Report;

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("SOURCE_DATE_EPOCH `{value}` is not a whole number of seconds since 1970")]
    SourceDateEpoch { value: String },
    #[error("report name `{stem}` is not a plain file name")]
    Stem { stem: String },
    #[error(
        "{} and {} would both write `{stem}.compliance.*`; report them into separate directories",
        first.display(),
        second.display()
    )]
    SameStem {
        stem: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("cannot write the report into {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: durable::DurableError,
    },
    #[error("cannot render the CSV report")]
    Csv(#[from] ::csv::Error),
    #[error("cannot render the JSON report")]
    Json(#[from] serde_json::Error),
}

/// Builds the compliance report for `report` and writes
/// `<stem>.compliance.{md,html,json,csv}` into `out_dir` (created if
/// missing), returning the paths in that order.
///
/// `inputs` names the templates the findings came from, with the SHA-256 of
/// the bytes that were linted ([`InputFile::from_bytes`]); `meta` carries the
/// stacks, the git commit and the generation time
/// ([`ReportMeta::detect`] reads them the usual way). All four files are
/// rendered and written durably before any is renamed into place, so an
/// error leaves the previous set (or none) untouched; see
/// [`durable::write_set`] for what a crash leaves.
pub fn write_reports(
    report: &Report,
    inputs: &[InputFile],
    meta: &ReportMeta,
    out_dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, ReportError> {
    check_stem(stem)?;
    let model = build(report, inputs, meta);
    let contents = [
        render_markdown(&model),
        render_html(&model),
        render_json(&model)?,
        render_csv(&model)?,
    ];
    let files: Vec<(String, String)> = EXTENSIONS
        .iter()
        .zip(contents)
        .map(|(ext, content)| (format!("{stem}.compliance.{ext}"), content))
        .collect();
    write::write_all(out_dir, stem, files)
}

/// A stem must name a file in `out_dir`, not a path out of it.
fn check_stem(stem: &str) -> Result<(), ReportError> {
    let plain =
        !stem.is_empty() && stem != "." && stem != ".." && !stem.contains(['/', '\\', '\0']);
    if plain {
        Ok(())
    } else {
        Err(ReportError::Stem {
            stem: stem.to_owned(),
        })
    }
}

/// The report's title: the stacks it covers.
fn title_of(report: &ComplianceReport) -> String {
    match report.header.stacks.as_slice() {
        [] => "Compliance report".to_owned(),
        stacks => format!("Compliance report: {}", stacks.join(", ")),
    }
}

/// `file:line`, the way reviewers paste it into an editor.
fn location(file: &Path, line: u32) -> String {
    format!("{}:{line}", file.display())
}

/// The note of an evaluation: the rule's message, the conditions it holds
/// under, and a waiver's reason. Identifiers stay in backticks.
fn evidence_note(e: &Evidence) -> String {
    let mut note = e.message.clone();
    if !e.conditions.is_empty() {
        let when: Vec<String> = e
            .conditions
            .iter()
            .map(|a| format!("`{}` = {}", a.condition.replace('`', "'"), a.value))
            .collect();
        note.push_str(&format!(" (when {})", when.join(", ")));
    }
    match (&e.waiver_record, &e.waiver) {
        (Some(record), _) if record.refused.is_some() => {
            note.push_str(&format!("; not waived: {}", record.describe()));
        }
        (_, Some(reason)) => note.push_str(&format!("; waived: {reason}")),
        _ => {}
    }
    note
}

/// The word for one evaluation's outcome, in the report's vocabulary.
fn finding_label(status: Status) -> &'static str {
    match status {
        Status::Fail => "failed",
        Status::Unknown => "unknown",
        Status::Suppressed => "waived",
        Status::Pass => "passed",
    }
}

/// What to say under a control that has no evidence rows.
fn no_evidence_note(c: &ControlSection) -> Option<&'static str> {
    match c.status {
        ControlStatus::Manual => None,
        ControlStatus::Passed => Some("The rules found no problem in the templates."),
        _ => Some("No resource in the templates is of a kind these rules check."),
    }
}
