//! The Terraform adapter: every rule on a Terraform JSON fixture through the
//! real pipeline, the folding of the aws provider's split resources, plan
//! JSON with values known only after apply, and the shared cases.
//!
//! A rule fixture `tests/fixtures/tf/rules/<ID>[-topic].tf.json` is a valid
//! Terraform JSON configuration whose top-level `"//"` comment lists every
//! verdict the rule must give, one string per line:
//!
//! ```text
//! expect: <address> <pass|fail|unknown> [detail=…] [message~=…]
//! ```
//!
//! An expectation selects the rule's findings on that resource (with that
//! detail, and a message containing that text, when named); it must select
//! at least one, and all it selects must have the status named. Every
//! finding of the rule must be selected by some expectation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use policy_lint::finding::{Finding, Status};
use policy_lint::lint::{Options, lint_paths, model_of};
use policy_lint::load::{Limits, load_file};
use policy_lint::model::{Kind, Model, PolicyKind, State};
use policy_lint::rules::REGISTRY;
use policy_lint::sym::Sym;
use policy_lint::tree::{Loc, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tf")
}

fn model(name: &str) -> Model {
    let doc = load_file(&fixtures().join(name), &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    model_of(&doc)
}

#[derive(Debug)]
struct Expectation {
    text: String,
    resource: String,
    status: Status,
    detail: Option<String>,
    message: Option<String>,
}

impl Expectation {
    fn parse(line: &str) -> Result<Self, String> {
        let mut words = line.split_whitespace();
        let resource = words.next().ok_or("no resource")?.to_owned();
        let status = match words.next().ok_or("no status")? {
            "pass" => Status::Pass,
            "fail" => Status::Fail,
            "unknown" => Status::Unknown,
            other => return Err(format!("unknown status `{other}`")),
        };
        let rest: Vec<&str> = words.collect();
        let rest = rest.join(" ");
        let (mut detail, mut message) = (None, None);
        for part in rest.split(" message~=").enumerate() {
            match part {
                (0, head) => detail = head.strip_prefix("detail=").map(str::to_owned),
                (_, text) => message = Some(text.to_owned()),
            }
        }
        if message.is_none() {
            message = rest.strip_prefix("message~=").map(str::to_owned);
        }
        Ok(Self {
            text: line.to_owned(),
            resource,
            status,
            detail,
            message,
        })
    }

    fn selects(&self, f: &Finding) -> bool {
        f.resource == self.resource
            && self
                .detail
                .as_ref()
                .is_none_or(|d| f.detail.as_deref() == Some(d.as_str()))
            && self
                .message
                .as_ref()
                .is_none_or(|m| f.message.contains(m.as_str()))
    }
}

/// The expectations in a fixture's top-level `//` comment.
fn expectations(path: &Path) -> Vec<Expectation> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines = json["//"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `//` list", path.display()));
    lines
        .iter()
        .filter_map(|l| l.as_str()?.strip_prefix("expect: "))
        .map(|l| Expectation::parse(l).unwrap_or_else(|e| panic!("{}: `{l}`: {e}", path.display())))
        .collect()
}

/// Problems with one fixture, as readable lines.
fn check_fixture(path: &Path, rule: &str) -> Vec<String> {
    let report = lint_paths(&[path.to_path_buf()], &Options::default());
    let mut problems: Vec<String> = report
        .input_errors
        .iter()
        .map(|e| format!("input error: {}", e.message))
        .collect();
    let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == rule).collect();
    let expected = expectations(path);
    if expected.is_empty() {
        problems.push("no expectations".to_owned());
    }
    for e in &expected {
        let selected: Vec<&&Finding> = findings.iter().filter(|f| e.selects(f)).collect();
        if selected.is_empty() {
            problems.push(format!("`{}` selects no finding", e.text));
        }
        for f in selected.iter().filter(|f| f.status != e.status) {
            problems.push(format!("`{}`: got {:?}: {}", e.text, f.status, f.message));
        }
    }
    for f in findings
        .iter()
        .filter(|f| !expected.iter().any(|e| e.selects(f)))
    {
        problems.push(format!(
            "unexpected {:?} on {} (detail {:?}): {}",
            f.status, f.resource, f.detail, f.message
        ));
    }
    problems
}

