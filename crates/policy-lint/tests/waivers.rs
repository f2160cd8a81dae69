//! Waivers in every form: in template metadata (ours and cdk-nag's), in a
//! reviewed waiver file, granular (one action of a statement), expired,
//! unused and refused as unwaivable; each pinned by a snapshot of the human
//! output, and malformed waiver files refused with file:line:col.

use std::path::{Path, PathBuf};
use std::process::Command;

use policy_lint::config_file;
use policy_lint::finding::{Finding, Severity, Status};
use policy_lint::lint::{Options, lint_bytes, lint_paths};
use policy_lint::output::{
    Report, render_github, render_human, render_json, render_junit, render_sarif,
};
use policy_lint::waivers::{Date, DiagnosticKind, Refusal, WaiverSource, file};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/waivers")
}

fn template() -> PathBuf {
    dir().join("app.yaml")
}

fn waiver_file() -> PathBuf {
    dir().join("policy-lint.waivers.toml")
}

fn today() -> Date {
    Date::new(2026, 6, 1).expect("a date")
}

/// Lints the fixture on 2026-06-01 with `config` text and, when
/// `with_file`, the waiver file.
fn lint(config: &str, with_file: bool) -> Report {
    let config = config_file::parse(Path::new("policy-lint.toml"), config).expect("valid config");
    let waivers = if with_file {
        file::load(&waiver_file()).expect("the waiver file parses")
    } else {
        Vec::new()
    };
    let options = Options {
        config,
        waivers,
        today: Some(today()),
        ..Options::default()
    };
    lint_paths(&[template()], &options)
}

/// Text with the crate's absolute path taken out.
fn portable(text: &str) -> String {
    text.replace(&format!("{}/", env!("CARGO_MANIFEST_DIR")), "")
}

fn find<'a>(report: &'a Report, rule: &str, resource: &str, detail: Option<&str>) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule && f.resource == resource && f.detail.as_deref() == detail)
        .unwrap_or_else(|| panic!("a {rule} finding on {resource} {detail:?}"))
}

#[test]
fn metadata_waivers() {
    let report = lint("", false);
    insta::assert_snapshot!("metadata_human", portable(&render_human(&report)));
    let sqs = find(&report, "IAM002", "Worker", Some("Action::sqs:*"));
    assert_eq!(sqs.status, Status::Suppressed);
    let record = sqs.waiver_record.as_ref().expect("a record");
    assert_eq!(record.source, WaiverSource::Metadata);
    assert_eq!(record.approver.as_deref(), Some("platform-lead"));
    assert_eq!(record.ticket.as_deref(), Some("SEC-7"));
    assert_eq!(record.expires.as_deref(), Some("2099-12-31"));
    // cdk-nag's IAM5 with `applies_to` waives the one action it names.
    let s3 = find(&report, "IAM002", "Worker", Some("Action::s3:*"));
    assert_eq!(s3.status, Status::Suppressed);
    assert_eq!(
        s3.waiver.as_deref(),
        Some("the worker reads and writes any object of its bucket")
    );
}

#[test]
fn granular_waivers_cover_one_part_only() {
    let report = lint("", true);
    let sqs = find(&report, "IAM005", "Worker", Some("Action::sqs:*"));
    assert_eq!(sqs.status, Status::Suppressed);
    assert_eq!(
        sqs.waiver_record.as_ref().map(|r| r.source),
        Some(WaiverSource::File)
    );
    let s3 = find(&report, "IAM005", "Worker", Some("Action::s3:*"));
    assert_eq!(s3.status, Status::Fail);
    assert!(s3.waiver_record.is_none());
}

#[test]
fn file_waivers() {
    let report = lint("", true);
    insta::assert_snapshot!("file_human", portable(&render_human(&report)));
    let site = find(&report, "S3007", "Site", None);
    assert_eq!(site.status, Status::Suppressed);
    let record = site.waiver_record.as_ref().expect("a record");
    assert_eq!((record.line, record.column), (3, 1));
    assert!(record.file.ends_with("policy-lint.waivers.toml"));
}

