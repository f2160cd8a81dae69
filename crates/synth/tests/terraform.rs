//! The Terraform translation through the public API: the split of a bucket, Lambda code from a
//! built bundle, tags beyond the provider's `default_tags`, the removal policy, the backend, and
//! a clear error for what has no translation.

use serde_json::json;
use synth::constructs::{Bucket, BucketProps, Function, FunctionProps, Table, TableProps};
use synth::terraform::{Locking, S3Backend, TfOptions, render};
use synth::{Asset, Output, RemovalPolicy, Stack, StackProps, SynthError, Tags};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn stack(policy: RemovalPolicy) -> TestResult<Stack> {
    let tags = Tags::new()
        .with("project", "p")
        .with("environment", "test")
        .with("owner", "o")
        .with("cost-center", "c");
    Ok(Stack::new(
        "demo",
        StackProps::default().tags(tags).removal_policy(policy),
    )?)
}

#[test]
fn a_bucket_splits_into_the_providers_resources() -> TestResult {
    let mut stack = stack(RemovalPolicy::Retain)?;
    let props = BucketProps {
        versioned: true,
        cors_origins: vec!["https://app.example.com".to_owned()],
        ..BucketProps::default()
    };
    Bucket::new(&mut stack, "Uploads", props)?;
    let tf = render(&stack, &TfOptions::default())?;
    let resources = &tf["resource"];
    for ty in [
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_cors_configuration",
    ] {
        assert!(
            resources[ty]["uploads"].is_object(),
            "{ty} missing: {resources:#}"
        );
    }
    let versioning = &resources["aws_s3_bucket_versioning"]["uploads"];
    assert_eq!(versioning["bucket"], "${aws_s3_bucket.uploads.id}");
    assert_eq!(versioning["versioning_configuration"]["status"], "Enabled");
    assert_eq!(
        resources["aws_s3_bucket"]["uploads"]["lifecycle"]["prevent_destroy"],
        true
    );
    assert_eq!(
        resources["aws_s3_bucket"]["uploads"]["//"]["stackwright:path"],
        "demo/Uploads/Resource"
    );
    Ok(())
}

#[test]
fn destroy_leaves_resources_destroyable() -> TestResult {
    let mut stack = stack(RemovalPolicy::Destroy)?;
    Table::new(&mut stack, "Items", TableProps::default())?;
    let tf = render(&stack, &TfOptions::default())?;
    let table = &tf["resource"]["aws_dynamodb_table"]["items"];
    assert!(table.get("lifecycle").is_none(), "{table:#}");
    assert_eq!(table["name"], "demo-items");
    Ok(())
}

#[test]
fn a_built_bundle_is_deployed_from_the_shared_assets_directory() -> TestResult {
    let mut stack = stack(RemovalPolicy::Retain)?;
    let sha = "00".repeat(31) + "ff";
    let code = stack.add_asset(Asset::file("reader", "target/reader.zip", sha.as_str()))?;
    Function::new(&mut stack, "Reader", FunctionProps::new(code))?;
    let tf = render(&stack, &TfOptions::default())?;
    let function = &tf["resource"]["aws_lambda_function"]["reader"];
    assert_eq!(
        function["filename"],
        format!("${{path.module}}/../assets/{sha}.zip")
    );
    assert_eq!(
        function["source_code_hash"],
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP8="
    );
    assert!(function.get("s3_bucket").is_none(), "{function:#}");
    assert!(
        tf["variable"].get("asset_bucket").is_none(),
        "unused parameters stay out"
    );
    Ok(())
}

#[test]
fn resource_tags_beyond_the_stack_tags_stay_on_the_resource() -> TestResult {
    let mut stack = stack(RemovalPolicy::Retain)?;
    let table = Table::new(&mut stack, "Items", TableProps::default())?;
    let tags = json!([{"Key": "data-classification", "Value": "confidential"}]);
    stack.add_override(table.logical_id(), "Properties.Tags", tags)?;
    let tf = render(&stack, &TfOptions::default())?;
    assert_eq!(
        tf["resource"]["aws_dynamodb_table"]["items"]["tags"],
        json!({"data-classification": "confidential"})
    );
    assert_eq!(
        tf["provider"]["aws"]["default_tags"]["tags"]["project"],
        "p"
    );
    Ok(())
}

