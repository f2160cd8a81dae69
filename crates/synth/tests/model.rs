//! The construct model through its public API: logical ids, references, tags, grants, removal
//! policies, overrides and the API deployment hash.

use serde_json::{Value, json};
use synth::constructs::{
    Function, FunctionProps, HttpMethod, Key, KeyProps, RestApi, RestApiProps, Table, TableProps,
    UserPool, UserPoolProps,
};
use synth::perms::DynamoAction;
use synth::{Asset, Output, RemovalPolicy, Stack, StackProps, SynthError, Tags};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn tags() -> Tags {
    Tags::new()
        .with("project", "p")
        .with("environment", "test")
        .with("owner", "o")
        .with("cost-center", "c")
}

fn stack() -> TestResult<Stack> {
    Ok(Stack::new("Test", StackProps::default().tags(tags()))?)
}

fn function(stack: &mut Stack, id: &str) -> TestResult<Function> {
    let code = stack.add_asset(Asset::placeholder(id, "test"))?;
    Ok(Function::new(stack, id, FunctionProps::new(code))?)
}

fn resource<'a>(template: &'a Value, prefix: &str) -> TestResult<(&'a String, &'a Value)> {
    let resources = template["Resources"].as_object().ok_or("no resources")?;
    Ok(resources
        .iter()
        .find(|(id, _)| id.starts_with(prefix))
        .ok_or_else(|| format!("no resource starting with {prefix}"))?)
}

fn ids(template: &Value) -> Vec<String> {
    template["Resources"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn ids_are_stable_when_unrelated_constructs_come_and_go() -> TestResult {
    let mut small = stack()?;
    Table::new(&mut small, "Expenses", TableProps::default())?;
    let mut large = stack()?;
    Table::new(&mut large, "Other", TableProps::default())?;
    function(&mut large, "Before")?;
    Table::new(&mut large, "Expenses", TableProps::default())?;
    let small_ids = ids(&small.to_template()?);
    let large_ids = ids(&large.to_template()?);
    assert_eq!(small_ids.len(), 1);
    assert!(
        large_ids.contains(&small_ids[0]),
        "{small_ids:?} not in {large_ids:?}"
    );
    Ok(())
}

#[test]
fn the_same_construct_has_the_same_id_in_every_stack() -> TestResult {
    let mut a = Stack::new("dev", StackProps::default().tags(tags()))?;
    let mut b = Stack::new("prod", StackProps::default().tags(tags()))?;
    let ta = Table::new(&mut a, "Expenses", TableProps::default())?;
    let tb = Table::new(&mut b, "Expenses", TableProps::default())?;
    assert_eq!(ta.logical_id(), tb.logical_id());
    Ok(())
}

#[test]
fn duplicate_paths_are_refused() -> TestResult {
    let mut stack = stack()?;
    Table::new(&mut stack, "Expenses", TableProps::default())?;
    let err = Table::new(&mut stack, "Expenses", TableProps::default()).unwrap_err();
    assert_eq!(
        err,
        SynthError::DuplicatePath {
            path: "Test/Expenses".into()
        }
    );
    Ok(())
}

#[test]
fn pinned_ids_that_collide_are_refused() -> TestResult {
    let mut stack = stack()?;
    stack.pin_logical_id("A/Resource", "Shared")?;
    stack.pin_logical_id("B/Resource", "Shared")?;
    Table::new(&mut stack, "A", TableProps::default())?;
    let err = Table::new(&mut stack, "B", TableProps::default()).unwrap_err();
    assert!(
        matches!(err, SynthError::LogicalIdCollision { ref logical_id, .. } if logical_id == "Shared")
    );
    assert!(err.to_string().contains("Test/B/Resource"), "{err}");
    assert!(stack.pin_logical_id("C/Resource", "not-valid").is_err());
    Ok(())
}

#[test]
fn references_render_as_intrinsics() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    let id = table.logical_id().to_string();
    assert_eq!(
        serde_json::to_value(table.arn())?,
        json!({"Fn::GetAtt": [id, "Arn"]})
    );
    assert_eq!(serde_json::to_value(table.name())?, json!({"Ref": id}));
    let pool = UserPool::new(&mut stack, "Users", UserPoolProps::default())?;
    let handler = function(&mut stack, "Handler")?;
    let api = RestApi::new(
        &mut stack,
        "Api",
        RestApiProps::new(&pool).route(HttpMethod::Get, "/items", &handler),
    )?;
    let url = serde_json::to_value(api.url())?;
    let text = url["Fn::Sub"].as_str().ok_or("url is not a Sub")?;
    assert!(
        text.starts_with(&format!("https://${{{}}}.execute-api.", api.logical_id())),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("/${{{}}}/", api.stage_id())),
        "{text}"
    );
    stack.add_output(Output::new("Url", api.url()))?;
    let template = stack.to_template()?;
    assert_eq!(template["Outputs"]["Url"]["Value"], url);
    Ok(())
}

