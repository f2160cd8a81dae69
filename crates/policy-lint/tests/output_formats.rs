//! The CI formats (SARIF, JUnit XML, GitHub workflow commands) for one small
//! template with a failure, an unknown and a waived finding whose reason
//! holds characters each format must escape (`ci.yaml`), pinned by insta
//! snapshots; the SARIF log is also validated against the official SARIF
//! 2.1.0 schema (`tests/fixtures/sarif/`, see its PROVENANCE.md).

use std::path::Path;

use clap::Parser as _;
use policy_lint::cli::{Destination, LintArgs, OutputFormat, destinations};
use policy_lint::lint::{Options, lint_paths};
use policy_lint::output::{Report, render_github, render_junit, render_sarif};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture under `tests/fixtures/output`, or a path from the crate root.
fn report(name: &str) -> Report {
    let path = if name.contains('/') {
        root().join(name)
    } else {
        root().join("tests/fixtures/output").join(name)
    };
    lint_paths(&[path], &Options::default())
}

fn sarif(name: &str) -> String {
    let version = format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION"));
    render_sarif(&report(name), root()).replace(&version, "\"semanticVersion\": \"[version]\"")
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("ci_sarif", sarif("ci.yaml"));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("ci_junit", render_junit(&report("ci.yaml"), root()));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("ci_github", render_github(&report("ci.yaml"), root()));
}

#[test]
fn input_errors_in_every_ci_format() {
    let report = report("broken.yaml");
    insta::assert_snapshot!("broken_junit", render_junit(&report, root()));
    insta::assert_snapshot!("broken_github", render_github(&report, root()));
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .expect("the schema fixture is readable");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema parses");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    let expense = "tests/fixtures/report/expense-dev.template.json";
    for name in [
        "ci.yaml",
        "mixed.yaml",
        "clean.json",
        "broken.yaml",
        expense,
    ] {
        let log: serde_json::Value = serde_json::from_str(&sarif(name)).expect("SARIF parses");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_schema_check_can_fail() {
    let validator = sarif_validator();
    let mut log: serde_json::Value = serde_json::from_str(&sarif("ci.yaml")).expect("parses");
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_fingerprints_ignore_line_moves() {
    let original = report("ci.yaml");
    let mut moved = original.clone();
    for f in &mut moved.findings {
        f.line += 7;
    }
    let prints = |r: &Report| {
        let log: serde_json::Value =
            serde_json::from_str(&render_sarif(r, root())).expect("SARIF parses");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect::<Vec<_>>()
    };
    let before = prints(&original);
    assert_eq!(before, prints(&moved));
    let unique: std::collections::BTreeSet<String> =
        before.iter().map(ToString::to_string).collect();
    assert_eq!(unique.len(), before.len(), "fingerprints are distinct");
}

fn args(extra: &[&str]) -> LintArgs {
    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        lint: LintArgs,
    }
    let argv = ["policy-lint"].iter().chain(extra).chain(&["t.yaml"]);
    Wrapper::try_parse_from(argv).expect("arguments parse").lint
}

#[test]
fn one_format_goes_to_standard_output_by_default() {
    let got = destinations(&args(&[])).expect("valid");
    assert_eq!(got, vec![(OutputFormat::Human, Destination::Stdout)]);
}

#[test]
fn several_formats_need_files_or_a_directory() {
    let err = destinations(&args(&["--format", "human", "--format", "sarif"]))
        .expect_err("two formats on standard output");
    assert!(err.to_string().contains("--output-dir"), "{err}");

    let got = destinations(&args(&[
        "--format",
        "human",
        "--format",
        "sarif=out/lint.sarif",
        "--format",
        "junit",
        "--output-dir",
        "reports",
    ]))
    .expect("valid");
    assert_eq!(
        got,
        vec![
            (
                OutputFormat::Human,
                Destination::File("reports/policy-lint.txt".into())
            ),
            (
                OutputFormat::Sarif,
                Destination::File("out/lint.sarif".into())
            ),
            (
                OutputFormat::Junit,
                Destination::File("reports/policy-lint.junit.xml".into())
            ),
        ]
    );
}

#[test]
fn format_with_file_leaves_standard_output_to_the_other() {
    let got =
        destinations(&args(&["--format", "github", "--format", "sarif=x.sarif"])).expect("valid");
    assert_eq!(got[0], (OutputFormat::Github, Destination::Stdout));
}

#[test]
fn two_formats_cannot_share_a_file() {
    let err = destinations(&args(&["--format", "json=a", "--format", "sarif=a"]))
        .expect_err("same file twice");
    assert_eq!(
        err.to_string(),
        "formats `json` and `sarif` would both write to a"
    );
}

#[test]
fn bad_format_values_are_refused_by_the_parser() {
    #[derive(clap::Parser, Debug)]
    struct Wrapper {
        #[command(flatten)]
        lint: LintArgs,
    }
    for bad in ["xml", "sarif=", "=x"] {
        let parsed = Wrapper::try_parse_from(["policy-lint", "--format", bad, "t.yaml"]);
        assert!(parsed.is_err(), "`{bad}` is refused");
    }
}