#[test]
fn an_expired_waiver_fails_again_and_says_when_it_expired() {
    let report = lint("", true);
    let acl = find(&report, "S3002", "Site", None);
    assert_eq!(acl.status, Status::Fail);
    let record = acl.waiver_record.as_ref().expect("the expired waiver");
    assert_eq!(record.refused, Some(Refusal::Expired));
    assert!(render_human(&report).contains("waiver expired on 2002-02-02"));
    let tags = report
        .findings
        .iter()
        .find(|f| f.rule == "TAG001" && f.resource == "Worker")
        .expect("TAG001 on Worker");
    assert_eq!(
        tags.waiver_record.as_ref().and_then(|r| r.refused),
        Some(Refusal::Expired)
    );
    assert!(report.fails_at(Severity::Error));
}

#[test]
fn a_waiver_applies_through_its_expiry_day() {
    let waivers = file::parse(
        &dir().join("inline.toml"),
        "[[waiver]]\nrule = \"S3002\"\nresource = \"Site\"\nreason = \"r\"\nexpires = 2026-06-01\n",
    )
    .expect("parses");
    let on = |today| {
        let options = Options {
            waivers: waivers.clone(),
            today: Some(today),
            ..Options::default()
        };
        let report = lint_paths(&[template()], &options);
        find(&report, "S3002", "Site", None).status
    };
    assert_eq!(on(today()), Status::Suppressed);
    assert_eq!(on(Date::new(2026, 6, 2).expect("a date")), Status::Fail);
}

#[test]
fn unused_waivers_are_reported_in_every_format() {
    let report = lint("", true);
    let unused: Vec<(&str, &str, WaiverSource)> = report
        .waiver_diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::Unused)
        .map(|d| (d.rule.as_str(), d.resource.as_str(), d.source))
        .collect();
    assert_eq!(
        unused,
        [
            ("S3007", "Worker", WaiverSource::Metadata),
            ("S3001", "Site", WaiverSource::File),
        ]
    );
    assert!(
        report
            .waiver_diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let json: serde_json::Value = serde_json::from_str(&render_json(&report)).expect("json");
    assert_eq!(json["waiver_diagnostics"][1]["kind"], "unused");
    assert_eq!(json["waiver_diagnostics"][1]["line"], 26);
    let sarif: serde_json::Value =
        serde_json::from_str(&render_sarif(&report, root)).expect("sarif");
    let notes = &sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"];
    assert_eq!(notes[1]["descriptor"]["id"], "waiver-unused");
    assert_eq!(
        notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/waivers/policy-lint.waivers.toml"
    );
    let junit = render_junit(&report, root);
    assert!(junit.contains("<testsuite name=\"waivers\""), "{junit}");
    assert!(
        junit.contains("name=\"waiver-unused S3001 Site\""),
        "{junit}"
    );
    let github = render_github(&report, root);
    assert!(
        github.contains(
            "::warning file=tests/fixtures/waivers/policy-lint.waivers.toml,line=26,col=1,\
             title=waiver (unused)::the waiver of `S3001` on `Site` matched no failure"
        ),
        "{github}"
    );
}

#[test]
fn fail_on_unused_makes_unused_waivers_errors() {
    let clean = "[[waiver]]\nrule = \"S3001\"\nresource = \"Site\"\nreason = \"stale\"\n";
    let waivers = file::parse(&dir().join("stale.toml"), clean).expect("parses");
    let config = config_file::parse(
        Path::new("policy-lint.toml"),
        "disabled-rules = [\"S3002\", \"S3007\", \"TAG001\", \"IAM002\", \"IAM005\"]\n\
         [waivers]\nfail-on-unused = true\n",
    )
    .expect("valid");
    let options = Options {
        config,
        waivers,
        today: Some(today()),
        ..Options::default()
    };
    let report = lint_paths(&[template()], &options);
    let stale: Vec<_> = report
        .waiver_diagnostics
        .iter()
        .filter(|d| d.rule == "S3001")
        .collect();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].severity, Severity::Error);
    assert!(report.fails_at(Severity::Error));
}