#[test]
fn every_rule_gives_its_verdicts_on_terraform() {
    let dir = fixtures().join("rules");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/tf/rules is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".tf.json"))
        .collect();
    paths.sort();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let rule = name.split(['-', '.']).next().unwrap_or_default();
        covered.insert(rule.to_owned());
        for problem in check_fixture(path, rule) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    for rule in REGISTRY {
        if !covered.contains(rule.meta.id) {
            failures.push(format!("{}: no Terraform fixture", rule.meta.id));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Rules that never record a pass (as in `rules_cfn.rs`): their fixtures
/// need a failure only.
const FAIL_ONLY: &[&str] = &["TPL001", "IAM003"];

#[test]
fn every_rule_fixture_fails_and_passes_something() {
    let dir = fixtures().join("rules");
    for entry in std::fs::read_dir(&dir).expect("readable") {
        let path = entry.expect("entry").path();
        let statuses: BTreeSet<String> = expectations(&path)
            .iter()
            .map(|e| format!("{:?}", e.status))
            .collect();
        let name = path.display().to_string();
        assert!(statuses.contains("Fail"), "{name}: no failing resource");
        let fail_only = FAIL_ONLY.iter().any(|id| name.contains(id));
        assert!(
            fail_only || statuses.contains("Pass"),
            "{name}: no passing resource"
        );
    }
}

fn loc(line: u32, column: u32) -> Loc {
    Loc::new(line, column)
}

fn the_bucket(model: &Model) -> (&policy_lint::model::Resource, &policy_lint::model::Bucket) {
    let buckets: Vec<_> = model
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Bucket(b) => Some((r, b.as_ref())),
            _ => None,
        })
        .collect();
    assert_eq!(buckets.len(), 1, "one model bucket");
    buckets[0]
}

fn set<T: Clone + std::fmt::Debug>(o: &policy_lint::model::Observed<T>) -> T {
    match &o.state {
        State::Set(v) => v.clone(),
        other => panic!("{} is {other:?}, not set", o.path),
    }
}

#[test]
fn a_bucket_split_over_the_providers_resources_is_one_bucket() {
    let model = model("bucket_split.tf.json");
    let (resource, bucket) = the_bucket(&model);
    assert_eq!(resource.id, "aws_s3_bucket.site");
    assert_eq!(resource.loc, loc(12, 7));
    assert!(set(&resource.retained));
    assert_eq!(
        resource.retained.path,
        "aws_s3_bucket.site.lifecycle.prevent_destroy"
    );
    assert_eq!(model.default_tags.len(), 4);
    assert_eq!(resource.tags.as_ref().map(set), Some(Default::default()));
    let pab = &bucket.public_access_block;
    for (flag, value) in pab.flags() {
        assert!(set(value), "{flag}");
    }
    assert_eq!(
        pab.block_public_acls.path,
        "aws_s3_bucket_public_access_block.site.block_public_acls"
    );
    assert_eq!(pab.block_public_acls.loc, loc(28, 30));
    assert_eq!(set(&bucket.encryption), "aws:kms");
    assert_eq!(
        bucket.encryption.path,
        "aws_s3_bucket_server_side_encryption_configuration.site.rule.apply_server_side_encryption_by_default.sse_algorithm"
    );
    assert_eq!(set(&bucket.ownership), "BucketOwnerEnforced");
    assert!(set(&bucket.versioning));
    assert_eq!(
        bucket.versioning.path,
        "aws_s3_bucket_versioning.site.versioning_configuration.status"
    );
    let origins: Vec<String> = bucket
        .cors_origins
        .as_ref()
        .expect("cors")
        .iter()
        .map(set)
        .collect();
    assert_eq!(origins, ["https://app.example.com"]);
    assert_eq!(bucket.acl.value().map(String::as_str), Some("private"));
    assert!(!bucket.website);
    let policies: Vec<_> = model.policies_on("aws_s3_bucket.site").collect();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].owner, "aws_s3_bucket_policy.site");
    assert_eq!(policies[0].kind, PolicyKind::Resource);
    assert_eq!(policies[0].path, "aws_s3_bucket_policy.site.policy");
    let statement = &policies[0]
        .document
        .get("Statement")
        .and_then(|s| s.as_array())
        .expect("statements")[0];
    assert_eq!(
        statement.get("Resource").map(|r| r.to_json()),
        Some(serde_json::json!([
            "${aws_s3_bucket.site.arn}",
            "${aws_s3_bucket.site.arn}/*"
        ]))
    );
    // The parts stay resources of their own, without a bucket view.
    let others = model
        .resources
        .iter()
        .filter(|r| matches!(r.kind, Kind::Other))
        .count();
    assert_eq!(others, 6);
    // The log bucket, named by its literal name, is known to receive logs.
    let logs = model.resource("aws_s3_bucket.logs").next();
    assert!(logs.is_none(), "the log bucket is in another fixture");
}

