//! The human and JSON output for four small templates, pinned by insta
//! snapshots: one with a failure under a condition value, an unknown and an
//! input problem (`mixed.yaml`), a compliant one (`clean.json`), one that
//! does not parse (`broken.yaml`) and one whose policies are JSON text
//! (`policy_text.yaml`: findings point at the string).
//!
//! Paths are made relative to the crate and the tool version is redacted, so
//! the snapshots depend neither on the checkout's location nor on releases.

use std::path::Path;

use policy_lint::lint::{Options, lint_paths};
use policy_lint::output::{render_human, render_json};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/output")
        .join(name)
}

/// Output text with the crate's absolute path and the version taken out.
fn portable(text: &str) -> String {
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    text.replace(&root, "")
        .replace(&version, "\"version\": \"[version]\"")
}

fn outputs(name: &str) -> (String, String) {
    let report = lint_paths(&[fixture(name)], &Options::default());
    (
        portable(&render_human(&report)),
        portable(&render_json(&report)),
    )
}

#[test]
fn mixed_findings() {
    let (human, json) = outputs("mixed.yaml");
    insta::assert_snapshot!("mixed_human", human);
    insta::assert_snapshot!("mixed_json", json);
}

#[test]
fn clean_template() {
    let (human, json) = outputs("clean.json");
    insta::assert_snapshot!("clean_human", human);
    insta::assert_snapshot!("clean_json", json);
}

#[test]
fn unparsable_template() {
    let (human, json) = outputs("broken.yaml");
    insta::assert_snapshot!("broken_human", human);
    insta::assert_snapshot!("broken_json", json);
}

#[test]
fn policies_written_as_json_text() {
    let (human, _) = outputs("policy_text.yaml");
    insta::assert_snapshot!("policy_text_human", human);
}

#[test]
fn json_output_parses_and_names_the_contract_fields() {
    let (_, json) = outputs("mixed.yaml");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    let findings = doc["findings"].as_array().expect("a findings array");
    assert!(!findings.is_empty());
    for finding in findings {
        for field in [
            "rule", "control", "severity", "status", "resource", "file", "line", "column",
        ] {
            assert!(
                finding.get(field).is_some(),
                "a finding lacks `{field}`: {finding}"
            );
        }
        assert!(finding["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert!(doc["summary"].is_object(), "a summary object");
}