#[test]
fn unwaivable_rules_are_not_waived_and_their_waivers_are_reported() {
    let report = lint("[waivers]\nunwaivable = [\"S3007\"]\n", true);
    insta::assert_snapshot!("unwaivable_human", portable(&render_human(&report)));
    let site = find(&report, "S3007", "Site", None);
    assert_eq!(site.status, Status::Fail);
    assert_eq!(
        site.waiver_record.as_ref().and_then(|r| r.refused),
        Some(Refusal::Unwaivable)
    );
    let refused: Vec<_> = report
        .waiver_diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::Unwaivable)
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!((refused[0].line, refused[0].column), (3, 1));
}

#[test]
fn unwaivable_severity_refuses_every_waiver_at_or_above_it() {
    let report = lint("[waivers]\nunwaivable-severity = \"error\"\n", true);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.status != Status::Suppressed),
        "every waived rule here is error-level"
    );
    let warning = lint(
        "[waivers]\nunwaivable-severity = \"error\"\n[severity]\nS3007 = \"warning\"\n",
        true,
    );
    assert_eq!(
        find(&warning, "S3007", "Site", None).status,
        Status::Suppressed
    );
}

#[test]
fn one_template_alone_does_not_judge_unscoped_file_waivers() {
    let bytes = std::fs::read(template()).expect("read");
    let options = Options {
        waivers: file::load(&waiver_file()).expect("parses"),
        today: Some(today()),
        ..Options::default()
    };
    let report = lint_bytes(&template(), &bytes, &options).expect("lints");
    let unused: Vec<&str> = report
        .waiver_diagnostics
        .iter()
        .filter(|d| d.source == WaiverSource::File)
        .map(|d| d.rule.as_str())
        .collect();
    // S3001 names app.yaml, so it is judged; no unscoped waiver is unused.
    assert_eq!(unused, ["S3001"]);
}

fn parse_error(text: &str) -> String {
    file::parse(Path::new("w.toml"), text)
        .expect_err("refused")
        .to_string()
}

#[test]
fn malformed_waiver_files_are_located() {
    let entry = "[[waiver]]\nrule = \"S3001\"\nresource = \"Site\"\n";
    assert_eq!(
        parse_error(&format!("{entry}reason = \"  \"\n")),
        "w.toml:4:10: key `waiver[0].reason`: must not be empty"
    );
    assert_eq!(
        parse_error(entry),
        "w.toml:1:1: key `waiver[0]`: missing field `reason`"
    );
    assert_eq!(
        parse_error(&format!("{entry}reason = \"r\"\nexpires = 2026-02-30\n")),
        "w.toml:5:11: invalid date, expected day between 01 and 28"
    );
    assert_eq!(
        parse_error(&format!("{entry}reason = \"r\"\nexpires = \"soon\"\n")),
        "w.toml:5:11: key `waiver[0].expires`: `soon` is not a date (expected YYYY-MM-DD)"
    );
    let unknown_rule =
        parse_error("[[waiver]]\nrule = \"S9999\"\nresource = \"x\"\nreason = \"r\"\n");
    assert!(
        unknown_rule.starts_with("w.toml:2:8: key `waiver[0].rule`: unknown rule `S9999`"),
        "{unknown_rule}"
    );
    let unknown_key = parse_error(&format!("{entry}reason = \"r\"\napprover_ = \"x\"\n"));
    assert!(
        unknown_key.starts_with("w.toml:5:1: key `waiver[0].approver_`: unknown field `approver_`"),
        "{unknown_key}"
    );
    assert!(parse_error("[[waiver]\n").starts_with("w.toml:1:"));
}