#[test]
fn a_part_without_its_bucket_makes_no_bucket() {
    let model = model("orphan_part.tf.json");
    assert!(
        model
            .resources
            .iter()
            .all(|r| matches!(r.kind, Kind::Other))
    );
    assert_eq!(model.resources.len(), 1);
}

#[test]
fn plan_values_known_after_apply_are_unknown_not_absent() {
    let model = model("plan_unknowns.tfplan.json");
    let group = model
        .resource("aws_cloudwatch_log_group.api")
        .next()
        .expect("log group");
    let Kind::LogGroup(group) = &group.kind else {
        panic!("not a log group");
    };
    match &group.retention_days.state {
        State::Unknown(reason) => assert!(reason.contains("aws_ssm_parameter.days"), "{reason}"),
        other => panic!("retention is {other:?}"),
    }
    let topic = model
        .resource("aws_sns_topic.alerts")
        .next()
        .expect("topic");
    let Kind::Topic(topic) = &topic.kind else {
        panic!("not a topic");
    };
    assert_eq!(
        set(&topic.kms_key),
        Sym::reference("aws_kms_key.main", Some("arn"))
    );
    let function = model
        .resource("aws_lambda_function.api")
        .next()
        .expect("function");
    let Kind::Function(function) = &function.kind else {
        panic!("not a function");
    };
    // Computed by the provider, not configured: the documented default applies.
    assert!(function.kms_key.is_absent(), "{:?}", function.kms_key);
    let var = &function.environment["TABLE"];
    match &var.state {
        State::Unknown(reason) => assert!(reason.starts_with("known after apply"), "{reason}"),
        other => panic!("TABLE is {other:?}"),
    }
}

#[test]
fn plan_links_parts_and_policies_through_configuration_references() {
    let model = model("plan_unknowns.tfplan.json");
    let (resource, bucket) = the_bucket(&model);
    assert_eq!(resource.id, "aws_s3_bucket.site");
    assert!(set(&bucket.public_access_block.block_public_policy));
    let policy = model
        .policies_on("aws_s3_bucket.site")
        .next()
        .expect("bucket policy");
    let statement = &policy
        .document
        .get("Statement")
        .and_then(|s| s.as_array())
        .expect("statements")[0];
    assert_eq!(
        statement.get("Effect").and_then(|e| e.as_str()),
        Some("Deny")
    );
    let resource = statement
        .get("Resource")
        .and_then(|r| r.as_array())
        .expect("resources");
    assert!(
        matches!(resource[0].value, Value::Unknown(_)),
        "{:?}",
        resource[0]
    );
}

