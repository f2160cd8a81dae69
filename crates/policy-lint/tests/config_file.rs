//! `policy-lint.toml`: every key read, severity overrides applied, and each
//! kind of mistake reported with the file, line, column and key; through the
//! library and through the binary (exit 2).

use std::path::{Path, PathBuf};
use std::process::Command;

use policy_lint::config_file::{self, ConfigFileError};
use policy_lint::finding::{Severity, Status};
use policy_lint::lint::{Options, lint_paths};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/output/ci.yaml")
}

fn parse(text: &str) -> Result<policy_lint::config::Config, ConfigFileError> {
    config_file::parse(Path::new("policy-lint.toml"), text)
}

fn error(text: &str) -> String {
    parse(text).expect_err("the config is refused").to_string()
}

#[test]
fn every_key_is_read() {
    let config = parse(
        r#"
lambda-allowlist = ["dynamodb:GetItem"]
lambda-discouraged = []
required-tags = ["team"]
log-retention-days = 90
max-access-token-minutes = 15
min-password-length = 14
disabled-rules = ["TAG001"]

[severity]
S3002 = "warning"
LOG001 = "info"
"#,
    )
    .expect("a valid config");
    assert_eq!(config.lambda_allowlist, ["dynamodb:GetItem"]);
    assert_eq!(config.required_tags, ["team"]);
    assert_eq!(config.log_retention_days, 90);
    assert_eq!(config.max_access_token_minutes, 15);
    assert_eq!(config.min_password_length, 14);
    assert!(!config.rule_enabled("TAG001"));
    assert_eq!(
        config.severity_of("S3002", Severity::Error),
        Severity::Warning
    );
    assert_eq!(
        config.severity_of("S3001", Severity::Error),
        Severity::Error
    );
}

#[test]
fn an_empty_file_keeps_the_defaults() {
    let config = parse("").expect("empty is valid");
    assert_eq!(config.log_retention_days, 30);
    assert!(config.severity.is_empty());
}

#[test]
fn severity_overrides_and_disabled_rules_change_the_findings() {
    let config =
        parse("disabled-rules = [\"S3007\"]\n[severity]\nS3002 = \"warning\"\n").expect("valid");
    let report = lint_paths(
        &[fixture()],
        &Options {
            config,
            ..Options::default()
        },
    );
    assert!(report.findings.iter().all(|f| f.rule != "S3007"));
    let acl = report
        .findings
        .iter()
        .find(|f| f.rule == "S3002" && f.status == Status::Fail)
        .expect("the ACL failure");
    assert_eq!(acl.severity, Severity::Warning);
    let summary = report.summary();
    assert_eq!((summary.errors, summary.warnings), (0, 1));
}

#[test]
fn an_unknown_key_names_file_line_column_and_key() {
    // The list of expected keys grows with the config; its start is enough.
    let message = error("log-retention-days = 30\nrequired-tag = [\"team\"]\n");
    assert!(
        message.starts_with(
            "policy-lint.toml:2:1: key `required-tag`: unknown field `required-tag`, expected \
             one of `lambda-allowlist`, `lambda-discouraged`, `required-tags`, "
        ),
        "{message}"
    );
}

#[test]
fn a_bad_type_names_the_key() {
    let message = error("\n[severity]\nS3002 = \"fatal\"\n");
    assert!(
        message.starts_with("policy-lint.toml:3:9: key `severity.S3002`: unknown variant `fatal`"),
        "{message}"
    );
    let message = error("log-retention-days = \"thirty\"\n");
    assert!(
        message.starts_with("policy-lint.toml:1:22: key `log-retention-days`: invalid type"),
        "{message}"
    );
}

#[test]
fn an_unknown_rule_is_refused() {
    // toml reports errors inside an array at the array; the key names the
    // element.
    let message = error("disabled-rules = [\"S3001\", \"S9999\"]\n");
    assert!(
        message.starts_with("policy-lint.toml:1:18: key `disabled-rules[1]`: unknown rule `S9999`"),
        "{message}"
    );
    let message = error("[severity]\nNOPE = \"error\"\n");
    assert!(message.contains("unknown rule `NOPE`"), "{message}");
    assert!(message.starts_with("policy-lint.toml:2:"), "{message}");
}

#[test]
fn malformed_toml_is_located() {
    let message = error("severity = [\n");
    assert!(message.starts_with("policy-lint.toml:"), "{message}");
}

