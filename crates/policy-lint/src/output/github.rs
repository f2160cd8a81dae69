//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per finding, which GitHub shows as an annotation on the
//! file and line in the pull request.
//!
//! Failures take the rule's severity (info becomes `notice`); an unknown is
//! a `warning` titled `RULE (unknown)`; a waived finding is a `notice`
//! titled `RULE (waived)` whose message gives the reason, so a reviewer sees
//! each exception where it applies. Input errors are `error` lines; a
//! waiver that matched nothing or covers an unwaivable rule is a `warning`
//! (an `error` under `fail-on-unused`) on the line the waiver is written.

use std::fmt::Write as _;
use std::path::Path;

use super::{Report, display_path};
use crate::finding::{Finding, Severity, Status};
use crate::waivers::WaiverRecord;

/// Renders one workflow command per reportable finding and input error,
/// file paths relative to `root` (the workspace, for annotations to land).
pub fn render_github(report: &Report, root: &Path) -> String {
    let mut out = String::new();
    for e in &report.input_errors {
        let file = display_path(&e.file, root);
        command(
            &mut out,
            "error",
            &file,
            e.line,
            e.column,
            "input error",
            &e.message,
        );
    }
    for f in report.reportable() {
        let (level, title, message) = annotation(f, root);
        let file = display_path(&f.file, root);
        command(&mut out, level, &file, f.line, f.column, &title, &message);
    }
    for d in &report.waiver_diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let file = display_path(&d.file, root);
        let title = format!("waiver ({})", d.kind.as_str());
        command(&mut out, level, &file, d.line, d.column, &title, &d.message);
    }
    out
}

fn annotation(f: &Finding, root: &Path) -> (&'static str, String, String) {
    match f.status {
        Status::Unknown => (
            "warning",
            format!("{} (unknown)", f.rule),
            with_refusal(f, root),
        ),
        Status::Suppressed => {
            let reason = f.waiver_record.as_ref().map_or_else(
                || f.waiver.clone().unwrap_or_default(),
                |r| describe(r, root),
            );
            let message = format!("{} (waived: {reason})", f.message);
            ("notice", format!("{} (waived)", f.rule), message)
        }
        _ => {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            (level, f.rule.to_owned(), with_refusal(f, root))
        }
    }
}

/// The message of a failing finding, with the waiver that did not apply.
fn with_refusal(f: &Finding, root: &Path) -> String {
    match &f.waiver_record {
        Some(record) => format!("{} (not waived: {})", f.message, describe(record, root)),
        None => f.message.clone(),
    }
}

fn describe(record: &WaiverRecord, root: &Path) -> String {
    record.describe_at(&display_path(&record.file, root))
}

fn command(out: &mut String, level: &str, file: &str, line: u32, col: u32, title: &str, msg: &str) {
    let _ = write!(out, "::{level} file={}", escape_property(file));
    if line > 0 {
        let _ = write!(out, ",line={line},col={}", col.max(1));
    }
    let _ = writeln!(
        out,
        ",title={}::{}",
        escape_property(title),
        escape_data(msg)
    );
}

/// GitHub's escaping for a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping for a command property, where `:` and `,` end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn data_escapes_percent_first_and_line_breaks() {
        assert_eq!(escape_data("100%\r\n::x"), "100%25%0D%0A::x");
    }

    #[test]
    fn properties_also_escape_separators() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