#[test]
fn the_backend_is_encrypted_and_locked() -> TestResult {
    let stack = stack(RemovalPolicy::Retain)?;
    let backend = |locking| S3Backend {
        bucket: "state".to_owned(),
        key: "demo/terraform.tfstate".to_owned(),
        region: "eu-west-1".to_owned(),
        locking,
    };
    let options = TfOptions {
        region: Some("eu-west-1".to_owned()),
        backend: Some(backend(Locking::Lockfile)),
    };
    let tf = render(&stack, &options)?;
    assert_eq!(
        tf["terraform"]["backend"]["s3"],
        json!({"bucket": "state", "key": "demo/terraform.tfstate", "region": "eu-west-1",
               "encrypt": true, "use_lockfile": true})
    );
    assert_eq!(tf["variable"]["region"]["default"], "eu-west-1");
    let options = TfOptions {
        region: None,
        backend: Some(backend(Locking::DynamoDb("locks".to_owned()))),
    };
    let tf = render(&stack, &options)?;
    assert_eq!(tf["terraform"]["backend"]["s3"]["dynamodb_table"], "locks");
    assert!(tf["variable"]["region"].get("default").is_none());
    Ok(())
}

fn terraform_error(stack: &Stack) -> String {
    match render(stack, &TfOptions::default()) {
        Err(err @ SynthError::Terraform { .. }) => err.to_string(),
        other => panic!("expected a Terraform error, got {other:?}"),
    }
}

#[test]
fn what_has_no_translation_is_an_error_naming_the_resource() -> TestResult {
    let mut stack = stack(RemovalPolicy::Retain)?;
    let table = Table::new(&mut stack, "Items", TableProps::default())?;
    let condition = json!({"Fn::If": ["IsProd", "PROVISIONED", "PAY_PER_REQUEST"]});
    stack.add_override(table.logical_id(), "Properties.BillingMode", condition)?;
    let err = terraform_error(&stack);
    assert!(
        err.starts_with("`demo/Items/Resource` cannot be written as Terraform"),
        "{err}"
    );
    assert!(err.contains("Fn::If"), "{err}");

    let mut stack = self::stack(RemovalPolicy::Retain)?;
    let table = Table::new(&mut stack, "Items", TableProps::default())?;
    stack.add_override(
        table.logical_id(),
        "Properties.ImportSourceSpecification",
        json!({}),
    )?;
    let err = terraform_error(&stack);
    assert!(
        err.contains("property `ImportSourceSpecification`"),
        "{err}"
    );

    let mut stack = self::stack(RemovalPolicy::Retain)?;
    stack.add_output(Output::new("Name", "x").export("shared-name"))?;
    assert!(terraform_error(&stack).contains("exports"));
    Ok(())
}

#[test]
fn outputs_and_pseudo_parameters_use_data_sources() -> TestResult {
    let mut stack = stack(RemovalPolicy::Retain)?;
    let table = Table::new(&mut stack, "Items", TableProps::default())?;
    let value = synth::cfn::Intrinsic::sub(format!(
        "${{AWS::Region}}/${{{}}}/${{AWS::AccountId}}",
        table.logical_id()
    ));
    stack.add_output(Output::new("TableWhere", value).description("where"))?;
    let tf = render(&stack, &TfOptions::default())?;
    assert_eq!(
        tf["output"]["table_where"],
        json!({"value": "${data.aws_region.current.region}/${aws_dynamodb_table.items.name}/${data.aws_caller_identity.current.account_id}",
               "description": "where"})
    );
    let data: Vec<&String> = tf["data"].as_object().ok_or("no data")?.keys().collect();
    assert_eq!(data, ["aws_caller_identity", "aws_region"]);
    Ok(())
}
