//! The verdicts the cases in `../shared/cases` (CASE-001, 002, 003, 006,
//! 007, 008, 020, 022, 023, 025) need from the evaluator, plus the
//! semantics around them. Policies are written as JSON with
//! CloudFormation intrinsics and read through the test resolver.

use serde_json::json;

use super::*;
use crate::iam::testing::{Cfn, node, statements};
use crate::iam::{Catalog, LiteralValues, Policy};
use crate::sym::{Part, Sym};
use crate::tree::Loc;

fn catalog() -> &'static Catalog {
    Catalog::embedded()
}

fn fails<T>(findings: &[T], status: impl Fn(&T) -> &Status) -> usize {
    findings.iter().filter(|f| status(f).is_fail()).count()
}

fn tf_policy(text: &str) -> Policy {
    Policy::parse_json_text(text, Loc::new(1, 1), &LiteralValues)
}

// CASE-001: a Deny is not a grant.
#[test]
fn deny_statements_with_wildcards_are_not_grants() {
    let guardrail = statements(json!([
        {"Sid": "ReadOneBucket", "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::example-reports-bucket/*"},
        {"Sid": "NeverPassRoles", "Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"},
        {"Sid": "RegionFence", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}
    ]));
    assert_eq!(wildcard_actions(&guardrail, catalog()), []);
    assert_eq!(wildcard_resources(&guardrail, catalog()), []);
    assert_eq!(privilege_escalation(&guardrail, catalog()), []);
    assert_eq!(admin_statements(&guardrail, catalog()), []);

    let control =
        statements(json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]));
    let found = privilege_escalation(&control, catalog());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, Status::Fail);
    assert_eq!(found[0].actions[0].action.name, "PassRole");
    assert!(
        matches!(found[0].actions[0].reason, EscalationReason::Curated(e) if e.action == "iam:PassRole")
    );
}

#[test]
fn explicit_deny_overrides_allow() {
    let policy = statements(json!([
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}
    ]));
    let object = Sym::text("arn:aws:s3:::b/key");
    assert_eq!(
        is_allowed(&[&policy], "s3:GetObject", &object),
        Decision::Allowed { conditional: false }
    );
    assert_eq!(
        is_allowed(&[&policy], "s3:DeleteObject", &object),
        Decision::ExplicitDeny
    );
    assert_eq!(
        is_allowed(&[&policy], "S3:deleteobject", &object),
        Decision::ExplicitDeny
    );
    let other = Sym::text("arn:aws:s3:::c/key");
    assert_eq!(
        is_allowed(&[&policy], "s3:DeleteObject", &other),
        Decision::Allowed { conditional: false }
    );
    assert_eq!(
        is_allowed(&[&policy], "iam:PassRole", &other),
        Decision::ImplicitDeny
    );
}

#[test]
fn decisions_across_policies_conditions_and_unknowns() {
    let allow = statements(json!([{"Effect": "Allow", "Action": "dynamodb:Query",
        "Resource": [{"Fn::GetAtt": ["Table", "Arn"]}, {"Fn::Sub": "${Table.Arn}/index/*"}]}]));
    let fence = statements(json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]));
    let table = Sym::reference("Table", Some("Arn"));
    let mut index = table.clone();
    index.push(Part::Text("/index/byUser".into()));
    assert_eq!(
        is_allowed(&[&allow], "dynamodb:Query", &index),
        Decision::Allowed { conditional: false }
    );
    assert_eq!(
        is_allowed(&[&allow, &fence], "dynamodb:Query", &table),
        Decision::Allowed { conditional: true }
    );
    assert_eq!(
        is_allowed(&[&allow], "dynamodb:Query", &Sym::text("*")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        is_allowed(&[&allow], "dynamodb:Scan", &table),
        Decision::ImplicitDeny
    );

    let not_action =
        statements(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]));
    assert_eq!(
        is_allowed(&[&not_action], "iam:PassRole", &table),
        Decision::ImplicitDeny
    );
    assert_eq!(
        is_allowed(&[&not_action], "s3:GetObject", &table),
        Decision::Allowed { conditional: false }
    );

    let unknown = statements(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Ref": "ParamArn"}}]),
    );
    assert!(
        matches!(is_allowed(&[&unknown], "s3:GetObject", &table), Decision::Unknown(r) if r.contains("ParamArn"))
    );
}