#[test]
fn discovery_prefers_the_explicit_file_then_the_directory() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (config, found) = config_file::discover(None, dir.path()).expect("no file is fine");
    assert_eq!(found, None);
    assert_eq!(config.log_retention_days, 30);

    let local = dir.path().join("policy-lint.toml");
    std::fs::write(&local, "log-retention-days = 60\n").expect("write");
    let (config, found) = config_file::discover(None, dir.path()).expect("found");
    assert_eq!(found.as_deref(), Some(local.as_path()));
    assert_eq!(config.log_retention_days, 60);

    let other = dir.path().join("strict.toml");
    std::fs::write(&other, "log-retention-days = 365\n").expect("write");
    let (config, _) = config_file::discover(Some(&other), dir.path()).expect("explicit");
    assert_eq!(config.log_retention_days, 365);

    let missing = dir.path().join("missing.toml");
    let err = config_file::discover(Some(&missing), dir.path()).expect_err("missing file");
    assert!(err.to_string().starts_with("cannot read config `"), "{err}");
}

fn policy_lint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn the_binary_reads_the_config_and_exits_2_on_a_bad_one() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("policy-lint.toml"),
        "[severity]\nS3002 = \"warn\"\n",
    )
    .expect("write");
    let template = fixture();
    let out = policy_lint(
        dir.path(),
        &["lint", template.to_str().expect("utf-8 path")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: policy-lint.toml:2:9: key `severity.S3002`: unknown variant"),
        "{stderr}"
    );

    std::fs::write(
        dir.path().join("policy-lint.toml"),
        "disabled-rules = [\"S3002\", \"S3007\"]\n[severity]\nLOG001 = \"warning\"\n",
    )
    .expect("write");
    let out = policy_lint(
        dir.path(),
        &["lint", template.to_str().expect("utf-8 path")],
    );
    // The unknown is now a warning, below the default `--fail-on error`.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn config_schema_describes_every_key_and_rule() {
    let out = policy_lint(Path::new(env!("CARGO_MANIFEST_DIR")), &["config-schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let properties = schema["properties"].as_object().expect("properties");
    for key in [
        "required-tags",
        "disabled-rules",
        "severity",
        "log-retention-days",
    ] {
        assert!(properties.contains_key(key), "{key}");
    }
    assert_eq!(schema["additionalProperties"], false);
    let ids = schema["$defs"]["RuleId"]["enum"]
        .as_array()
        .expect("rule IDs");
    assert!(ids.iter().any(|id| id == "S3001"));
}

#[test]
fn the_documented_example_is_valid() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md"))
            .expect("docs/cli.md is readable");
    let example = docs
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/cli.md has a TOML example");
    parse(example).expect("the documented example parses");
}

#[test]
fn report_reads_the_config_too() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("strict.toml"),
        "disabled-rules = \"S3001\"\n",
    )
    .expect("write");
    let template = fixture();
    let out = policy_lint(
        dir.path(),
        &[
            "report",
            "--config",
            "strict.toml",
            "--out",
            "reports",
            template.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: strict.toml:1:18: key `disabled-rules`: invalid type"),
        "{stderr}"
    );
}

#[test]
fn config_schema_in_docs_is_up_to_date() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy-lint-config.schema.json");
    let schema = config_file::json_schema();
    if std::env::var_os("STACKWRIGHT_BLESS").is_some() {
        std::fs::write(&path, &schema).expect("write schema");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == schema,
        "docs/policy-lint-config.schema.json is stale: run `STACKWRIGHT_BLESS=1 cargo test -p \
         policy-lint --test config_file` or `cargo run -p policy-lint -- config-schema > \
         docs/policy-lint-config.schema.json`"
    );
}

#[test]
fn counts_below_one_are_refused_with_their_key() {
    for key in [
        "log-retention-days",
        "max-access-token-minutes",
        "min-password-length",
    ] {
        for value in ["0", "-3"] {
            let err = error(&format!("{key} = {value}\n"));
            assert!(
                err.contains(&format!("key `{key}`: must be at least 1, found {value}")),
                "{err}"
            );
            assert!(err.starts_with("policy-lint.toml:1:"), "{err}");
        }
    }
    assert_eq!(
        parse("log-retention-days = 1\n")
            .unwrap()
            .log_retention_days,
        1
    );
}
