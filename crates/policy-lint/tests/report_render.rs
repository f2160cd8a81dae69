//! The renderers and the writer on their own: hostile text stays text in
//! every format, statuses combine as documented, and reports are written
//! all at once under the names the stacks CLI relies on.

use std::path::{Path, PathBuf};

use policy_lint::finding::{Assumption, Finding, Severity, Status};
use policy_lint::output::Report;
use policy_lint::report::{
    self, CSV_COLUMNS, ComplianceReport, ControlStatus, InputFile, ReportError, ReportMeta,
};

use policy_lint::waivers::{WaiverRecord, WaiverSource};

const HOSTILE: &str =
    "<script>alert(\"x\")</script> | `tick` ``run`` & 'q'\n# heading\r\n- item\\|=cmd";

fn finding(rule: &'static str, control: &'static str, status: Status, text: &str) -> Finding {
    Finding {
        rule,
        control,
        severity: Severity::Error,
        status,
        resource: format!("Bucket{text}"),
        resource_type: format!("AWS::S3::Bucket{text}"),
        file: PathBuf::from(format!("dir/{text}.json")),
        line: 7,
        column: 3,
        message: format!("`{text}` is off: {text}"),
        path: Some(format!("Properties.{text}")),
        observed: Some(text.to_owned()),
        detail: Some(text.to_owned()),
        conditions: vec![Assumption {
            condition: text.to_owned(),
            value: false,
        }],
        waiver: (status == Status::Suppressed).then(|| text.to_owned()),
        waiver_record: (status == Status::Suppressed).then(|| WaiverRecord {
            source: WaiverSource::File,
            file: PathBuf::from(format!("dir/{text}.waivers.toml")),
            line: 3,
            column: 1,
            reason: text.to_owned(),
            approver: Some(text.to_owned()),
            ticket: Some(text.to_owned()),
            expires: Some("2099-01-01".to_owned()),
            refused: None,
        }),
    }
}

fn report_with(text: &str) -> ComplianceReport {
    let linted = Report {
        findings: vec![
            finding("S3001", "S3-1", Status::Fail, text),
            finding("S3002", "S3-2", Status::Suppressed, text),
            finding("DDB001", "DATA-2", Status::Unknown, text),
            finding("COG001", "AUTH-1", Status::Pass, text),
        ],
        ..Report::default()
    };
    let meta = ReportMeta {
        stacks: vec![format!("stack{text}")],
        git_commit: Some("0123abcd".to_owned()),
        generated_at: 1_700_000_000,
    };
    let inputs = [InputFile::from_bytes(format!("{text}.json"), b"{}")];
    report::build(&linted, &inputs, &meta)
}

/// The hostile string with every character HTML cares about made harmless
/// but the backticks kept, so both render with the same markup.
fn benign() -> String {
    HOSTILE.replace(['<', '>', '&', '"', '\''], "x")
}