// CASE-002: a wildcard principal in a Deny is not public.
#[test]
fn key_policy_with_deny_fence_is_not_public() {
    let data_key = statements(json!([
        {"Sid": "AccountAdmin", "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
            "Action": "kms:*", "Resource": "*"},
        {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}}}
    ]));
    assert_eq!(public_exposure(&data_key), []);
    let open_key = statements(json!([{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt", "Resource": "*"}]));
    let found = public_exposure(&open_key);
    assert_eq!(
        (found.len(), found[0].via.clone()),
        (1, ExposureVia::WildcardPrincipal)
    );
    assert!(found[0].status.is_fail());
}

fn data_bucket_policy() -> Policy {
    statements(json!([
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["DataBucket", "Arn"]}, {"Fn::Sub": "${DataBucket.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyObjectDeletion", "Effect": "Deny", "Principal": "*",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "Resource": {"Fn::Sub": "${DataBucket.Arn}/*"}}
    ]))
}

const DATA_BUCKET: BucketId<'static> = BucketId {
    target: "DataBucket",
    name: None,
};

// CASE-003: deny-only bucket policy: not public, TLS-only, no lockout.
#[test]
fn deny_only_bucket_policy_is_tls_only_and_no_lockout() {
    let policy = data_bucket_policy();
    assert_eq!(public_exposure(&policy), []);
    let tls = tls_only(&[&policy], &DATA_BUCKET, catalog());
    assert_eq!(tls.status(), None, "{tls:?}");
    assert!(
        matches!(&tls.bucket, Coverage::Covered(site) if site.sid.as_deref() == Some("DenyInsecureTransport"))
    );
    assert_eq!(
        owner_lockout(&policy, &LockoutTarget::S3Bucket(DATA_BUCKET), catalog()),
        []
    );
}

#[test]
fn unconditional_deny_of_policy_changes_is_a_lockout() {
    let policy = statements(
        json!([{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": ["DataBucket", "Arn"]}, {"Fn::Sub": "${DataBucket.Arn}/*"}]}]),
    );
    let found = owner_lockout(&policy, &LockoutTarget::S3Bucket(DATA_BUCKET), catalog());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].actions,
        ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
    );
    let objects_only = statements(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": {"Fn::Sub": "${DataBucket.Arn}/*"}}]),
    );
    assert_eq!(
        owner_lockout(
            &objects_only,
            &LockoutTarget::S3Bucket(DATA_BUCKET),
            catalog()
        ),
        []
    );
    let key = statements(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]),
    );
    assert_eq!(
        owner_lockout(&key, &LockoutTarget::KmsKey, catalog()).len(),
        1
    );
    let exempt = statements(
        json!([{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "kms:*", "Resource": "*"}]),
    );
    assert_eq!(
        owner_lockout(&exempt, &LockoutTarget::KmsKey, catalog()),
        []
    );
}

// CASE-006: a condition on aws:PrincipalArn narrows `AWS: *`.
#[test]
fn trust_policy_narrowed_by_principal_arn_is_not_public() {
    let private_connect = tf_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:PrincipalArn":["arn:aws:iam::111111111111:role/example-connect-*","arn:aws:iam::222222222222:role/example-seeder"]}}}]}"#,
    );
    assert_eq!(private_connect.problems, []);
    assert_eq!(public_exposure(&private_connect), []);
    assert_eq!(
        narrowing(&private_connect.statements[0]),
        Narrowing::By(vec!["aws:PrincipalArn".into()])
    );
    let wide_open = tf_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
    );
    assert_eq!(fails(&public_exposure(&wide_open), |e| &e.status), 1);
}

#[test]
fn conditions_that_do_not_narrow() {
    let open = |condition: serde_json::Value| {
        let policy = statements(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
            "Resource": "*", "Condition": condition}]),
        );
        public_exposure(&policy)
            .into_iter()
            .map(|e| e.status)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        open(
            json!({"StringEqualsIfExists": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:t"}})
        ),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"StringNotEquals": {"aws:SourceAccount": "111111111111"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"StringLike": {"aws:SourceAccount": "*"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:*:t"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"Null": {"aws:SourceArn": "false"}})),
        [Status::Fail]
    );
    assert_eq!(
        open(json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})),
        []
    );
    assert_eq!(
        open(json!({"ArnEquals": {"AWS:SourceArn": {"Fn::GetAtt": ["Topic", "Arn"]}}})),
        []
    );
    assert_eq!(
        open(json!({"StringEquals": {"aws:userid": "AROAEXAMPLE:*"}})),
        []
    );
    assert_eq!(
        open(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}})),
        []
    );
    assert_eq!(
        open(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}})),
        [Status::Fail]
    );
    let unknown = open(json!({"StringEquals": {"aws:SourceAccount": {"Ref": "ParamAccount"}}}));
    assert!(matches!(&unknown[..], [Status::Unknown(r)] if r.contains("ParamAccount")));
}

#[test]
fn not_principal_and_federated_exposure() {
    let not_principal = statements(
        json!([{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "s3:GetObject", "Resource": "*"}]),
    );
    assert_eq!(
        public_exposure(&not_principal)[0].via,
        ExposureVia::NotPrincipal
    );
    let cognito = |condition: serde_json::Value| {
        let policy = statements(json!([{"Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]));
        public_exposure(&policy).len()
    };
    assert_eq!(
        cognito(
            json!({"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})
        ),
        1
    );
    assert_eq!(
        cognito(json!({"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:1234"}})),
        0
    );
    let saml = statements(json!([{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::111111111111:saml-provider/corp"},
        "Action": "sts:AssumeRoleWithSAML"}]));
    assert_eq!(public_exposure(&saml), []);
    let service = statements(
        json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]),
    );
    assert_eq!(public_exposure(&service), []);
}

fn worker_role_policy() -> Policy {
    statements(json!([
        {"Effect": "Allow", "Action": "s3:PutObject*",
            "Resource": "arn:aws:s3:::example-upload-bucket/incoming/*"},
        {"Effect": "Allow", "Action": ["dynamodb:Get*", "dynamodb:Query"],
            "Resource": [
                {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/example-orders"},
                {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/example-orders/index/*"}
            ]}
    ]))
}

// CASE-007: partial wildcards are not admin or service-wide wildcards.
#[test]
fn partial_wildcards_are_told_apart() {
    let worker = worker_role_policy();
    assert_eq!(admin_statements(&worker, catalog()), []);
    assert_eq!(wildcard_resources(&worker, catalog()), []);
    let found = wildcard_actions(&worker, catalog());
    assert_eq!(found.len(), 2);
    let ActionWildcard::Partial { actions, broadest } = &found[0].kind else {
        panic!("{:?}", found[0].kind);
    };
    assert!(actions.iter().any(|a| a.name == "PutObjectAcl"));
    assert_eq!(*broadest, crate::iam::AccessLevel::PermissionsManagement);
    let ActionWildcard::Partial { broadest, .. } = &found[1].kind else {
        panic!("{:?}", found[1].kind);
    };
    assert!(broadest.is_read_only());

    let service = statements(json!([{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]));
    let actions = wildcard_actions(&service, catalog());
    assert_eq!(actions[0].kind, ActionWildcard::Service("dynamodb"));
    let resources = wildcard_resources(&service, catalog());
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].wildcard, Some(Wildcard::All));
    assert!(resources[0].scopable.iter().any(|a| a.name == "Query"));

    let admin = statements(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
    assert_eq!(
        fails(&admin_statements(&admin, catalog()), |a| &a.status),
        1
    );
    assert_eq!(
        wildcard_actions(&admin, catalog())[0].kind,
        ActionWildcard::All
    );
}

// CASE-008: `*` is the only resource unscopable actions accept.
#[test]
fn unscopable_actions_may_use_star() {
    let global_reads = tf_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "GlobalOnlyActions", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "logs:DescribeLogGroups", "sts:GetCallerIdentity"], "Resource": "*"}]}"#,
    );
    assert_eq!(wildcard_resources(&global_reads, catalog()), []);
    let too_broad = tf_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}"#,
    );
    let found = wildcard_resources(&too_broad, catalog());
    assert_eq!(fails(&found, |f| &f.status), 1);
    assert_eq!(
        found[0].scopable.iter().map(|a| a.name).collect::<Vec<_>>(),
        ["GetObject"]
    );
    let xray = statements(
        json!([{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}]),
    );
    assert_eq!(wildcard_resources(&xray, catalog()), []);
}

#[test]
fn wildcards_hidden_in_arns_are_found() {
    let policy = statements(json!([{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": ["arn:aws:s3:::*/*", "arn:aws:s3:::reports/*"]}]));
    let found = wildcard_resources(&policy, catalog());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource, Some(Sym::text("arn:aws:s3:::*/*")));
    assert_eq!(found[0].wildcard, Some(Wildcard::ResourceName));
    let not_resource = statements(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"}]),
    );
    assert_eq!(
        wildcard_resources(&not_resource, catalog())[0].wildcard,
        Some(Wildcard::NotResource)
    );
}

// CASE-020: only the AWS-managed ARN is AWS-managed.
#[test]
fn managed_policy_arns_written_every_way() {
    let role = node(&json!([
        {"Ref": "AppLogsPolicy"},
        {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/example-shared-readonly"},
        "arn:aws:iam::111111111111:policy/example-boundary-helpers",
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]}
    ]));
    let kinds: Vec<ManagedPolicyArn> = role
        .as_array()
        .unwrap()
        .iter()
        .map(|n| ManagedPolicyArn::of(&crate::iam::Values::sym(&Cfn, n)))
        .collect();
    let aws = ManagedPolicyArn::AwsManaged {
        name: "service-role/AWSLambdaBasicExecutionRole".into(),
    };
    let own = ManagedPolicyArn::CustomerManaged;
    assert_eq!(kinds, [own.clone(), own.clone(), own, aws]);
}

// CASE-022: no policy means no TLS deny.
#[test]
fn bucket_without_policy_is_not_tls_only() {
    let none = tls_only(
        &[],
        &BucketId {
            target: "NoPolicyBucket",
            name: None,
        },
        catalog(),
    );
    assert_eq!(none.status(), Some(Status::Fail));
    assert_eq!(
        (none.bucket, none.objects),
        (Coverage::Missing, Coverage::Missing)
    );
    let tls_bucket = statements(
        json!([{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
        "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:s3:::${TlsBucket}"},
                     {"Fn::Sub": "arn:${AWS::Partition}:s3:::${TlsBucket}/*"}],
        "Condition": {"Bool": {"aws:SecureTransport": false}}}]),
    );
    let bucket = BucketId {
        target: "TlsBucket",
        name: None,
    };
    assert_eq!(tls_only(&[&tls_bucket], &bucket, catalog()).status(), None);
}

// CASE-023: the TLS deny must cover the bucket as well as its objects.
#[test]
fn tls_deny_on_objects_only_fails() {
    let cdk = |resource: serde_json::Value| {
        statements(
            json!([{"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny", "Principal": {"AWS": "*"}, "Resource": resource}]),
        )
    };
    let objects = json!({"Fn::Join": ["", [{"Fn::GetAtt": ["SiteBucket397A1860", "Arn"]}, "/*"]]});
    let site = BucketId {
        target: "SiteBucket397A1860",
        name: None,
    };
    let verdict = tls_only(&[&cdk(objects.clone())], &site, catalog());
    assert_eq!(verdict.bucket, Coverage::Missing);
    assert!(matches!(verdict.objects, Coverage::Covered(_)));
    assert_eq!(verdict.status(), Some(Status::Fail));
    let fixed = BucketId {
        target: "FixedBucketA1B2C3D4",
        name: None,
    };
    let both = json!([{"Fn::GetAtt": ["FixedBucketA1B2C3D4", "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": ["FixedBucketA1B2C3D4", "Arn"]}, "/*"]]}]);
    assert_eq!(tls_only(&[&cdk(both)], &fixed, catalog()).status(), None);
    // Another bucket's deny does not count.
    assert_eq!(
        tls_only(&[&cdk(objects)], &fixed, catalog()).status(),
        Some(Status::Fail)
    );
}

