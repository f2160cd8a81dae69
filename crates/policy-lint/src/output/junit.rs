//! The JUnit XML format, which CI dashboards (GitLab, Jenkins, Azure
//! Pipelines, CircleCI) read as test results.
//!
//! One `testsuite` per linted file and one `testcase` per (rule, resource)
//! pair that the rule evaluated, passes included, so a dashboard shows what
//! was checked as well as what failed. A pair with any failure or unknown
//! is a `failure` listing each of them; a pair whose only findings are
//! waived is `skipped` with the reasons. An input that could not be read is
//! a suite with one `error`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{InputError, Report, display_path};
use crate::finding::{Finding, Status};
use crate::waivers::WaiverDiagnostic;

/// Renders the report as a JUnit XML document, file paths relative to
/// `root`.
pub fn render_junit(report: &Report, root: &Path) -> String {
    let suites = suites(report, root);
    let totals = suites
        .iter()
        .fold(Counts::default(), |acc, s| acc.add(&s.counts));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"policy-lint\" {}>",
        totals.attributes()
    );
    for suite in &suites {
        out.push_str(&suite.body);
    }
    out.push_str("</testsuites>\n");
    out
}

#[derive(Clone, Copy, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(self, other: &Self) -> Self {
        Self {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

struct Suite {
    counts: Counts,
    body: String,
}

/// The suites in file order: linted files, then unreadable inputs.
fn suites(report: &Report, root: &Path) -> Vec<Suite> {
    let mut by_file: BTreeMap<&Path, Vec<&Finding>> = BTreeMap::new();
    for path in report.sources.keys() {
        by_file.entry(path).or_default();
    }
    for f in &report.findings {
        by_file.entry(&f.file).or_default().push(f);
    }
    let mut suites: Vec<Suite> = by_file
        .into_iter()
        .map(|(file, findings)| file_suite(&display_path(file, root), &findings, root))
        .collect();
    suites.extend(report.input_errors.iter().map(|e| error_suite(e, root)));
    if !report.waiver_diagnostics.is_empty() {
        suites.push(waiver_suite(&report.waiver_diagnostics, root));
    }
    suites
}

/// One suite for the waivers' own problems, a failing case per diagnostic
/// typed by its severity, so a dashboard lists every unused waiver.
fn waiver_suite(diagnostics: &[WaiverDiagnostic], root: &Path) -> Suite {
    let counts = Counts {
        tests: diagnostics.len(),
        failures: diagnostics.len(),
        ..Counts::default()
    };
    let mut body = format!("  <testsuite name=\"waivers\" {}>\n", counts.attributes());
    for d in diagnostics {
        let file = escape(&display_path(&d.file, root));
        let name = format!("waiver-{} {} {}", d.kind.as_str(), d.rule, d.resource);
        let _ = writeln!(
            body,
            "    <testcase name=\"{}\" classname=\"{file}\" file=\"{file}\" line=\"{}\">\n      \
             <failure type=\"{}\" message=\"{}\"/>\n    </testcase>",
            escape(&name),
            d.line,
            d.severity.as_str(),
            escape(&d.message),
        );
    }
    body.push_str("  </testsuite>\n");
    Suite { counts, body }
}

fn file_suite(file: &str, findings: &[&Finding], root: &Path) -> Suite {
    let mut cases: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        cases.entry((f.rule, &f.resource)).or_default().push(f);
    }
    let mut counts = Counts::default();
    let mut cases_xml = String::new();
    for ((rule, resource), group) in cases {
        counts.tests += 1;
        let case = Case {
            file,
            rule,
            resource,
            root,
        };
        cases_xml.push_str(&testcase(&case, &group, &mut counts));
    }
    let mut body = format!(
        "  <testsuite name=\"{}\" {}>\n",
        escape(file),
        counts.attributes()
    );
    body.push_str(&cases_xml);
    body.push_str("  </testsuite>\n");
    Suite { counts, body }
}

/// What names one test case: the file, rule and resource.
struct Case<'a> {
    file: &'a str,
    rule: &'a str,
    resource: &'a str,
    root: &'a Path,
}

