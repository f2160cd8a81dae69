//! The human format, in the style of rustc and ruff: location, rule,
//! message, the source line with a caret, and a hint.

use std::fmt::Write as _;

use super::Report;
use crate::finding::{Finding, Status};
use crate::rules;
use crate::waivers::WaiverDiagnostic;

/// Renders failures, unknowns and suppressions, then a summary line.
pub fn render_human(report: &Report) -> String {
    let mut out = String::new();
    for error in &report.input_errors {
        let _ = writeln!(
            out,
            "error: {}:{}:{}: {}\n",
            error.file.display(),
            error.line,
            error.column,
            error.message
        );
    }
    for finding in report.reportable() {
        render_finding(&mut out, report, finding);
    }
    for diagnostic in &report.waiver_diagnostics {
        render_diagnostic(&mut out, diagnostic);
    }
    let s = report.summary();
    let _ = write!(
        out,
        "{} file(s): {} error(s), {} warning(s), {} unknown, {} suppressed, {} passed",
        s.files, s.errors, s.warnings, s.unknown, s.suppressed, s.passed
    );
    // Only runs that have waiver diagnostics say so, keeping the line as it
    // was for everyone else.
    if !report.waiver_diagnostics.is_empty() {
        let _ = write!(
            out,
            "; {} waiver problem(s)",
            report.waiver_diagnostics.len()
        );
    }
    out.push('\n');
    out
}

fn render_diagnostic(out: &mut String, d: &WaiverDiagnostic) {
    let _ = writeln!(
        out,
        "{}[waiver-{}]: {}",
        d.severity.as_str(),
        d.kind.as_str(),
        d.message
    );
    let _ = writeln!(out, " --> {}:{}:{}", d.file.display(), d.line, d.column);
    let _ = writeln!(out, "  = written in the {}\n", d.source.as_str());
}

fn render_finding(out: &mut String, report: &Report, f: &Finding) {
    let label = match f.status {
        Status::Unknown => "unknown",
        Status::Suppressed => "suppressed",
        _ => f.severity.as_str(),
    };
    let _ = writeln!(out, "{label}[{}]: {}", f.rule, f.message);
    let number = f.line.to_string();
    let pad = " ".repeat(number.len());
    let _ = writeln!(out, "{pad}--> {}:{}:{}", f.file.display(), f.line, f.column);
    if let Some(line) = source_line(report, f) {
        let caret = " ".repeat(f.column.saturating_sub(1) as usize);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{number} | {line}");
        let _ = writeln!(out, "{pad} | {caret}^");
    }
    let mut context = if f.resource.is_empty() {
        "the template".to_owned()
    } else {
        format!("{} `{}`", f.resource_type, f.resource)
    };
    if let Some(path) = &f.path {
        let _ = write!(context, " at `{path}`");
    }
    let _ = writeln!(out, "{pad} = resource: {context}, control {}", f.control);
    if !f.conditions.is_empty() {
        let conds: Vec<String> = f
            .conditions
            .iter()
            .map(|a| format!("{}={}", a.condition, a.value))
            .collect();
        let _ = writeln!(out, "{pad} = holds when: {}", conds.join(", "));
    }
    if let Some(record) = &f.waiver_record {
        let label = if record.refused.is_some() {
            "not waived"
        } else {
            "waived"
        };
        let _ = writeln!(out, "{pad} = {label}: {}", record.describe());
    } else if let Some(reason) = &f.waiver {
        let _ = writeln!(out, "{pad} = waived: {reason}");
    }
    let help = rules::find(f.rule).filter(|_| f.status != Status::Suppressed);
    if let Some(rule) = help {
        let _ = writeln!(out, "{pad} = help: {}", rule.meta.remediation);
    }
    out.push('\n');
}

fn source_line<'a>(report: &'a Report, f: &Finding) -> Option<&'a str> {
    let text = report.sources.get(&f.file)?;
    let index = usize::try_from(f.line).ok()?.checked_sub(1)?;
    text.lines().nth(index).map(|l| l.trim_end_matches('\r'))
}