fn policy_lint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_binary_reads_waiver_files_from_the_flag_and_the_config() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[[waiver]]\nrule = \"S3001\"\n").expect("write");
    let out = policy_lint(&[
        "lint",
        "tests/fixtures/waivers/app.yaml",
        "--waivers",
        path(&bad),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml:1:1: key `waiver[0]`: missing field `resource`"),
        "{stderr}"
    );

    // `[waivers] files` is relative to the config file.
    let config = tmp.path().join("policy-lint.toml");
    std::fs::write(&config, "[waivers]\nfiles = [\"w/reviewed.toml\"]\n").expect("write");
    std::fs::create_dir(tmp.path().join("w")).expect("mkdir");
    let reviewed = "[[waiver]]\nrule = \"S3002\"\nresource = \"Site\"\nreason = \"agreed\"\n";
    std::fs::write(tmp.path().join("w/reviewed.toml"), reviewed).expect("write");
    let args = [
        "lint",
        "tests/fixtures/waivers/app.yaml",
        "--config",
        path(&config),
    ];
    let out = policy_lint(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let acl = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "S3002")
        .expect("S3002");
    assert_eq!(acl["status"], "suppressed");
    assert_eq!(acl["waiver_record"]["source"], "file");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn waivers_schema_in_docs_is_up_to_date() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy-lint-waivers.schema.json");
    let schema = file::json_schema();
    if std::env::var_os("STACKWRIGHT_BLESS").is_some() {
        std::fs::write(&path, &schema).expect("write schema");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == schema,
        "docs/policy-lint-waivers.schema.json is stale: run `STACKWRIGHT_BLESS=1 cargo test -p \
         policy-lint --test waivers`"
    );
    let out = policy_lint(&["waivers-schema"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), schema);
    let doc: serde_json::Value = serde_json::from_str(&schema).expect("json");
    let entry = &doc["$defs"]["Entry"];
    assert_eq!(
        entry["required"],
        serde_json::json!(["rule", "resource", "reason"])
    );
}

#[test]
fn the_waiver_file_validates_against_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(&file::json_schema()).expect("json");
    let text = std::fs::read_to_string(waiver_file()).expect("read");
    let value: toml::Value = toml::from_str(&text).expect("toml");
    let mut instance = serde_json::to_value(&value).expect("to json");
    // TOML dates become strings in JSON, as the schema describes them.
    for entry in instance["waiver"].as_array_mut().expect("entries") {
        if let Some(date) = entry.get("expires").map(|d| d.to_string()) {
            entry["expires"] = serde_json::json!(date.trim_matches('"'));
        }
    }
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    assert!(validator.is_valid(&instance), "{instance}");
}

#[test]
fn metadata_expiry_must_be_a_date() {
    let template = |expires: &str| {
        format!(
            "Resources:\n  B:\n    Type: AWS::SNS::Topic\n    Metadata:\n      stackwright:\n        \
             waivers:\n          - rule: SNS001\n            reason: r\n            expires: {expires}\n"
        )
    };
    let options = Options {
        today: Some(today()),
        ..Options::default()
    };
    let lint =
        |text: String| lint_bytes(Path::new("t.yaml"), text.as_bytes(), &options).expect("lints");
    // An unquoted YAML date is read as the date it spells.
    let report = lint(template("2099-01-01"));
    assert_eq!(
        find(&report, "SNS001", "B", None).status,
        Status::Suppressed
    );
    let report = lint(template("next week"));
    assert_eq!(find(&report, "SNS001", "B", None).status, Status::Fail);
    let problem = find(&report, "TPL001", "B", None);
    assert!(
        problem
            .message
            .contains("the waiver of `SNS001` has `expires: next week`, not a date"),
        "{}",
        problem.message
    );
}

#[test]
fn sarif_with_waivers_is_valid_against_the_official_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .expect("the schema fixture is readable");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema parses");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    for config in [
        "",
        "[waivers]\nunwaivable = [\"S3007\"]\nfail-on-unused = true\n",
    ] {
        let report = lint(config, true);
        let sarif: serde_json::Value =
            serde_json::from_str(&render_sarif(&report, root)).expect("sarif");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
