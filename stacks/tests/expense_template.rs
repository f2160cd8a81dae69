//! The synthesized expense-tracker template, per environment: insta snapshots plus structural
//! checks of what the security model asks for, so a snapshot update cannot quietly accept a
//! weaker stack.

use std::error::Error;
use std::path::Path;

use serde_json::Value;
use stackwright::expense::handlers::handlers;
use stackwright::expense::{self, ExpenseConfig};

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

fn config(env: &str) -> TestResult<ExpenseConfig> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("config/{env}.toml"));
    Ok(toml::from_str(&std::fs::read_to_string(&path)?)?)
}

fn template(env: &str) -> TestResult<Value> {
    let app = expense::build(&config(env)?)?;
    let mut stacks = app.synthesize()?;
    assert_eq!(stacks.len(), 1);
    Ok(stacks.remove(0).template)
}

fn resources<'a>(
    template: &'a Value,
    kind: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(move |(_, r)| r["Type"] == kind)
}

#[test]
fn dev_template_snapshot() -> TestResult {
    insta::assert_json_snapshot!("dev", template("dev")?);
    Ok(())
}

#[test]
fn prod_template_snapshot() -> TestResult {
    insta::assert_json_snapshot!("prod", template("prod")?);
    Ok(())
}

#[test]
fn synthesis_is_deterministic() -> TestResult {
    let first = serde_json::to_string(&template("prod")?)?;
    let second = serde_json::to_string(&template("prod")?)?;
    assert_eq!(first, second);
    Ok(())
}

#[test]
fn every_method_but_mock_preflight_uses_the_cognito_authorizer() -> TestResult {
    let template = template("prod")?;
    let mut methods = 0;
    for (id, method) in resources(&template, "AWS::ApiGateway::Method") {
        let props = &method["Properties"];
        if props["HttpMethod"] == "OPTIONS" {
            assert_eq!(props["AuthorizationType"], "NONE", "{id}");
            assert_eq!(props["Integration"]["Type"], "MOCK", "{id}");
            assert_eq!(props["MethodResponses"][0]["StatusCode"], "204", "{id}");
        } else {
            methods += 1;
            assert_eq!(props["AuthorizationType"], "COGNITO_USER_POOLS", "{id}");
            assert!(props["AuthorizerId"]["Ref"].is_string(), "{id}");
        }
    }
    assert_eq!(methods, handlers()?.len());
    Ok(())
}

#[test]
fn no_role_allows_scan_or_a_wildcard() -> TestResult {
    let template = template("prod")?;
    for (id, role) in resources(&template, "AWS::IAM::Role") {
        for statement in inline_statements(role) {
            let text = statement.to_string();
            assert!(!text.contains("dynamodb:Scan"), "{id}: {text}");
            assert!(!text.contains("\"*\""), "{id}: {text}");
            // The one trailing wildcard allowed: one function's qualifiers (its versions).
            let mut unqualified = statement.clone();
            if let Some(resources) = unqualified["Resource"].as_array_mut() {
                resources.retain(|r| !is_one_functions_qualifiers(r));
            }
            let text = unqualified.to_string();
            assert!(!text.contains(":*\""), "{id}: {text}");
        }
    }
    Ok(())
}

