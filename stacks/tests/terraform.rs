//! The Terraform JSON of the expense stack: an insta snapshot, determinism, and the parity of
//! the two engines' outputs under the policy linter.
//!
//! Parity is the point of writing both from one construct tree: for the committed stacks and
//! for a deliberately weakened variant (public bucket, wildcard IAM action, an unauthorized API
//! method, a log group without retention, a short password), the linter must give, per
//! construct and per rule, the same verdicts (passes included) on `main.tf.json` as on the
//! template. Findings are mapped to constructs by the construct path each output records (the
//! template's `Metadata`, the Terraform resource's `"//"` object).

use std::collections::BTreeSet;
use std::error::Error;
use std::path::Path;

use policy_lint::finding::Status;
use policy_lint::lint::{Options, lint_bytes};
use serde_json::{Value, json};
use stackwright::assembly::render_json;
use stackwright::expense::{self, ExpenseConfig};
use synth::Stack;
use synth::terraform::TfOptions;

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

const PATH_KEY: &str = "stackwright:path";

fn config(env: &str) -> TestResult<ExpenseConfig> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("config/{env}.toml"));
    Ok(toml::from_str(&std::fs::read_to_string(&path)?)?)
}

fn stack(env: &str) -> TestResult<(Stack, TfOptions)> {
    let config = config(env)?;
    let app = expense::build(&config)?;
    Ok((app.stacks()[0].clone(), config.terraform_options()))
}

fn terraform(env: &str) -> TestResult<Value> {
    let (stack, options) = stack(env)?;
    Ok(synth::terraform::render(&stack, &options)?)
}

#[test]
fn dev_terraform_snapshot() -> TestResult {
    insta::assert_json_snapshot!("dev", terraform("dev")?);
    Ok(())
}

#[test]
fn terraform_is_byte_for_byte_deterministic() -> TestResult {
    for env in ["dev", "prod"] {
        let first = render_json(&terraform(env)?);
        for _ in 0..3 {
            assert!(first == render_json(&terraform(env)?), "{env}");
        }
    }
    Ok(())
}

#[test]
fn stack_tags_are_default_tags_and_retained_resources_cannot_be_destroyed() -> TestResult {
    let tf = terraform("prod")?;
    assert_eq!(
        tf["provider"]["aws"]["default_tags"]["tags"]["environment"],
        "prod"
    );
    assert_eq!(tf["provider"]["aws"]["region"], "${var.region}");
    let table = &tf["resource"]["aws_dynamodb_table"]["expenses"];
    assert_eq!(table["lifecycle"]["prevent_destroy"], true);
    assert!(
        table.get("tags").is_none(),
        "only tags beyond default_tags: {table}"
    );
    assert_eq!(
        tf["terraform"]["required_providers"]["aws"],
        json!({"source": "hashicorp/aws", "version": "~> 6.0"})
    );
    Ok(())
}

/// (construct path, rule, control, detail, status) of every evaluation. `construct` maps a
/// resource id or address, and the head of a reference in a detail (`Logs.Arn`,
/// `aws_cloudwatch_log_group.logs.arn`), to its construct path.
fn verdicts(
    file: &str,
    bytes: &[u8],
    construct: impl Fn(&str) -> Option<String>,
) -> BTreeSet<String> {
    let report = lint_bytes(Path::new(file), bytes, &Options::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    report
        .findings
        .iter()
        // The region variable exists only on the Terraform side (CloudFormation takes the
        // region from the deployment), so its evaluations have no counterpart.
        .filter(|f| f.resource != "var.region")
        .map(|f| {
            let path = construct(&f.resource).unwrap_or_else(|| format!("? {}", f.resource));
            // A detail can name a property in either spelling (`IdToken`, `id_token`) and a
            // resource by either engine's reference.
            let detail = f.detail.as_ref().map(|d| {
                references_to_paths(d, &construct)
                    .replace('_', "")
                    .to_ascii_lowercase()
            });
            format!("{path} {} {} {detail:?} {:?}", f.rule, f.control, f.status)
        })
        .collect()
}

/// `${X.Arn}` and `${aws_x.x.arn}:*` (the log group ARN's suffix CloudFormation includes) both
/// read `${<construct path>}`.
fn references_to_paths(detail: &str, construct: &impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = detail;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start + 2]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let parts: Vec<&str> = inner.split('.').collect();
        let path =
            construct(parts[0]).or_else(|| construct(&parts[..2.min(parts.len())].join(".")));
        out.push_str(&path.unwrap_or_else(|| inner.to_owned()));
        out.push('}');
        rest = after[end + 1..]
            .strip_prefix(":*")
            .unwrap_or(&after[end + 1..]);
    }
    out.push_str(rest);
    out
}

fn cfn_verdicts(template: &Value) -> BTreeSet<String> {
    let bytes = render_json(template);
    verdicts("stack.template.json", &bytes, |id| {
        if template["Outputs"].get(id).is_some() {
            return Some(format!("output {}", id.to_ascii_lowercase()));
        }
        template["Resources"][id]["Metadata"][PATH_KEY]
            .as_str()
            .map(str::to_owned)
    })
}