#[test]
fn case_006_roles_and_trust_policies() {
    let model = model("cases/CASE-006.tf.json");
    let ids: Vec<&str> = model.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["aws_iam_role.private_connect", "aws_iam_role.wide_open"]
    );
    assert!(
        model
            .resources
            .iter()
            .all(|r| matches!(r.kind, Kind::Role(_)))
    );
    assert_eq!(model.policies.len(), 2);
    for (policy, line) in model.policies.iter().zip([10, 14]) {
        assert_eq!(policy.kind, PolicyKind::Trust);
        assert_eq!(
            policy.attached_to,
            [Sym::reference(policy.owner.clone(), None)]
        );
        assert_eq!(policy.path, format!("{}.assume_role_policy", policy.owner));
        assert_eq!(policy.document.loc, loc(line, 31));
        let principal = policy
            .document
            .pointer(&["Statement"])
            .and_then(|s| s.as_array())
            .expect("statements")[0]
            .pointer(&["Principal", "AWS"])
            .and_then(|p| p.as_str());
        assert_eq!(principal, Some("*"));
    }
    let condition = model.policies[0]
        .document
        .get("Statement")
        .and_then(|s| s.as_array())
        .expect("statements")[0]
        .pointer(&["Condition", "StringLike", "aws:PrincipalArn"])
        .map(|c| c.to_json());
    assert_eq!(
        condition,
        Some(serde_json::json!([
            "arn:aws:iam::111111111111:role/example-connect-*",
            "arn:aws:iam::222222222222:role/example-seeder"
        ]))
    );
    assert!(model.policies[1].document.pointer(&["Statement"]).is_some());
}

#[test]
fn case_008_plan_policies() {
    let model = model("cases/CASE-008.tfplan.json");
    let ids: Vec<&str> = model.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["aws_iam_policy.global_reads", "aws_iam_policy.too_broad"]
    );
    assert!(
        model
            .resources
            .iter()
            .all(|r| matches!(r.kind, Kind::ManagedPolicy))
    );
    let lines: Vec<u32> = model.resources.iter().map(|r| r.loc.line).collect();
    assert_eq!(lines, [7, 26]);
    for (policy, line) in model.policies.iter().zip([19, 38]) {
        assert_eq!(policy.kind, PolicyKind::Identity);
        assert!(policy.attached_to.is_empty());
        assert_eq!(policy.path, format!("{}.policy", policy.owner));
        assert_eq!(policy.document.loc.line, line);
        assert_eq!(
            policy
                .document
                .pointer(&["Version"])
                .and_then(|v| v.as_str()),
            Some("2012-10-17")
        );
    }
    let resource = model.policies[1]
        .document
        .get("Statement")
        .and_then(|s| s.as_array())
        .expect("statements")[0]
        .get("Resource")
        .map(|r| r.to_json());
    assert_eq!(resource, Some(serde_json::json!("*")));
    assert_eq!(
        model.policies[0].name.as_deref(),
        Some("example-global-reads")
    );
}

fn policy<'m>(model: &'m Model, owner: &str, path: &str) -> &'m policy_lint::model::Policy {
    model
        .policies
        .iter()
        .find(|p| p.owner == owner && p.path == path)
        .unwrap_or_else(|| panic!("no policy {path} on {owner}"))
}

