//! `policy-lint report` end to end: file names, exit codes, reproducibility
//! under `SOURCE_DATE_EPOCH`, and the checked-in JSON Schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = "tests/fixtures/report/expense-dev.template.json";
const FILES: [&str; 4] = ["md", "html", "json", "csv"];

fn policy_lint(args: &[&str], epoch: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_policy-lint"));
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    if let Some(epoch) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", epoch);
    }
    cmd.output().expect("policy-lint runs")
}

fn run_report(inputs: &[&Path], out: &Path, epoch: Option<&str>) -> Output {
    let mut args: Vec<&str> = vec!["report", "--out", out.to_str().expect("utf-8 path")];
    args.extend(inputs.iter().map(|p| p.to_str().expect("utf-8 path")));
    policy_lint(&args, epoch)
}

fn listing(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A copy of the fixture outside any git repository.
fn copy_fixture(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(FIXTURE, &path).expect("copy fixture");
    path
}

#[test]
fn writes_four_reports_named_after_the_template() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = copy_fixture(tmp.path(), "expense-dev.template.json");
    let out = tmp.path().join("out");
    let output = run_report(&[&input], &out, Some("0"));
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut expected: Vec<String> = FILES
        .iter()
        .map(|e| format!("expense-dev.compliance.{e}"))
        .collect();
    expected.sort();
    assert_eq!(listing(&out), expected);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    let json = std::fs::read_to_string(out.join("expense-dev.compliance.json")).expect("json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid");
    assert_eq!(value["header"]["stacks"][0], "expense-tracker-dev");
    assert_eq!(value["header"]["generated_at"], "1970-01-01T00:00:00Z");
    assert!(
        value["header"].get("git_commit").is_none(),
        "outside a repository"
    );
    let digest = value["header"]["inputs"][0]["sha256"]
        .as_str()
        .expect("sha256");
    let bytes = std::fs::read(&input).expect("input");
    assert_eq!(digest, policy_lint::report::sha256_hex(&bytes));
}

#[test]
fn reports_are_byte_identical_with_source_date_epoch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = copy_fixture(tmp.path(), "expense-dev.template.json");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let output = run_report(&[&input], out, Some("0"));
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    }
    for ext in FILES {
        let name = format!("expense-dev.compliance.{ext}");
        let first = std::fs::read(a.join(&name)).expect("first");
        let second = std::fs::read(b.join(&name)).expect("second");
        assert!(first == second, "{name} differs between runs");
    }
}

#[test]
fn failing_controls_exit_1_and_still_write_the_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("weak.json");
    let text = std::fs::read_to_string(FIXTURE).expect("fixture");
    let weak = text.replace("\"MinimumLength\": 8", "\"MinimumLength\": 6");
    assert_ne!(weak, text);
    std::fs::write(&input, weak).expect("write");
    let out = tmp.path().join("out");
    let output = run_report(&[&input], &out, Some("0"));
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let md = std::fs::read_to_string(out.join("weak.compliance.md")).expect("md");
    assert!(md.contains("#### AUTH-2: failed"), "{md}");
}

#[test]
fn unreadable_input_exits_2_without_a_report_for_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = copy_fixture(tmp.path(), "good.json");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"Resources\": {").expect("write");
    let out = tmp.path().join("out");
    let output = run_report(&[&good, &bad], &out, Some("0"));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(listing(&out).iter().all(|n| n.starts_with("good.")));
    assert_eq!(listing(&out).len(), 4);
}

#[test]
fn two_templates_with_one_stem_are_refused_before_writing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let first = copy_fixture(tmp.path(), "stack.json");
    std::fs::create_dir(tmp.path().join("sub")).expect("dir");
    let second = copy_fixture(&tmp.path().join("sub"), "stack.template.json");
    let out = tmp.path().join("out");
    let output = run_report(&[&first, &second], &out, Some("0"));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("would both write `stack.compliance.*`"),
        "{stderr}"
    );
    assert!(listing(&out).is_empty());
}

#[test]
fn malformed_source_date_epoch_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = copy_fixture(tmp.path(), "t.json");
    let out = tmp.path().join("out");
    let output = run_report(&[&input], &out, Some("yesterday"));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SOURCE_DATE_EPOCH `yesterday`"), "{stderr}");
    assert!(listing(&out).is_empty());
}

#[test]
fn json_schema_in_docs_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json");
    let schema = policy_lint::report::json_schema();
    if std::env::var_os("STACKWRIGHT_BLESS").is_some() {
        std::fs::write(&path, &schema).expect("write schema");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == schema,
        "docs/report.schema.json is stale: run `STACKWRIGHT_BLESS=1 cargo test -p policy-lint \
         --test report_cli` or `cargo run -p policy-lint -- report --schema > docs/report.schema.json`"
    );
    let output = policy_lint(&["report", "--schema"], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), schema);
}

#[test]
fn git_commit_is_the_repository_head_when_there_is_one() {
    let head = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let found = policy_lint::report::git_commit(Path::new(FIXTURE));
    assert_eq!(found, head);
    let not_yet = Path::new("tests/fixtures/report/not-yet/x.template.json");
    assert_eq!(
        policy_lint::report::git_commit(not_yet),
        head,
        "a file yet to be written"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        policy_lint::report::git_commit(&tmp.path().join("x.json")),
        None
    );
}