fn tf_verdicts(config: &Value) -> BTreeSet<String> {
    let bytes = render_json(config);
    verdicts("main.tf.json", &bytes, |address| {
        let (ty, name) = address.split_once('.')?;
        if ty == "output" {
            return Some(format!("output {}", name.replace('_', "")));
        }
        config["resource"][ty][name]["//"][PATH_KEY]
            .as_str()
            .map(str::to_owned)
    })
}

fn assert_parity(stack: &Stack, options: &TfOptions) -> TestResult<BTreeSet<String>> {
    let cfn = cfn_verdicts(&stack.to_template()?);
    let tf = tf_verdicts(&synth::terraform::render(stack, options)?);
    let only_cfn: Vec<&String> = cfn.difference(&tf).collect();
    let only_tf: Vec<&String> = tf.difference(&cfn).collect();
    assert!(
        only_cfn.is_empty() && only_tf.is_empty(),
        "only in CloudFormation: {only_cfn:#?}\nonly in Terraform: {only_tf:#?}"
    );
    assert!(
        cfn.len() > 100,
        "the comparison compares something: {cfn:#?}"
    );
    Ok(cfn)
}

#[test]
fn both_engines_get_the_same_verdicts_for_the_committed_stacks() -> TestResult {
    for env in ["dev", "prod"] {
        let (stack, options) = stack(env)?;
        let verdicts = assert_parity(&stack, &options)?;
        let waived = verdicts
            .iter()
            .filter(|v| v.ends_with(&format!("{:?}", Status::Suppressed)));
        assert_eq!(
            waived.count(),
            3,
            "{env}: the erasure waivers and the cursor-secret waiver apply in both"
        );
    }
    Ok(())
}

fn id_of(stack: &Stack, path: &str) -> TestResult<synth::LogicalId> {
    stack
        .resources()
        .find(|(_, _, p)| p.to_string() == path)
        .map(|(id, _, _)| id.clone())
        .ok_or_else(|| format!("no resource at `{path}`").into())
}

/// The dev stack with five weaknesses, each through the construct API's escape hatch.
fn weakened() -> TestResult<(Stack, TfOptions)> {
    let (mut stack, options) = stack("dev")?;
    let bucket = id_of(&stack, "Site/Bucket/Resource")?;
    let block = "Properties.PublicAccessBlockConfiguration";
    stack.add_override(&bucket, &format!("{block}.BlockPublicPolicy"), json!(false))?;
    stack.add_override(
        &bucket,
        &format!("{block}.RestrictPublicBuckets"),
        json!(false),
    )?;
    stack.add_override(&bucket, &format!("{block}.BlockPublicAcls"), json!(false))?;
    stack.add_override(&bucket, &format!("{block}.IgnorePublicAcls"), json!(false))?;
    stack.add_override(&bucket, "Properties.AccessControl", json!("PublicRead"))?;
    let role = id_of(&stack, "CreateExpense/ServiceRole")?;
    let statement = "Properties.Policies.0.PolicyDocument.Statement.0";
    stack.add_override(&role, &format!("{statement}.Action"), json!("*"))?;
    let method = id_of(&stack, "Api/expenses/GET/Resource")?;
    stack.add_override(&method, "Properties.AuthorizationType", json!("NONE"))?;
    stack.add_deletion_override(&method, "Properties.AuthorizerId")?;
    let logs = id_of(&stack, "CreateExpense/LogGroup")?;
    stack.add_deletion_override(&logs, "Properties.RetentionInDays")?;
    let users = id_of(&stack, "Users/Resource")?;
    let length = "Properties.Policies.PasswordPolicy.MinimumLength";
    stack.add_override(&users, length, json!(6))?;
    Ok((stack, options))
}

#[test]
fn both_engines_get_the_same_verdicts_for_a_weakened_stack() -> TestResult {
    let (stack, options) = weakened()?;
    let verdicts = assert_parity(&stack, &options)?;
    let failed: Vec<&String> = verdicts.iter().filter(|v| v.ends_with("Fail")).collect();
    for construct in [
        "Site/Bucket/Resource",
        "CreateExpense/ServiceRole",
        "Api/expenses/GET/Resource",
        "CreateExpense/LogGroup",
        "Users/Resource",
    ] {
        let path = format!("expense-tracker-dev/{construct} ");
        assert!(
            failed.iter().any(|v| v.starts_with(&path)),
            "no failure on {construct}: {failed:#?}"
        );
    }
    Ok(())
}

/// The Terraform of every committed stack fits the hashicorp/aws provider's schema: types,
/// arguments, blocks, value types and the attributes each `${…}` reference names.
#[test]
fn terraform_fits_the_provider_schema() -> TestResult {
    for env in ["dev", "prod"] {
        let config = terraform(env)?;
        let violations = synth::tf_schema::validate(&config, &format!("{env}/main.tf.json"));
        let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
        assert!(listed.is_empty(), "{env}:\n{}", listed.join("\n"));
    }
    Ok(())
}