#[test]
fn tls_denies_that_do_not_count() {
    let judge = |stmt: serde_json::Value| {
        tls_only(&[&statements(json!([stmt]))], &DATA_BUCKET, catalog()).status()
    };
    let base = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
    assert_eq!(judge(base.clone()), None);
    let mut narrowed = base.clone();
    narrowed["Condition"]["StringEquals"] = json!({"aws:PrincipalAccount": "111111111111"});
    assert_eq!(judge(narrowed), Some(Status::Fail));
    let mut one_action = base.clone();
    one_action["Action"] = json!("s3:GetObject");
    assert_eq!(judge(one_action), Some(Status::Fail));
    let mut named = base.clone();
    named["Principal"] = json!({"AWS": "arn:aws:iam::111111111111:root"});
    assert_eq!(judge(named), Some(Status::Fail));
    let mut allow = base.clone();
    allow["Effect"] = json!("Allow");
    assert_eq!(judge(allow), Some(Status::Fail));
    let mut unknown = base.clone();
    unknown["Resource"] = json!({"Ref": "ParamArn"});
    assert!(matches!(judge(unknown), Some(Status::Unknown(r)) if r.contains("ParamArn")));
    let mut guarded = base;
    guarded["Resource"] = json!({"Fn::If": ["Secure", "*", {"Ref": "AWS::NoValue"}]});
    assert!(matches!(judge(guarded), Some(Status::Unknown(r)) if r.contains("Secure=true")));
}