fn testcase(case: &Case<'_>, group: &[&Finding], counts: &mut Counts) -> String {
    let Case {
        file,
        rule,
        resource,
        root,
    } = *case;
    let name = if resource.is_empty() {
        format!("{rule} (template)")
    } else {
        format!("{rule} {resource}")
    };
    let line = group.iter().map(|f| f.line).min().unwrap_or(0);
    let mut out = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
        escape(&name),
        escape(file),
        escape(file),
    );
    let failing: Vec<&Finding> = group
        .iter()
        .copied()
        .filter(|f| matches!(f.status, Status::Fail | Status::Unknown))
        .collect();
    let waived: Vec<&Finding> = group
        .iter()
        .copied()
        .filter(|f| f.status == Status::Suppressed)
        .collect();
    if let Some(first) = failing.first() {
        counts.failures += 1;
        let kind = if failing.iter().all(|f| f.status == Status::Unknown) {
            "unknown"
        } else {
            first.severity.as_str()
        };
        let _ = writeln!(
            out,
            ">\n      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n    </testcase>",
            escape(&first.message),
            escape_text(&details(file, &failing, root)),
        );
    } else if let Some(first) = waived.first() {
        counts.skipped += 1;
        let reason = first.waiver.as_deref().unwrap_or_default();
        let _ = writeln!(
            out,
            ">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
            escape(&format!("waived: {reason}")),
            escape_text(&details(file, &waived, root)),
        );
    } else {
        out.push_str("/>\n");
    }
    out
}

/// One line per finding: where, what, and the waiver when there is one.
fn details(file: &str, findings: &[&Finding], root: &Path) -> String {
    let mut text = String::new();
    for f in findings {
        let _ = write!(
            text,
            "{file}:{}:{}: {}[{}]: {}",
            f.line,
            f.column,
            f.status.as_str(),
            f.rule,
            f.message
        );
        match (&f.waiver_record, &f.waiver) {
            (Some(record), _) => {
                let label = if record.refused.is_some() {
                    "not waived"
                } else {
                    "waived"
                };
                let described = record.describe_at(&display_path(&record.file, root));
                let _ = write!(text, " ({label}: {described})");
            }
            (None, Some(reason)) => {
                let _ = write!(text, " (waived: {reason})");
            }
            (None, None) => {}
        }
        text.push('\n');
    }
    text
}

fn error_suite(e: &InputError, root: &Path) -> Suite {
    let file = display_path(&e.file, root);
    let counts = Counts {
        tests: 1,
        errors: 1,
        ..Counts::default()
    };
    let body = format!(
        "  <testsuite name=\"{f}\" {}>\n    <testcase name=\"input\" classname=\"{f}\" \
         file=\"{f}\" line=\"{}\">\n      <error type=\"input\" message=\"{}\"/>\n    \
         </testcase>\n  </testsuite>\n",
        counts.attributes(),
        e.line,
        escape(&e.message),
        f = escape(&file),
    );
    Suite { counts, body }
}

/// Escapes text for an XML attribute value. Characters XML 1.0 cannot
/// carry at all (most C0 controls) become U+FFFD; line breaks and tabs are
/// written as references so attribute-value normalisation keeps them.
fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// Escapes text for element content, where line breaks can stay as they are.
fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// The `Char` production of XML 1.0.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_text};

    #[test]
    fn hostile_text_cannot_break_out_of_markup() {
        let hostile = "a\"b'c<d>e&f]]><!--\u{0}\u{1b}\u{FFFE}\n\r\t😀";
        assert_eq!(
            escape(hostile),
            "a&quot;b&apos;c&lt;d&gt;e&amp;f]]&gt;&lt;!--\u{FFFD}\u{FFFD}\u{FFFD}&#10;&#13;&#9;😀"
        );
    }

    #[test]
    fn element_text_keeps_line_breaks() {
        assert_eq!(escape_text("a\n\tb\r<"), "a\n\tb&#13;&lt;");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(escape("S3001 Site"), "S3001 Site");
    }
}