/// Every statement of a role's inline policies.
fn inline_statements(role: &Value) -> impl Iterator<Item = &Value> {
    role["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|policy| policy["PolicyDocument"]["Statement"].as_array())
        .flatten()
}

/// `{"Fn::Sub": "${Fn.Arn}:*"}`: the versions and aliases of one function of the stack.
fn is_one_functions_qualifiers(resource: &Value) -> bool {
    resource["Fn::Sub"]
        .as_str()
        .and_then(|text| text.strip_prefix("${"))
        .and_then(|text| text.strip_suffix(".Arn}:*"))
        .is_some_and(|id| id.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[test]
fn the_ci_role_may_delete_function_versions_but_no_function() -> TestResult {
    let template = template("prod")?;
    let (id, role) = resources(&template, "AWS::IAM::Role")
        .find(|(id, _)| id.starts_with("CiDeployRole") && !id.starts_with("CiDeployRoleProvider"))
        .ok_or("no CI deploy role")?;
    let mut deletable = Vec::new();
    for statement in inline_statements(role) {
        if statement["Action"]
            .to_string()
            .contains("lambda:DeleteFunction")
        {
            let resources = statement["Resource"].as_array().ok_or("one resource")?;
            assert!(
                resources.iter().all(is_one_functions_qualifiers),
                "{id}: {statement}"
            );
            deletable.extend(resources.iter().cloned());
        }
    }
    let functions = resources(&template, "AWS::Lambda::Function").count();
    assert_eq!(deletable.len(), functions, "{id}: {deletable:?}");
    Ok(())
}

#[test]
fn each_function_role_holds_exactly_its_handler_actions() -> TestResult {
    let template = template("dev")?;
    for handler in handlers()? {
        let (_, role) = resources(&template, "AWS::IAM::Role")
            .find(|(id, _)| id.starts_with(&format!("{}ServiceRole", handler.id)))
            .ok_or("role not found")?;
        let mut actions: Vec<String> = role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| {
                p["PolicyDocument"]["Statement"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .flat_map(|s| match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(list) => list
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        actions.sort();
        let mut expected: Vec<String> =
            ["kms:Decrypt", "logs:CreateLogStream", "logs:PutLogEvents"]
                .iter()
                .map(|a| (*a).to_owned())
                .chain(handler.function.actions.iter().map(|a| (*a).to_owned()))
                .collect();
        expected.sort();
        assert_eq!(actions, expected, "{}", handler.id);
    }
    Ok(())
}

#[test]
fn stateful_resources_are_retained_and_log_groups_keep_30_days() -> TestResult {
    let template = template("prod")?;
    let stateful = [
        "AWS::DynamoDB::Table",
        "AWS::Cognito::UserPool",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
    ];
    for kind in stateful {
        for (id, resource) in resources(&template, kind) {
            assert_eq!(resource["DeletionPolicy"], "Retain", "{id}");
            assert_eq!(resource["UpdateReplacePolicy"], "Retain", "{id}");
        }
    }
    for (id, group) in resources(&template, "AWS::Logs::LogGroup") {
        assert_eq!(group["Properties"]["RetentionInDays"], 30, "{id}");
    }
    Ok(())
}

#[test]
fn pitr_follows_the_environment() -> TestResult {
    let pitr =
        |env| -> TestResult<Value> {
            let template = template(env)?;
            let (_, table) = resources(&template, "AWS::DynamoDB::Table")
                .next()
                .ok_or("no table")?;
            Ok(table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
            .clone())
        };
    assert_eq!(pitr("dev")?, Value::Bool(false));
    assert_eq!(pitr("prod")?, Value::Bool(true));
    Ok(())
}

#[test]
fn both_buckets_arns_are_denied_without_tls() -> TestResult {
    let template = template("prod")?;
    let (_, policy) = resources(&template, "AWS::S3::BucketPolicy")
        .next()
        .ok_or("no policy")?;
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .ok_or("no statements")?;
    let deny = statements
        .iter()
        .find(|s| s["Condition"]["Bool"]["aws:SecureTransport"] == "false")
        .ok_or("no TLS deny")?;
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Resource"].as_array().map(Vec::len), Some(2));
    let allow = statements
        .iter()
        .find(|s| s["Effect"] == "Allow")
        .ok_or("no allow")?;
    assert_eq!(allow["Principal"]["Service"], "cloudfront.amazonaws.com");
    assert!(allow["Condition"]["StringEquals"]["aws:SourceArn"].is_object());
    Ok(())
}

/// The statuses the linter gives `rule` on the resources starting with `prefix`.
fn verdicts(template: &Value, rule: &str, prefix: &str) -> TestResult<Vec<String>> {
    let bytes = serde_json::to_vec_pretty(template)?;
    let options = policy_lint::lint::Options::default();
    let report = policy_lint::lint::lint_bytes(Path::new("prod.json"), &bytes, &options)?;
    Ok(report
        .findings
        .iter()
        .filter(|f| f.rule == rule && f.resource.starts_with(prefix))
        .map(|f| format!("{:?}", f.status))
        .collect())
}

#[test]
fn the_ci_role_is_pinned_to_one_repository_and_fails_when_widened() -> TestResult {
    let mut template = template("prod")?;
    let (id, role) = resources(&template, "AWS::IAM::Role")
        .find(|(id, _)| id.starts_with("CiDeployRole"))
        .ok_or("no CI deploy role")?;
    let id = id.clone();
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        "repo:example-org/expense-tracker:environment:prod"
    );
    assert_eq!(role["Properties"]["MaxSessionDuration"], 3600);
    for rule in ["IAM009", "IAM006", "IAM005", "IAM004", "IAM002"] {
        let found = verdicts(&template, rule, &id)?;
        assert!(found.iter().all(|s| s == "Pass"), "{rule}: {found:?}");
    }
    assert_eq!(verdicts(&template, "IAM009", &id)?, ["Pass"]);

    let condition = &mut template["Resources"][&id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [0]["Condition"];
    let sub = "token.actions.githubusercontent.com:sub";
    let widened = condition["StringEquals"]
        .as_object_mut()
        .ok_or("no StringEquals")?
        .remove(sub)
        .ok_or("no sub")?;
    assert!(widened.is_string());
    condition["StringLike"] = serde_json::json!({ sub: "*" });
    assert_eq!(verdicts(&template, "IAM009", &id)?, ["Fail"]);
    Ok(())
}

#[test]
fn the_ci_role_passes_only_the_stacks_own_roles_to_their_services() -> TestResult {
    let template = template("prod")?;
    let (_, role) = resources(&template, "AWS::IAM::Role")
        .find(|(id, _)| id.starts_with("CiDeployRole"))
        .ok_or("no CI deploy role")?;
    let policies = role["Properties"]["Policies"]
        .as_array()
        .ok_or("no policies")?;
    let pass = policies
        .iter()
        .find(|p| p["PolicyName"] == "PassRoles")
        .ok_or("no PassRoles policy")?;
    for statement in pass["PolicyDocument"]["Statement"]
        .as_array()
        .ok_or("no statements")?
    {
        let service = &statement["Condition"]["StringEquals"]["iam:PassedToService"];
        assert!(service.is_string(), "{statement}");
        let targets = match &statement["Resource"] {
            Value::Array(list) => list.clone(),
            single => vec![single.clone()],
        };
        for target in targets {
            let id = target["Fn::GetAtt"][0]
                .as_str()
                .ok_or("not a role of the stack")?;
            assert_eq!(template["Resources"][id]["Type"], "AWS::IAM::Role");
        }
    }
    Ok(())
}

/// With a site build folder the CI role may sync it: list the site bucket, read, write and
/// delete its objects, invalidate its distribution, and nothing wider. Without one it may not.
#[test]
fn the_ci_role_may_sync_the_site_only_when_there_is_a_build_folder() -> TestResult {
    let site_policy = |template: &Value| -> TestResult<Option<Value>> {
        let (_, role) = resources(template, "AWS::IAM::Role")
            .find(|(id, _)| id.starts_with("CiDeployRole"))
            .ok_or("no CI deploy role")?;
        Ok(role["Properties"]["Policies"]
            .as_array()
            .ok_or("no policies")?
            .iter()
            .find(|p| p["PolicyName"] == "Site")
            .cloned())
    };
    assert_eq!(site_policy(&template("prod")?)?, None);

    let mut with_site = config("prod")?;
    with_site.site.build_dir = Some("../web/dist".to_owned());
    let mut stacks = expense::build(&with_site)?.synthesize()?;
    let template = stacks.remove(0).template;
    let policy = site_policy(&template)?.ok_or("no Site policy")?;
    let statements = policy["PolicyDocument"]["Statement"]
        .as_array()
        .ok_or("no statements")?;
    let actions: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::Array(list) => list.clone(),
            single => vec![single.clone()],
        })
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        actions,
        [
            "s3:ListBucket",
            "s3:DeleteObject",
            "s3:GetObject",
            "s3:PutObject",
            "cloudfront:CreateInvalidation"
        ]
    );
    for statement in statements {
        assert!(
            !statement["Resource"].to_string().contains("\"*\""),
            "scoped to the site: {statement}"
        );
    }
    let id = resources(&template, "AWS::IAM::Role")
        .find(|(id, _)| id.starts_with("CiDeployRole"))
        .map(|(id, _)| id.clone())
        .ok_or("no CI deploy role")?;
    for rule in ["IAM006", "IAM005", "IAM004", "IAM002"] {
        let found = verdicts(&template, rule, &id)?;
        assert!(found.iter().all(|s| s == "Pass"), "{rule}: {found:?}");
    }
    Ok(())
}