#[test]
fn tls_version_floor_is_reported() {
    let policy = statements(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": ["DataBucket", "Arn"]}, {"Fn::Sub": "${DataBucket.Arn}/*"}],
        "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}]),
    );
    let verdict = tls_only(&[&policy, &data_bucket_policy()], &DATA_BUCKET, catalog());
    assert!(verdict.min_tls_1_2.is_some());
    assert_eq!(verdict.status(), None);
    assert!(
        tls_only(&[&data_bucket_policy()], &DATA_BUCKET, catalog())
            .min_tls_1_2
            .is_none()
    );
}

// CASE-025: references scope resources, `Fn::If` arms are both judged.
#[test]
fn references_and_conditional_resources() {
    let policy = statements(
        json!([{"Effect": "Allow", "Action": "dynamodb:*", "Resource": [
            {"Fn::GetAtt": ["Table", "Arn"]},
            {"Fn::Join": ["", [{"Fn::GetAtt": ["Table", "Arn"]}, "/index/*"]]},
            {"Fn::If": ["IsProd", {"Fn::Sub": "${Table.Arn}/stream/*"}, {"Ref": "AWS::NoValue"}]}
        ]}]),
    );
    assert_eq!(wildcard_resources(&policy, catalog()), []);
    assert_eq!(
        wildcard_actions(&policy, catalog())[0].kind,
        ActionWildcard::Service("dynamodb")
    );
    let guarded = statements(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [
        {"Fn::If": ["Open", "*", {"Fn::Sub": "${Bucket.Arn}/*"}]}]}]),
    );
    let found = wildcard_resources(&guarded, catalog());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].site.guards[0].to_string(), "Open=true");
}

#[test]
fn unknowns_are_never_silent_passes() {
    let resource = statements(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Ref": "ParamArn"}}]),
    );
    let found = wildcard_resources(&resource, catalog());
    assert!(matches!(&found[0].status, Status::Unknown(r) if r.contains("ParamArn")));
    let action =
        statements(json!([{"Effect": "Allow", "Action": {"Ref": "ParamAction"}, "Resource": "*"}]));
    assert!(matches!(
        &wildcard_actions(&action, catalog())[0].status,
        Status::Unknown(_)
    ));
    assert!(matches!(
        &wildcard_resources(&action, catalog())[0].status,
        Status::Unknown(_)
    ));
    assert!(matches!(
        &privilege_escalation(&action, catalog())[0].status,
        Status::Unknown(_)
    ));
    assert!(matches!(
        &admin_statements(&action, catalog())[0].status,
        Status::Unknown(_)
    ));
    let effect =
        statements(json!([{"Effect": {"Ref": "ParamEffect"}, "Action": "*", "Resource": "*"}]));
    assert!(
        matches!(&admin_statements(&effect, catalog())[0].status, Status::Unknown(r) if r.contains("effect"))
    );
    let whole = crate::iam::testing::policy(json!({"Statement": {"Ref": "ParamStatements"}}));
    assert_eq!(wildcard_actions(&whole, catalog()).len(), 1);
    assert_eq!(public_exposure(&whole).len(), 1);
    let tls = tls_only(&[&whole], &DATA_BUCKET, catalog());
    assert!(matches!(tls.status(), Some(Status::Unknown(_))));
    // A resource that cannot matter: only unscopable actions are granted.
    let harmless = statements(
        json!([{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": {"Ref": "ParamArn"}}]),
    );
    assert_eq!(wildcard_resources(&harmless, catalog()), []);
}

#[test]
fn escalation_paths() {
    let escalations =
        |stmt: serde_json::Value| privilege_escalation(&statements(json!([stmt])), catalog());
    let iam_all = escalations(json!({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}));
    assert!(
        iam_all[0]
            .actions
            .iter()
            .any(|a| a.reason == EscalationReason::IamWrite)
    );
    assert!(
        iam_all[0]
            .actions
            .iter()
            .any(|a| a.action.name == "PassRole")
    );
    let assume =
        escalations(json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}));
    assert_eq!(assume.len(), 1);
    let one_role = escalations(
        json!({"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:PassRole"],
        "Resource": "arn:aws:iam::111111111111:role/worker"}),
    );
    assert_eq!(one_role, []);
    let any_role = escalations(json!({"Effect": "Allow", "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::111111111111:role/*"}));
    assert_eq!(any_role.len(), 1);
    let attach = escalations(json!({"Effect": "Allow", "Action": "iam:Attach*Policy",
        "Resource": "arn:aws:iam::111111111111:role/worker"}));
    assert_eq!(attach[0].actions.len(), 3);
    let logs = escalations(json!({"Effect": "Allow", "Action": "logs:Put*", "Resource": "*"}));
    let names: Vec<_> = logs[0].actions.iter().map(|a| a.action.name).collect();
    assert_eq!(names, ["PutResourcePolicy"]);
    let reads = escalations(json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}));
    assert_eq!(reads, []);
    let unknown_role = escalations(
        json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": {"Ref": "ParamRole"}}),
    );
    assert!(matches!(&unknown_role[0].status, Status::Unknown(_)));
    let trust = escalations(
        json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
    );
    assert_eq!(trust, []);
}

#[test]
fn lambda_role_allowlist() {
    let table = Sym::reference("Expenses", Some("Arn"));
    let log_group = Sym::from_parts([
        Part::Text("arn:".into()),
        Part::Pseudo("AWS::Partition".into()),
        Part::Text(":logs:".into()),
        Part::Pseudo("AWS::Region".into()),
        Part::Text(":".into()),
        Part::Pseudo("AWS::AccountId".into()),
        Part::Text(":log-group:/aws/lambda/".into()),
        Part::Ref {
            target: "Fn".into(),
            attribute: None,
        },
        Part::Text(":*".into()),
    ]);
    let mut allowlist = Allowlist::new();
    for action in [
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
    ] {
        allowlist.allow(&format!("dynamodb:{action}"), [table.clone()]);
    }
    for action in ["CreateLogGroup", "CreateLogStream", "PutLogEvents"] {
        allowlist.allow(&format!("logs:{action}"), [log_group.clone()]);
    }
    let exact = statements(json!([
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": {"Fn::GetAtt": ["Expenses", "Arn"]}},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Fn}:*"}}
    ]));
    assert_eq!(allowlist_violations(&[&exact], &allowlist, catalog()), []);

    let model = statements(json!([
        {"Effect": "Allow", "Action": ["logs:Create*", "logs:Put*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "dynamodb:*Item", "Resource": {"Fn::GetAtt": ["Other", "Arn"]}}
    ]));
    let found = allowlist_violations(&[&exact, &model], &allowlist, catalog());
    assert!(found.iter().all(|v| v.policy == 1 && v.status.is_fail()));
    let extras: Vec<String> = found
        .iter()
        .filter_map(|v| match &v.deviation {
            Deviation::ExtraActions(actions) => Some(actions.iter().map(|a| a.full_name())),
            _ => None,
        })
        .flatten()
        .collect();
    // `dynamodb:*Item` also reaches BatchGetItem, BatchWriteItem and
    // ConditionCheckItem.
    assert_eq!(extras.len(), 7 + 18 + 3, "{extras:?}");
    assert!(extras.contains(&"logs:PutResourcePolicy".to_owned()));
    assert!(extras.contains(&"dynamodb:BatchGetItem".to_owned()));
    let wrong_resources: Vec<(String, usize)> = found
        .iter()
        .filter_map(|v| match &v.deviation {
            Deviation::UnexpectedResource { resource, actions } => {
                Some((resource.to_string(), actions.len()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        wrong_resources,
        [("*".to_owned(), 3), ("${Other.Arn}".to_owned(), 4)]
    );
}

#[test]
fn unknown_actions_are_reported_in_any_statement() {
    let policy = statements(json!([
        {"Effect": "Deny", "Action": ["s3:DeleteObjekt", "s3:DeleteObject"], "Resource": "*"},
        {"Effect": "Allow", "Action": "nosuch:Thing", "Resource": "*"}
    ]));
    let found = unknown_actions(&policy, catalog());
    assert_eq!(found.len(), 2);
    assert!(found[0].service_known);
    assert!(!found[1].service_known);
}
