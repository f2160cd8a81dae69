//! A policy document written as JSON text is the same policy as the object
//! it holds. Every rule fixture is linted twice, as written and with each
//! policy document that holds no intrinsic turned into a JSON string (as
//! CloudFormation accepts for a `Json` property), and the findings must be
//! the same, apart from where they point: inside a string they point at the
//! string.

use std::path::{Path, PathBuf};

use policy_lint::finding::Finding;
use policy_lint::lint::{Options, lint_paths};
use policy_lint::load::{Limits, load_file};
use serde_json::{Map, Value};

/// The properties that hold a policy document, by resource type.
fn policy_keys(ty: &str) -> &'static [&'static [&'static str]] {
    match ty {
        "AWS::IAM::Role" => &[
            &["AssumeRolePolicyDocument"],
            &["Policies", "*", "PolicyDocument"],
        ],
        "AWS::IAM::User" | "AWS::IAM::Group" => &[&["Policies", "*", "PolicyDocument"]],
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::S3::BucketPolicy"
        | "AWS::SNS::TopicPolicy"
        | "AWS::SQS::QueuePolicy" => &[&["PolicyDocument"]],
        "AWS::KMS::Key" => &[&["KeyPolicy"]],
        "AWS::SecretsManager::ResourcePolicy" => &[&["ResourcePolicy"]],
        "AWS::DynamoDB::Table" => &[&["ResourcePolicy", "PolicyDocument"]],
        _ => &[],
    }
}

fn has_intrinsic(value: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k == "Ref" || k.starts_with("Fn::") || has_intrinsic(v)),
        Value::Array(items) => items.iter().any(has_intrinsic),
        _ => false,
    }
}

/// Turns the document at `keys` under `node` into JSON text; counts how
/// many it turned.
fn stringify(node: &mut Value, keys: &[&str]) -> usize {
    match keys {
        [] => match node {
            Value::Object(_) if !has_intrinsic(node) => {
                *node = Value::String(node.to_string());
                1
            }
            _ => 0,
        },
        ["*", rest @ ..] => match node {
            Value::Array(items) => items.iter_mut().map(|i| stringify(i, rest)).sum(),
            _ => 0,
        },
        [key, rest @ ..] => node.get_mut(*key).map_or(0, |n| stringify(n, rest)),
    }
}

fn string_twin(template: &Value) -> (Value, usize) {
    let mut twin = template.clone();
    let mut turned = 0;
    let resources = twin.get_mut("Resources").and_then(Value::as_object_mut);
    for resource in resources.into_iter().flat_map(Map::values_mut) {
        let ty = resource
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(props) = resource.get_mut("Properties") else {
            continue;
        };
        for keys in policy_keys(&ty) {
            turned += stringify(props, keys);
        }
    }
    (twin, turned)
}

/// A finding without its location.
fn unlocated(f: &Finding) -> String {
    format!(
        "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {}",
        f.rule,
        f.resource,
        f.status,
        f.path,
        f.detail,
        f.conditions,
        f.observed,
        f.waiver,
        f.message
    )
}

fn findings(path: &Path) -> Vec<String> {
    let report = lint_paths(&[path.to_path_buf()], &Options::default());
    let mut out: Vec<String> = report.findings.iter().map(unlocated).collect();
    out.sort();
    out
}

fn rule_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/fixtures/rules is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn string_twins_of_every_fixture_find_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut turned_total = 0;
    let mut failing_twins = Vec::new();
    for fixture in rule_fixtures() {
        let doc = load_file(&fixture, &Limits::default()).expect("fixture loads");
        let template = doc.root.to_json();
        let (twin, turned) = string_twin(&template);
        if turned == 0 {
            continue;
        }
        turned_total += turned;
        let name = fixture.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
        let as_object = dir.path().join(format!("{name}.object.json"));
        let as_string = dir.path().join(format!("{name}.string.json"));
        std::fs::write(&as_object, template.to_string()).expect("write");
        std::fs::write(&as_string, twin.to_string()).expect("write");
        let (expected, found) = (findings(&as_object), findings(&as_string));
        assert_eq!(
            expected,
            found,
            "{}: {turned} policies as JSON text changed the findings",
            fixture.display()
        );
        if found
            .iter()
            .any(|f| f.starts_with("IAM") && f.contains(" Fail "))
        {
            failing_twins.push(name.to_owned());
        }
    }
    // The comparison means something only if documents were turned and
    // some of them fail.
    assert!(turned_total >= 40, "only {turned_total} documents turned");
    for rule in ["IAM002", "IAM004", "IAM005", "IAM006"] {
        assert!(
            failing_twins.iter().any(|n| n.starts_with(rule)),
            "no {rule} twin has a failure: {failing_twins:?}"
        );
    }
}