#[test]
fn dangling_references_fail_the_render_with_the_path() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    stack.add_override(
        table.logical_id(),
        "Properties.TableName",
        json!({"Ref": "Missing"}),
    )?;
    let err = stack.to_template().unwrap_err();
    assert_eq!(
        err,
        SynthError::UnknownReference {
            stack: "Test".into(),
            path: "Test/Expenses/Resource".into(),
            target: "Missing".into(),
        }
    );
    Ok(())
}

#[test]
fn get_att_of_an_attribute_the_type_lacks_is_refused() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    let id = table.logical_id().to_string();
    stack.add_override(
        table.logical_id(),
        "Properties.TableName",
        json!({"Fn::GetAtt": [id, "Nope"]}),
    )?;
    assert!(matches!(
        stack.to_template(),
        Err(SynthError::UnknownReference { .. })
    ));
    Ok(())
}

#[test]
fn tags_reach_list_and_map_shaped_resources_but_not_untaggable_ones() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    let pool = UserPool::new(&mut stack, "Users", UserPoolProps::default())?;
    synth::constructs::UserPoolClient::new(&mut stack, &pool, "Web", Default::default())?;
    let template = stack.to_template()?;
    let table = &template["Resources"][table.logical_id().as_str()]["Properties"];
    assert_eq!(
        table["Tags"][0],
        json!({"Key": "cost-center", "Value": "c"})
    );
    let pool = &template["Resources"][pool.logical_id().as_str()]["Properties"];
    assert_eq!(pool["UserPoolTags"]["project"], "p");
    let (_, client) = resource(&template, "UsersWeb")?;
    assert!(client["Properties"].get("Tags").is_none());
    Ok(())
}

