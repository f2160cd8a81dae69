//! Baselines: written from a run, read back, and applied so that only new
//! findings gate CI; keyed so that moved lines keep their entries; and
//! through the binary, where a new finding after the baseline fails the run.

use std::path::{Path, PathBuf};
use std::process::Command;

use policy_lint::baseline::{Baseline, BaselineError};
use policy_lint::finding::{Severity, Status};
use policy_lint::lint::{Options, lint_paths};
use policy_lint::output::Report;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/output/ci.yaml")
}

fn report() -> Report {
    lint_paths(&[fixture()], &Options::default())
}

fn gating(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Unknown))
        .count()
}

#[test]
fn the_written_baseline_is_pinned() {
    insta::assert_snapshot!(
        "ci_baseline",
        Baseline::from_report(&report(), root()).to_json()
    );
}

#[test]
fn round_trip_suppresses_every_recorded_finding() {
    let written = Baseline::from_report(&report(), root());
    let read = Baseline::parse(Path::new("b.json"), &written.to_json()).expect("reads back");
    assert_eq!(read, written);

    let mut fresh = report();
    let before = gating(&fresh);
    assert_eq!(before, 3, "the fixture has two failures and an unknown");
    let stale = read.apply(&mut fresh, root(), "b.json");
    assert!(stale.is_empty());
    assert_eq!(gating(&fresh), 0);
    assert!(!fresh.fails_at(Severity::Info));
    let baselined: Vec<_> = fresh
        .findings
        .iter()
        .filter(|f| f.waiver.as_deref() == Some("in baseline b.json"))
        .collect();
    assert_eq!(baselined.len(), before);
    assert!(baselined.iter().all(|f| f.status == Status::Suppressed));
    // The metadata waiver keeps its own reason.
    assert_eq!(fresh.summary().suppressed, before + 1);
}

#[test]
fn a_finding_missing_from_the_baseline_still_gates() {
    let mut baseline = Baseline::from_report(&report(), root());
    let dropped = baseline
        .findings
        .iter()
        .find(|e| e.rule == "S3002")
        .cloned()
        .expect("the ACL entry");
    baseline.findings.remove(&dropped);
    let mut fresh = report();
    baseline.apply(&mut fresh, root(), "b.json");
    let still: Vec<_> = fresh
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.rule)
        .collect();
    assert_eq!(still, ["S3002"]);
}

#[test]
fn moved_lines_and_reworded_messages_stay_baselined() {
    let baseline = Baseline::from_report(&report(), root());
    let mut moved = report();
    for f in &mut moved.findings {
        f.line += 40;
        f.message.push_str(" (reworded)");
    }
    baseline.apply(&mut moved, root(), "b.json");
    assert_eq!(gating(&moved), 0);
}

#[test]
fn fixed_findings_are_reported_as_stale_entries() {
    let mut baseline = Baseline::from_report(&report(), root());
    let mut gone = baseline.findings.first().cloned().expect("an entry");
    gone.resource = "Deleted".to_owned();
    baseline.findings.insert(gone.clone());
    let stale = baseline.apply(&mut report(), root(), "b.json");
    assert_eq!(stale, [&gone]);
}

#[test]
fn bad_baselines_are_located_errors() {
    let err = Baseline::parse(
        Path::new("b.json"),
        "{\"format_version\": 1,\n \"findingz\": []}",
    )
    .expect_err("unknown field");
    assert!(
        matches!(err, BaselineError::Malformed { line: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("b.json:2:"), "{err}");
    let err = Baseline::parse(
        Path::new("b.json"),
        "{\"format_version\": 9, \"findings\": []}",
    )
    .expect_err("future version");
    assert_eq!(
        err.to_string(),
        "b.json: baseline format version 9 is not supported (expected 1)"
    );
    let err = Baseline::load(Path::new("/nonexistent/b.json")).expect_err("missing");
    assert!(
        err.to_string()
            .starts_with("cannot read baseline `/nonexistent/b.json`")
    );
}

fn policy_lint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_binary_gates_only_new_findings() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let template = dir.path().join("ci.yaml");
    let original = std::fs::read_to_string(fixture()).expect("fixture");
    std::fs::write(&template, &original).expect("write");

    let out = policy_lint(dir.path(), &["lint", "ci.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the fixture fails without a baseline"
    );

    let out = policy_lint(
        dir.path(),
        &["lint", "ci.yaml", "--write-baseline", "b.json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let written = std::fs::read_to_string(dir.path().join("b.json")).expect("baseline written");
    assert!(written.contains("\"file\": \"ci.yaml\""), "{written}");

    let out = policy_lint(dir.path(), &["lint", "ci.yaml", "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("= waived: in baseline b.json"));

    // Lines move and a new public bucket appears: only the new bucket fails.
    let edited = original.replace(
        "Resources:\n",
        "Resources:\n  Fresh:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    \
         UpdateReplacePolicy: Retain\n    Properties:\n      AccessControl: PublicRead\n",
    );
    std::fs::write(&template, edited).expect("write");
    let out = policy_lint(
        dir.path(),
        &[
            "lint",
            "ci.yaml",
            "--baseline",
            "b.json",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let open: Vec<&str> = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .map(|r| r["properties"]["resource"].as_str().unwrap_or_default())
        .collect();
    assert!(
        !open.is_empty() && open.iter().all(|r| *r == "Fresh"),
        "{open:?}"
    );
    let external = results
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "external")
        .count();
    assert_eq!(external, 3);
}

#[test]
fn a_bad_baseline_exits_2() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("b.json"), "[]").expect("write");
    let template = fixture();
    let path = template.to_str().expect("utf-8 path");
    let out = policy_lint(dir.path(), &["lint", path, "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: b.json:1:"), "{stderr}");
}