#[test]
fn html_escapes_every_template_string() {
    let hostile = report::render_html(&report_with(HOSTILE));
    let benign = report::render_html(&report_with(&benign()));
    assert_eq!(
        hostile.matches('<').count(),
        benign.matches('<').count(),
        "hostile text added markup"
    );
    assert!(!hostile.contains("<script"));
    assert!(hostile.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(hostile.contains("&#39;q&#39;"));
}

#[test]
fn html_is_self_contained() {
    let html = report::render_html(&report_with("x"));
    for external in [
        "<script", "<link", "<img", "@import", "url(", "http://", "https://",
    ] {
        assert!(!html.contains(external), "html references `{external}`");
    }
    assert!(html.contains("@media print"));
    assert!(html.starts_with("<!DOCTYPE html>"));
}

/// Pipes that end a GFM table cell: those not preceded by a backslash.
fn cell_pipes(line: &str) -> usize {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

/// Every `<` outside code spans must be backslash-escaped, or Markdown
/// renderers would pass it through as HTML.
fn raw_angle_outside_code(md: &str) -> Option<String> {
    for line in md.lines() {
        let mut in_code: Option<usize> = None;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '\\' && in_code.is_none() {
                i += 2;
                continue;
            }
            if chars[i] == '`' {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                in_code = match in_code {
                    None => Some(run),
                    Some(open) if open == run => None,
                    other => other,
                };
                i += run;
                continue;
            }
            if chars[i] == '<' && in_code.is_none() {
                return Some(line.to_owned());
            }
            i += 1;
        }
    }
    None
}

#[test]
fn markdown_keeps_hostile_text_inside_its_cells() {
    let hostile = report::render_markdown(&report_with(HOSTILE));
    let plain = report::render_markdown(&report_with("plain"));
    let shape = |md: &str| -> Vec<usize> { md.lines().map(cell_pipes).collect() };
    assert_eq!(shape(&hostile), shape(&plain), "rows or cells differ");
    assert_eq!(raw_angle_outside_code(&hostile), None);
    assert!(!hostile.lines().any(|l| l.starts_with("# heading")));
}

#[test]
fn json_round_trips_hostile_strings() {
    let text = report::render_json(&report_with(HOSTILE)).expect("json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let evidence = &value["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == "S3-1")
        .expect("S3-1")["evidence"][0];
    assert_eq!(evidence["resource"], format!("Bucket{HOSTILE}"));
    assert_eq!(evidence["items"][0]["observed"], HOSTILE);
}

#[test]
fn csv_has_cdk_nag_columns_and_defuses_formulas() {
    let text = report::render_csv(&report_with("=HYPERLINK(\"http://x\")")).expect("csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, CSV_COLUMNS);
    assert_eq!(
        &headers[..6],
        [
            "Rule ID",
            "Resource ID",
            "Compliance",
            "Exception Reason",
            "Rule Level",
            "Rule Info"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    let compliance: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    // Catalogue order: AUTH-1, DATA-2, S3-1, S3-2.
    assert_eq!(
        compliance,
        ["Compliant", "UNKNOWN", "Non-Compliant", "Suppressed"]
    );
    let suppressed = &rows[3];
    assert_eq!(
        &suppressed[3], "'=HYPERLINK(\"http://x\")",
        "waiver reason, defused"
    );
    assert_eq!(&suppressed[4], "Error");
    assert_eq!(
        &suppressed[9], "'=HYPERLINK(\"http://x\")",
        "observed, defused"
    );
}

#[test]
fn csv_keeps_multi_line_values_in_one_record() {
    let text = report::render_csv(&report_with(HOSTILE)).expect("csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()));
    assert_eq!(&rows[0][9], HOSTILE);
}

#[test]
fn control_status_prefers_failure_then_unknown_then_waiver() {
    use Status::{Fail, Pass, Suppressed, Unknown};
    let of = |s: &[Status]| ControlStatus::of(s.iter().copied());
    assert_eq!(of(&[]), ControlStatus::NotApplicable);
    assert_eq!(of(&[Pass, Pass]), ControlStatus::Passed);
    assert_eq!(of(&[Pass, Suppressed]), ControlStatus::Waived);
    assert_eq!(of(&[Suppressed, Unknown, Pass]), ControlStatus::Unknown);
    assert_eq!(of(&[Unknown, Fail, Suppressed]), ControlStatus::Failed);
}

#[test]
fn built_report_decides_each_control_and_the_matrix() {
    let r = report_with("X");
    let status = |id: &str| r.controls.iter().find(|c| c.id == id).map(|c| c.status);
    assert_eq!(status("S3-1"), Some(ControlStatus::Failed));
    assert_eq!(status("S3-2"), Some(ControlStatus::Waived));
    assert_eq!(status("DATA-2"), Some(ControlStatus::Unknown));
    assert_eq!(status("AUTH-1"), Some(ControlStatus::Passed));
    assert_eq!(status("AUTH-2"), Some(ControlStatus::NotApplicable));
    assert_eq!(status("CI-1"), Some(ControlStatus::Manual));
    let c = &r.summary.controls;
    assert_eq!(
        (c.failed, c.waived, c.unknown, c.passed, c.manual),
        (1, 1, 1, 2, 5)
    );
    assert_eq!(r.resources.len(), 1);
    assert_eq!(r.resources[0].status, ControlStatus::Failed);
    let cells: Vec<&str> = r.resources[0]
        .controls
        .iter()
        .map(|c| c.control.as_str())
        .collect();
    assert_eq!(cells, ["AUTH-1", "DATA-2", "S3-1", "S3-2"]);
    assert_eq!(r.header.generated_at, "2023-11-14T22:13:20Z");
}

#[test]
fn findings_for_an_unknown_control_are_kept() {
    let linted = Report {
        findings: vec![finding("S3001", "NEW-9", Status::Fail, "x")],
        ..Report::default()
    };
    let meta = ReportMeta {
        stacks: vec![],
        git_commit: None,
        generated_at: 0,
    };
    let r = report::build(&linted, &[], &meta);
    let last = r.controls.last().expect("a section");
    assert_eq!(
        (last.id.as_str(), last.status),
        ("NEW-9", ControlStatus::Failed)
    );
    assert_eq!(last.evidence.len(), 1);
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("listing")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn write_reports_writes_four_files_and_no_temporaries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("nested/out");
    let meta = ReportMeta {
        stacks: vec!["s".to_owned()],
        git_commit: None,
        generated_at: 0,
    };
    let written = report::write_reports(&Report::default(), &[], &meta, &out, "expense-dev")
        .expect("written");
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    let expected = ["md", "html", "json", "csv"].map(|e| format!("expense-dev.compliance.{e}"));
    assert_eq!(names, expected);
    let mut sorted = expected.to_vec();
    sorted.sort();
    assert_eq!(listing(&out), sorted);
}

#[test]
fn write_reports_refuses_a_stem_that_is_a_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let meta = ReportMeta {
        stacks: vec![],
        git_commit: None,
        generated_at: 0,
    };
    for stem in ["", "..", "a/b", "a\\b"] {
        let result = report::write_reports(&Report::default(), &[], &meta, dir.path(), stem);
        assert!(matches!(result, Err(ReportError::Stem { .. })), "{stem:?}");
    }
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn write_reports_fails_cleanly_when_the_directory_is_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").expect("file");
    let meta = ReportMeta {
        stacks: vec![],
        git_commit: None,
        generated_at: 0,
    };
    let err = report::write_reports(&Report::default(), &[], &meta, &file, "s").expect_err("fails");
    assert!(
        format!("{err:#}").starts_with("cannot write the report into")
            && std::error::Error::source(&err)
                .is_some_and(|e| e.to_string().starts_with("cannot create directory")),
        "{err}"
    );
    assert_eq!(listing(dir.path()), ["plain"]);
}

#[test]
fn stems_drop_format_extensions() {
    for (name, stem) in [
        ("out/expense-dev.template.json", "expense-dev"),
        ("main.tf.json", "main"),
        ("stack.yaml", "stack"),
        ("plan.json", "plan"),
        ("odd.name.yml", "odd.name"),
    ] {
        assert_eq!(report::stem_of(Path::new(name)), stem, "{name}");
    }
}