#[test]
fn a_missing_required_tag_names_the_resource_and_key() -> TestResult {
    let partial = Tags::new()
        .with("project", "p")
        .with("owner", "o")
        .with("cost-center", "c");
    let mut stack = Stack::new("Test", StackProps::default().tags(partial))?;
    Table::new(&mut stack, "Expenses", TableProps::default())?;
    let err = stack.to_template().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Test/Expenses/Resource` is missing required tag `environment`"
    );
    let custom = StackProps::default()
        .tags(Tags::new().with("team", "t"))
        .required_tags(["team"]);
    let mut stack = Stack::new("Test", custom)?;
    Table::new(&mut stack, "Expenses", TableProps::default())?;
    assert!(stack.to_template().is_ok());
    Ok(())
}

#[test]
fn grants_render_exactly_the_actions_on_exactly_the_table() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    let handler = function(&mut stack, "Handler")?;
    table.grant(
        &mut stack,
        &handler,
        &[DynamoAction::Query, DynamoAction::GetItem],
    )?;
    table.grant(&mut stack, &handler, &[DynamoAction::GetItem])?;
    assert!(table.grant(&mut stack, &handler, &[]).is_err());
    let template = stack.to_template()?;
    let role = &template["Resources"][handler.role().as_str()]["Properties"];
    let policy = role["Policies"]
        .as_array()
        .ok_or("no policies")?
        .iter()
        .find(|p| p["PolicyName"] == "Expenses")
        .ok_or("no table policy")?;
    assert_eq!(
        policy["PolicyDocument"]["Statement"],
        json!([{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": {"Fn::GetAtt": [table.logical_id().as_str(), "Arn"]}}])
    );
    Ok(())
}

#[test]
fn grants_on_a_table_with_its_own_key_grant_the_key_too() -> TestResult {
    let mut stack = stack()?;
    let key = Key::new(&mut stack, "TableKey", KeyProps::default())?;
    let table = Table::new(
        &mut stack,
        "Expenses",
        TableProps::default().encryption_key(&key),
    )?;
    let reader = function(&mut stack, "Reader")?;
    let writer = function(&mut stack, "Writer")?;
    table.grant_read_data(&mut stack, &reader)?;
    table.grant(&mut stack, &writer, &[DynamoAction::PutItem])?;
    let template = stack.to_template()?;
    let key_actions = |role: &str| -> Value {
        template["Resources"][role]["Properties"]["Policies"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["PolicyName"] == "TableKey"))
            .map(|p| p["PolicyDocument"]["Statement"][0]["Action"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        key_actions(reader.role().as_str()),
        json!(["kms:Decrypt", "kms:DescribeKey"])
    );
    assert_eq!(
        key_actions(writer.role().as_str()),
        json!([
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey"
        ])
    );
    Ok(())
}

#[test]
fn removal_policy_covers_stateful_resources_and_can_be_opted_out() -> TestResult {
    for (policy, expected) in [
        (RemovalPolicy::Retain, "Retain"),
        (RemovalPolicy::Destroy, "Delete"),
    ] {
        let mut stack = Stack::new(
            "Test",
            StackProps::default().tags(tags()).removal_policy(policy),
        )?;
        let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
        let handler = function(&mut stack, "Handler")?;
        let template = stack.to_template()?;
        let table = &template["Resources"][table.logical_id().as_str()];
        assert_eq!(table["DeletionPolicy"], expected);
        assert_eq!(table["UpdateReplacePolicy"], expected);
        let role = &template["Resources"][handler.role().as_str()];
        assert!(role.get("DeletionPolicy").is_none(), "a role holds no data");
        assert_eq!(
            template["Metadata"]["stackwright"]["removalPolicy"],
            expected
        );
    }
    Ok(())
}

#[test]
fn overrides_apply_and_are_recorded_in_metadata() -> TestResult {
    let mut stack = stack()?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    stack.add_override(
        table.logical_id(),
        "Properties.TableClass",
        json!("STANDARD_INFREQUENT_ACCESS"),
    )?;
    stack.add_deletion_override(table.logical_id(), "Properties.DeletionProtectionEnabled")?;
    assert!(
        stack
            .add_override(table.logical_id(), "Type", json!("x"))
            .is_err()
    );
    let template = stack.to_template()?;
    let resource = &template["Resources"][table.logical_id().as_str()];
    assert_eq!(
        resource["Properties"]["TableClass"],
        "STANDARD_INFREQUENT_ACCESS"
    );
    assert!(
        resource["Properties"]
            .get("DeletionProtectionEnabled")
            .is_none()
    );
    assert_eq!(
        resource["Metadata"]["stackwright:overrides"],
        json!([
            "Properties.TableClass",
            "Properties.DeletionProtectionEnabled"
        ])
    );
    let recorded = &template["Metadata"]["stackwright"]["overrides"];
    assert_eq!(recorded[0]["logicalId"], table.logical_id().as_str());
    assert_eq!(recorded[1]["action"], "delete");
    Ok(())
}

fn api_stack(paths: &[&str], extra_table: bool) -> TestResult<Value> {
    let mut stack = stack()?;
    if extra_table {
        Table::new(&mut stack, "Unrelated", TableProps::default())?;
    }
    let pool = UserPool::new(&mut stack, "Users", UserPoolProps::default())?;
    let handler = function(&mut stack, "Handler")?;
    let mut props = RestApiProps::new(&pool);
    props.cors_origins = vec!["https://app.example.com".into()];
    for path in paths {
        props = props.route(HttpMethod::Get, *path, &handler);
    }
    RestApi::new(&mut stack, "Api", props)?;
    Ok(stack.to_template()?)
}

fn deployment_id(template: &Value) -> TestResult<String> {
    Ok(resource(template, "ApiDeployment")?.0.clone())
}

#[test]
fn the_deployment_is_replaced_exactly_when_the_api_changes() -> TestResult {
    let base = deployment_id(&api_stack(&["/items"], false)?)?;
    assert_eq!(base, deployment_id(&api_stack(&["/items"], true)?)?);
    assert_ne!(
        base,
        deployment_id(&api_stack(&["/items", "/other"], false)?)?
    );
    let template = api_stack(&["/items"], false)?;
    let (_, stage) = resource(&template, "ApiStage")?;
    assert_eq!(stage["Properties"]["DeploymentId"], json!({"Ref": base}));
    let (_, deployment) = resource(&template, "ApiDeployment")?;
    let depends = deployment["DependsOn"].as_array().ok_or("no DependsOn")?;
    assert_eq!(depends.len(), 2, "the GET method and its preflight");
    Ok(())
}

#[test]
fn api_settings_are_validated_with_the_field_named() -> TestResult {
    let mut stack = stack()?;
    let pool = UserPool::new(&mut stack, "Users", UserPoolProps::default())?;
    let handler = function(&mut stack, "Handler")?;
    let mut props = RestApiProps::new(&pool).route(HttpMethod::Get, "/items", &handler);
    props.cors_origins = vec!["*".into()];
    let err = RestApi::new(&mut stack, "Api", props).unwrap_err();
    assert!(
        matches!(
            err,
            SynthError::InvalidProperty {
                field: "cors_origins",
                ..
            }
        ),
        "{err}"
    );
    let no_routes = RestApi::new(&mut stack, "Api2", RestApiProps::new(&pool)).unwrap_err();
    assert!(matches!(
        no_routes,
        SynthError::InvalidProperty {
            field: "routes",
            ..
        }
    ));
    let mut slow = RestApiProps::new(&pool).route(HttpMethod::Get, "/items", &handler);
    slow.throttle_rate_limit = 0.0;
    let err = RestApi::new(&mut stack, "Api3", slow).unwrap_err();
    assert!(matches!(
        err,
        SynthError::InvalidProperty {
            field: "throttle_rate_limit",
            ..
        }
    ));
    Ok(())
}

#[test]
fn a_pin_for_a_path_without_a_resource_is_an_error() -> TestResult {
    let mut stack = stack()?;
    stack.pin_logical_id("Expenes/Resource", "ExpensesTable")?;
    Table::new(&mut stack, "Expenses", TableProps::default())?;
    let err = stack.to_template().unwrap_err();
    assert!(
        matches!(err, SynthError::InvalidLogicalId { ref path, .. } if path == "Test/Expenes/Resource")
    );
    Ok(())
}

#[test]
fn a_pinned_id_is_used_and_referenced() -> TestResult {
    let mut stack = stack()?;
    stack.pin_logical_id("Expenses/Resource", "ExpensesTable")?;
    let table = Table::new(&mut stack, "Expenses", TableProps::default())?;
    assert_eq!(table.logical_id().as_str(), "ExpensesTable");
    let template = stack.to_template()?;
    assert!(template["Resources"].get("ExpensesTable").is_some());
    Ok(())
}

#[test]
fn assets_share_one_bucket_parameter_and_name_their_key() -> TestResult {
    let mut stack = stack()?;
    let placeholder = stack.add_asset(Asset::placeholder("reader", "not built"))?;
    let built = stack.add_asset(Asset::file("writer", "out/writer.zip", "ab12"))?;
    assert!(placeholder.is_placeholder());
    assert_eq!(placeholder.key, "placeholder/reader.zip");
    assert_eq!(built.key, "assets/ab12.zip");
    assert_eq!(placeholder.bucket_parameter, built.bucket_parameter);
    assert!(
        stack
            .add_asset(Asset::placeholder("reader", "again"))
            .is_err()
    );
    let manifest = serde_json::to_value(&placeholder)?;
    assert_eq!(manifest["source"]["kind"], "placeholder");
    let template = stack.to_template()?;
    assert_eq!(template["Parameters"]["AssetBucket"]["Type"], "String");
    Ok(())
}

#[test]
fn construct_settings_out_of_range_name_the_field() -> TestResult {
    let mut stack = stack()?;
    let short = UserPoolProps {
        password_min_length: 6,
        ..UserPoolProps::default()
    };
    let err = UserPool::new(&mut stack, "Users", short).unwrap_err();
    assert!(matches!(
        err,
        SynthError::InvalidProperty {
            field: "password_min_length",
            ..
        }
    ));
    let code = stack.add_asset(Asset::placeholder("f", "test"))?;
    let mut props = FunctionProps::new(code);
    props.log_retention_days = 31;
    let err = Function::new(&mut stack, "F", props).unwrap_err();
    assert!(
        matches!(
            err,
            SynthError::InvalidProperty {
                field: "retention_days",
                ..
            }
        ),
        "{err}"
    );
    let key = KeyProps {
        pending_window_days: 3,
        ..KeyProps::default()
    };
    let err = Key::new(&mut stack, "K", key).unwrap_err();
    assert!(matches!(
        err,
        SynthError::InvalidProperty {
            field: "pending_window_days",
            ..
        }
    ));
    Ok(())
}

/// A one-function stack whose code has digest `sha256`, its props adjusted by `adjust`.
fn versioned_stack(
    sha256: &str,
    adjust: fn(FunctionProps) -> FunctionProps,
    tags: Tags,
    policy: RemovalPolicy,
) -> TestResult<Value> {
    let mut stack = Stack::new(
        "Test",
        StackProps::default().tags(tags).removal_policy(policy),
    )?;
    let code = stack.add_asset(Asset::file("handler", "handler.zip", sha256))?;
    Function::new(&mut stack, "Handler", adjust(FunctionProps::new(code)))?;
    Ok(stack.to_template()?)
}

fn version_id(sha256: &str, adjust: fn(FunctionProps) -> FunctionProps, tags: Tags) -> String {
    let template = versioned_stack(sha256, adjust, tags, RemovalPolicy::Retain).expect("synth");
    resource(&template, "HandlerCurrentVersion")
        .expect("a version")
        .0
        .clone()
}

#[test]
fn a_version_is_published_exactly_when_code_or_configuration_changes() {
    let same = |props| props;
    let base = version_id("aa", same, tags());
    assert_eq!(base, version_id("aa", same, tags()), "deterministic");
    let retagged = tags().with("team", "other");
    assert_eq!(
        base,
        version_id("aa", same, retagged),
        "a tag is not configuration"
    );
    assert_ne!(
        base,
        version_id("bb", same, tags()),
        "a new bundle publishes one"
    );
    let resized = |mut props: FunctionProps| {
        props.memory_mb = 512;
        props
    };
    assert_ne!(
        base,
        version_id("aa", resized, tags()),
        "so does new memory"
    );
    let configured = |props: FunctionProps| props.env("MODE", "x");
    assert_ne!(
        base,
        version_id("aa", configured, tags()),
        "and a new variable"
    );
}

#[test]
fn the_live_alias_points_at_the_retained_current_version() -> TestResult {
    let template = versioned_stack("aa", |props| props, tags(), RemovalPolicy::Destroy)?;
    let (version_id, version) = resource(&template, "HandlerCurrentVersion")?;
    assert_eq!(version["Type"], "AWS::Lambda::Version");
    assert_eq!(version["DeletionPolicy"], "Retain", "kept for rollback");
    assert_eq!(version["UpdateReplacePolicy"], "Retain");
    let resources = template["Resources"].as_object().ok_or("no resources")?;
    let (function_id, _) = resources
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::Lambda::Function")
        .ok_or("no function")?;
    let (_, alias) = resource(&template, "HandlerLiveAlias")?;
    assert_eq!(alias["Type"], "AWS::Lambda::Alias");
    assert_eq!(alias["Properties"]["Name"], "live");
    assert_eq!(
        alias["Properties"]["FunctionVersion"],
        json!({"Fn::GetAtt": [version_id, "Version"]})
    );
    assert_eq!(
        alias["Properties"]["FunctionName"],
        json!({"Ref": function_id})
    );
    Ok(())
}

#[test]
fn the_api_invokes_the_alias_never_latest() -> TestResult {
    let template = api_stack(&["/items"], false)?;
    let (alias_id, _) = resource(&template, "HandlerLiveAlias")?;
    let (_, method) = resource(&template, "ApiitemsGET")?;
    let uri = method["Properties"]["Integration"]["Uri"]["Fn::Sub"]
        .as_str()
        .ok_or("no Fn::Sub uri")?;
    assert!(
        uri.ends_with(&format!("/functions/${{{alias_id}}}/invocations")),
        "{uri}"
    );
    let (_, permission) = resource(&template, "ApiitemsGETPermission")?;
    assert_eq!(
        permission["Properties"]["FunctionName"],
        json!({"Ref": alias_id})
    );
    Ok(())
}