#[test]
fn every_way_of_writing_a_policy_becomes_a_model_policy() {
    let model = model("iam.tf.json");
    let role = model.resource("aws_iam_role.api").next().expect("role");
    let Kind::Role(role_view) = &role.kind else {
        panic!("not a role");
    };
    assert!(role_view.is_lambda_role());
    let managed: Vec<(String, String)> = role_view
        .managed_policies
        .iter()
        .map(|m| (set(m).to_string(), m.path.clone()))
        .collect();
    assert_eq!(
        managed,
        [
            (
                "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess".to_owned(),
                "aws_iam_role.api.managed_policy_arns[0]".to_owned()
            ),
            (
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_owned(),
                "aws_iam_role_policy_attachment.basic.policy_arn".to_owned()
            ),
        ]
    );

    let trust = policy(
        &model,
        "aws_iam_role.api",
        "aws_iam_role.api.assume_role_policy",
    );
    assert_eq!(trust.kind, PolicyKind::Trust);
    assert_eq!(
        trust.document.to_json(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sts:AssumeRole"],
            "Principal": {"Service": ["lambda.amazonaws.com"]}
        }]})
    );

    let inline = policy(
        &model,
        "aws_iam_role.api",
        "aws_iam_role.api.inline_policy.policy",
    );
    assert_eq!(inline.name.as_deref(), Some("tracing"));
    assert_eq!(
        inline.document.to_json(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"
        }]})
    );

    let table = policy(
        &model,
        "aws_iam_role_policy.table",
        "aws_iam_role_policy.table.policy",
    );
    assert_eq!(table.kind, PolicyKind::Identity);
    assert_eq!(
        table.attached_to,
        [Sym::reference("aws_iam_role.api", None)]
    );
    assert_eq!(
        table.document.to_json(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": ["${aws_cloudwatch_log_group.api.arn}:*"]},
            {"Sid": "Items", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
             "Resource": ["${aws_dynamodb_table.expenses.arn}"],
             "Condition": {"ForAllValues:StringEquals": {
                 "dynamodb:LeadingKeys": ["$${aws:userid}"], "dynamodb:Attributes": ["userId"]}}},
            {"Effect": "Deny", "NotAction": ["dynamodb:Query"],
             "NotResource": ["arn:${data.aws_partition.current.partition}:dynamodb:*:*:table/other"]}
        ]})
    );

    // The strings of a document are templates, read with the document's lookup.
    let doc = load_file(&fixtures().join("iam.tf.json"), &Limits::default()).expect("loads");
    let lookup = policy_lint::adapt::tf::lookup(&doc);
    let statements = table
        .document
        .get("Statement")
        .and_then(|s| s.as_array())
        .expect("statements");
    let read =
        |n: &policy_lint::tree::Node| policy_lint::adapt::Lookup::sym(&lookup, n).to_string();
    let resource = statements[1]
        .pointer(&["Resource"])
        .and_then(|r| r.as_array())
        .expect("list");
    assert_eq!(read(&resource[0]), "${aws_dynamodb_table.expenses.arn}");
    let leading = statements[1]
        .pointer(&[
            "Condition",
            "ForAllValues:StringEquals",
            "dynamodb:LeadingKeys",
        ])
        .and_then(|r| r.as_array())
        .expect("list");
    assert_eq!(read(&leading[0]), "${aws:userid}");
    let not_resource = statements[2]
        .pointer(&["NotResource"])
        .and_then(|r| r.as_array())
        .expect("list");
    assert_eq!(
        read(&not_resource[0]),
        "arn:${AWS::Partition}:dynamodb:*:*:table/other"
    );

    let shared = policy(
        &model,
        "aws_iam_policy.shared",
        "aws_iam_policy.shared.policy",
    );
    assert_eq!(
        shared.attached_to,
        [
            Sym::reference("aws_iam_role.api", None),
            Sym::reference("aws_iam_role.api", None),
            Sym::text("deployer")
        ]
    );
    assert!(matches!(
        model
            .resource("aws_iam_policy.shared")
            .next()
            .map(|r| &r.kind),
        Some(Kind::ManagedPolicy)
    ));

    let permission = policy(
        &model,
        "aws_lambda_permission.apigw",
        "aws_lambda_permission.apigw",
    );
    assert_eq!(permission.kind, PolicyKind::Resource);
    assert_eq!(
        permission.attached_to,
        [Sym::reference("aws_lambda_function.api", None)]
    );
    assert_eq!(
        permission.document.to_json(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": "${aws_lambda_function.api.function_name}",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "${aws_api_gateway_rest_api.api.execution_arn}/*/*"},
                "StringEquals": {"aws:SourceAccount": "111111111111"}
            }
        }]})
    );
    assert_eq!(model.policies.len(), 5);
}

#[test]
fn plan_modules_and_instances_keep_their_addresses_and_parts() {
    let model = model("plan_modules.tfplan.json");
    let buckets: Vec<(&str, bool, Option<usize>)> = model
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Bucket(b) => {
                let acls = set(&b.public_access_block.block_public_acls);
                let tags = r.tags.as_ref().map(|t| set(t).len());
                Some((r.id.as_str(), acls, tags))
            }
            _ => None,
        })
        .collect();
    // Each instance finds its own public-access block; `tags_all`, when
    // the plan knows it, holds the provider's default tags already.
    assert_eq!(
        buckets,
        [
            ("module.site.aws_s3_bucket.b[0]", true, Some(4)),
            ("module.site.aws_s3_bucket.b[1]", false, Some(0))
        ]
    );
    let defaults: Vec<&str> = model.default_tags.keys().map(String::as_str).collect();
    assert_eq!(defaults, ["environment", "owner", "project"]);
    let b1 = model
        .resource("module.site.aws_s3_bucket.b[1]")
        .next()
        .expect("bucket");
    let Kind::Bucket(b1) = &b1.kind else {
        panic!("not a bucket");
    };
    assert_eq!(
        b1.public_access_block.block_public_acls.path,
        "module.site.aws_s3_bucket_public_access_block.b[1].block_public_acls"
    );
}

/// CloudFormation logical IDs and the Terraform addresses of the same
/// constructs in `parity/`.
const PARITY: &[(&str, &str)] = &[
    ("SiteBucket", "aws_s3_bucket.site_bucket"),
    (
        "SiteBucketPolicy",
        "aws_s3_bucket_policy.site_bucket_policy",
    ),
    ("OpenBucket", "aws_s3_bucket.open_bucket"),
    ("ExpensesTable", "aws_dynamodb_table.expenses_table"),
    ("Key", "aws_kms_key.key"),
    ("ApiRole", "aws_iam_role.api_role"),
    ("ApiFunction", "aws_lambda_function.api_function"),
    ("WorkerFunction", "aws_lambda_function.worker_function"),
    ("ApiLogGroup", "aws_cloudwatch_log_group.api_log_group"),
    (
        "AccessLogGroup",
        "aws_cloudwatch_log_group.access_log_group",
    ),
    ("AlarmTopic", "aws_sns_topic.alarm_topic"),
    ("PlainTopic", "aws_sns_topic.plain_topic"),
    ("ErrorsAlarm", "aws_cloudwatch_metric_alarm.errors_alarm"),
    ("Api", "aws_api_gateway_rest_api.api"),
    (
        "ExpensesResource",
        "aws_api_gateway_resource.expenses_resource",
    ),
    ("Authorizer", "aws_api_gateway_authorizer.authorizer"),
    ("GetMethod", "aws_api_gateway_method.get_method"),
    ("DeleteMethod", "aws_api_gateway_method.delete_method"),
    ("PreflightMethod", "aws_api_gateway_method.preflight_method"),
    ("Deployment", "aws_api_gateway_deployment.deployment"),
    ("ProdStage", "aws_api_gateway_stage.prod_stage"),
    ("TestStage", "aws_api_gateway_stage.test_stage"),
    ("UserPool", "aws_cognito_user_pool.user_pool"),
    (
        "UserPoolClient",
        "aws_cognito_user_pool_client.user_pool_client",
    ),
    ("Distribution", "aws_cloudfront_distribution.distribution"),
    ("TableRole", "aws_iam_role.table_role"),
    ("TlsBucket", "aws_s3_bucket.tls_bucket"),
    ("TlsBucketPolicy", "aws_s3_bucket_policy.tls_bucket_policy"),
    ("OpenKey", "aws_kms_key.open_key"),
];

/// Every evaluation, passes included, per construct: (construct, rule,
/// detail, status).
fn evaluations(path: &Path, construct: impl Fn(&str) -> Option<&'static str>) -> BTreeSet<String> {
    let report = lint_paths(&[path.to_path_buf()], &Options::default());
    assert!(report.input_errors.is_empty(), "{:?}", report.input_errors);
    report
        .findings
        .iter()
        .map(|f| {
            let name = construct(&f.resource).unwrap_or("?");
            // A detail can be a property name (`IdToken`, `id_token`).
            let detail = f
                .detail
                .as_ref()
                .map(|d| d.replace('_', "").to_ascii_lowercase());
            format!("{name} {} {detail:?} {:?}", f.rule, f.status)
        })
        .collect()
}

#[test]
fn the_same_constructs_give_the_same_findings_in_both_formats() {
    let dir = fixtures().join("parity");
    let cfn = evaluations(&dir.join("stack.yaml"), |id| {
        PARITY.iter().find(|(c, _)| *c == id).map(|(c, _)| *c)
    });
    let tf = evaluations(&dir.join("stack.tf.json"), |address| {
        PARITY.iter().find(|(_, t)| *t == address).map(|(c, _)| *c)
    });
    let only_cfn: Vec<&String> = cfn.difference(&tf).collect();
    let only_tf: Vec<&String> = tf.difference(&cfn).collect();
    assert!(
        only_cfn.is_empty() && only_tf.is_empty(),
        "only in CloudFormation: {only_cfn:#?}\nonly in Terraform: {only_tf:#?}"
    );
    // The stack is built to fail: make sure the comparison compares something.
    assert!(cfn.len() > 15, "{cfn:#?}");
    for evaluation in [
        "TableRole IAM001 None Pass",
        "TableRole IAM008 Some(\"action::dynamodb:scan\") Fail",
        "ExpensesTable DDB004 None Pass",
        "TlsBucket S3007 None Pass",
        "TlsBucketPolicy S3006 None Pass",
        "OpenKey PUB001 Some(\"principal::*\") Fail",
    ] {
        assert!(cfn.contains(evaluation), "{evaluation} missing: {cfn:#?}");
    }
}

#[test]
fn case_copies_match_the_shared_originals_when_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases");
    if !shared.is_dir() {
        return;
    }
    for name in [
        "CASE-006.tf.json",
        "CASE-006.expect",
        "CASE-008.tfplan.json",
        "CASE-008.expect",
    ] {
        let read =
            |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let copy = read(fixtures().join("cases").join(name));
        assert!(
            read(shared.join(name)) == copy,
            "{name} differs from ../shared/cases"
        );
    }
}

#[test]
fn waivers_in_a_resources_comment_object_suppress_its_findings() {
    let path = fixtures().join("waivers.tf.json");
    let report = lint_paths(&[path], &Options::default());
    let status = |address: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == "LOG001" && f.resource == address)
            .map(|f| (f.status, f.waiver.clone()))
            .unwrap_or_else(|| panic!("no LOG001 on {address}: {:#?}", report.findings))
    };
    assert_eq!(
        status("aws_cloudwatch_log_group.waived"),
        (
            Status::Suppressed,
            Some("a scratch log group, emptied by a scheduled job".to_owned())
        )
    );
    assert_eq!(
        status("aws_cloudwatch_log_group.peer_waived").0,
        Status::Suppressed
    );
    assert_eq!(
        status("aws_cloudwatch_log_group.not_waived").0,
        Status::Fail
    );
    assert_eq!(status("aws_cloudwatch_log_group.no_reason").0, Status::Fail);
    let problems = model("waivers.tf.json").problems;
    assert!(
        problems
            .iter()
            .any(|p| p.resource == "aws_cloudwatch_log_group.no_reason"
                && p.message.contains("gives no reason")),
        "{problems:#?}"
    );
}
