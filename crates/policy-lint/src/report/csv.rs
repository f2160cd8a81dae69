//! The CSV report in the shape of cdk-nag's `NagReport` CSV, so reviewers'
//! spreadsheets keep working: its six columns first, then ours.
//!
//! One row per evaluation, passes included, in control order. Cells that
//! carry template text are defused against spreadsheet formula injection.

use super::ReportError;
use super::model::{ComplianceReport, ControlSection, Evidence, ResourceEvidence};
use super::{evidence_note, location};
use crate::finding::{Severity, Status};

/// The header row: cdk-nag's columns, then stackwright's.
pub const CSV_COLUMNS: &[&str] = &[
    "Rule ID",
    "Resource ID",
    "Compliance",
    "Exception Reason",
    "Rule Level",
    "Rule Info",
    "Control",
    "Resource Type",
    "Property Path",
    "Observed",
    "Detail",
    "Location",
    "Note",
];

/// Renders one row per evaluation.
pub fn render_csv(report: &ComplianceReport) -> Result<String, ReportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS)?;
    for control in &report.controls {
        for group in &control.evidence {
            for item in &group.items {
                writer.write_record(row(control, group, item))?;
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportError::Csv(e.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn row(control: &ControlSection, group: &ResourceEvidence, e: &Evidence) -> [String; 13] {
    let rule_info = control
        .rules
        .iter()
        .find(|r| r.id == e.rule)
        .map_or("", |r| r.title.as_str());
    let opt = |v: &Option<String>| defuse(v.as_deref().unwrap_or_default());
    [
        defuse(&e.rule),
        defuse(&group.resource),
        compliance(e.status).to_owned(),
        opt(&e.waiver),
        level(e.severity).to_owned(),
        defuse(rule_info),
        defuse(&control.id),
        defuse(&group.resource_type),
        opt(&e.path),
        opt(&e.observed),
        opt(&e.detail),
        defuse(&location(&e.file, e.line)),
        defuse(&evidence_note(e)),
    ]
}

/// cdk-nag's compliance words.
fn compliance(status: Status) -> &'static str {
    match status {
        Status::Pass => "Compliant",
        Status::Fail => "Non-Compliant",
        Status::Suppressed => "Suppressed",
        Status::Unknown => "UNKNOWN",
    }
}

/// cdk-nag's rule levels.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) gets a leading apostrophe, as OWASP advises: the
/// report is opened by exactly the people a hostile template would target.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}
