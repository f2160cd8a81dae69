//! `decode FILE [--resolve]` output, pinned as snapshots: every short form
//! in long form (CASE-012), and a template after `Fn::ForEach` expansion
//! and resolution (CASE-010, CASE-012).

use std::path::{Path, PathBuf};

use policy_lint::load::Limits;
use policy_lint::resolve::decode;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cases")
        .join(name)
}

fn decoded(name: &str, resolve: bool) -> serde_json::Value {
    decode(&case(name), resolve, &Limits::default()).expect("decodes")
}

#[test]
fn case_012_decoded() {
    insta::assert_json_snapshot!(decoded("CASE-012.yaml", false));
}

#[test]
fn case_012_resolved() {
    insta::assert_json_snapshot!(decoded("CASE-012.yaml", true));
}

#[test]
fn case_010_resolved() {
    insta::assert_json_snapshot!(decoded("CASE-010.yaml", true));
}

#[test]
fn plan_decodes_with_unknowns() {
    let plan = decoded("CASE-008.tfplan.json", true);
    let values = &plan["planned_values"]["root_module"]["resources"][0]["values"];
    assert_eq!(
        values["arn"],
        serde_json::json!({"$unknown": "known after apply"})
    );
    assert_eq!(values["name"], "example-global-reads");
}

#[test]
fn decoding_is_deterministic() {
    let a = serde_json::to_string(&decoded("CASE-025.yaml", true)).expect("json");
    let b = serde_json::to_string(&decoded("CASE-025.yaml", true)).expect("json");
    assert_eq!(a, b);
}
