//! Serializes a template that uses every generated resource type and checks that cfn-lint
//! accepts it, so a wrong name, shape or type in the generated structs fails here.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, json};
use synth::cfn::{
    Intrinsic, Pseudo, Resource, Value, apigateway, cloudfront, cloudwatch, cognito, dynamodb, iam,
    kms, lambda, logs, s3, secretsmanager, sns,
};

const SETUP_HINT: &str = "run scripts/setup-tools (it installs cfn-lint into .venv-aws)";

fn cfn_lint() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = root.join(".venv-aws/bin/cfn-lint");
    if venv.is_file() {
        return venv;
    }
    match Command::new("cfn-lint").arg("--version").output() {
        Ok(out) if out.status.success() => PathBuf::from("cfn-lint"),
        _ => panic!(
            "cfn-lint not found at {} nor on PATH; {SETUP_HINT}",
            venv.display()
        ),
    }
}

#[derive(Default)]
struct Template(Map<String, serde_json::Value>);

impl Template {
    fn add<R: Resource>(&mut self, id: &str, resource: R) {
        let body = json!({"Type": R::TYPE, "Properties": resource});
        self.0.insert(id.to_owned(), body);
    }
}

fn arn(id: &str) -> Intrinsic {
    Intrinsic::get_att(id, "Arn")
}

fn reference(id: &str) -> Intrinsic {
    Intrinsic::reference(id)
}

fn policy(action: &str, resource: impl Into<serde_json::Value>) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": action, "Resource": resource.into()
    }]})
}

fn assume(service: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"
    }]})
}

fn storage(t: &mut Template) {
    let key_policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": Intrinsic::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
        "Action": "kms:*", "Resource": "*"
    }]});
    t.add(
        "Key",
        kms::Key::default()
            .enable_key_rotation(true)
            .key_policy(key_policy),
    );
    let generate = secretsmanager::secret::GenerateSecretString::default()
        .password_length(64)
        .exclude_punctuation(true)
        .require_each_included_type(true);
    t.add(
        "Secret",
        secretsmanager::Secret::default()
            .generate_secret_string(generate)
            .kms_key_id(arn("Key"))
            .tags([secretsmanager::secret::Tag::new("app", "expenses")]),
    );
    t.add(
        "KeyAlias",
        kms::Alias::new("alias/expenses", reference("Key")),
    );

    let sse =
        s3::bucket::ServerSideEncryptionByDefault::new("aws:kms").kms_master_key_id(arn("Key"));
    let rule = s3::bucket::ServerSideEncryptionRule::default()
        .server_side_encryption_by_default(sse)
        .bucket_key_enabled(true);
    let block = s3::bucket::PublicAccessBlockConfiguration::default()
        .block_public_acls(true)
        .block_public_policy(true)
        .ignore_public_acls(true)
        .restrict_public_buckets(true);
    let ownership = s3::bucket::OwnershipControls::new([
        s3::bucket::OwnershipControlsRule::default().object_ownership("BucketOwnerEnforced"),
    ]);
    let bucket = s3::Bucket::default()
        .bucket_encryption(s3::bucket::BucketEncryption::new([rule]))
        .public_access_block_configuration(block)
        .ownership_controls(ownership)
        .versioning_configuration(s3::bucket::VersioningConfiguration::new("Enabled"))
        .tags([s3::bucket::Tag::new("app", "expenses")]);
    t.add("Bucket", bucket);
    let deny_insecure = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn("Bucket"), Intrinsic::sub("${Bucket.Arn}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }]});
    t.add(
        "BucketPolicy",
        s3::BucketPolicy::new(reference("Bucket"), deny_insecure),
    );

    let table = dynamodb::Table::new([dynamodb::table::KeySchema::new("pk", "HASH")])
        .attribute_definitions([dynamodb::table::AttributeDefinition::new("pk", "S")])
        .billing_mode("PAY_PER_REQUEST")
        .sse_specification(
            dynamodb::table::SSESpecification::new(true)
                .sse_type("KMS")
                .kms_master_key_id(reference("Key")),
        )
        .point_in_time_recovery_specification(
            dynamodb::table::PointInTimeRecoverySpecification::default()
                .point_in_time_recovery_enabled(true),
        )
        .stream_specification(dynamodb::table::StreamSpecification::new("NEW_IMAGE"))
        .deletion_protection_enabled(true);
    t.add("Table", table);
}

fn compute(t: &mut Template) {
    let managed = Intrinsic::sub(
        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    );
    let inline = iam::role::Policy::new(policy("dynamodb:GetItem", arn("Table")), "table-read");
    let role = iam::Role::new(assume("lambda.amazonaws.com"))
        .managed_policy_arns([Value::from(managed)])
        .policies([inline])
        .tags([iam::role::Tag::new("app", "expenses")]);
    t.add("FnRole", role);
    let write = policy("dynamodb:PutItem", arn("Table"));
    t.add(
        "FnPolicy",
        iam::Policy::new(write, "table-write").roles([reference("FnRole")]),
    );
    let managed_policy =
        iam::ManagedPolicy::new(policy("s3:GetObject", Intrinsic::sub("${Bucket.Arn}/*")));
    t.add("ReadObjects", managed_policy.roles([reference("FnRole")]));
    let oidc = iam::OIDCProvider::default()
        .url("https://token.actions.githubusercontent.com")
        .client_id_list(["sts.amazonaws.com"]);
    t.add("GitHubOidc", oidc);

    let env = lambda::function::Environment::default()
        .variables([("TABLE", Value::from(reference("Table")))]);
    let code = lambda::function::Code::default().zip_file("exports.handler = async () => ({});");
    let function = lambda::Function::new(code, arn("FnRole"))
        .runtime("nodejs24.x")
        .handler("index.handler")
        .memory_size(256)
        .timeout(10)
        .architectures(["arm64"])
        .environment(env)
        .tracing_config(lambda::function::TracingConfig::default().mode("Active"))
        .kms_key_arn(arn("Key"));
    t.add("Fn", function);
    t.add("FnVersion", lambda::Version::new(reference("Fn")));
    let version = Intrinsic::get_att("FnVersion", "Version");
    t.add(
        "FnAlias",
        lambda::Alias::new(reference("Fn"), version, "live"),
    );
    let source = Intrinsic::sub(
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
    );
    let permission = lambda::Permission::new(
        "lambda:InvokeFunction",
        arn("Fn"),
        "apigateway.amazonaws.com",
    )
    .source_arn(source);
    t.add("FnPermission", permission);
    let log_group = logs::LogGroup::default()
        .log_group_name(Intrinsic::sub("/aws/lambda/${Fn}"))
        .retention_in_days(30)
        .kms_key_id(arn("Key"));
    t.add("FnLogs", log_group);
}

fn api(t: &mut Template) {
    let endpoint = apigateway::rest_api::EndpointConfiguration::default().types(["REGIONAL"]);
    t.add(
        "Api",
        apigateway::RestApi::default()
            .name("expenses")
            .endpoint_configuration(endpoint),
    );
    let root = Intrinsic::get_att("Api", "RootResourceId");
    t.add(
        "ApiItems",
        apigateway::Resource::new(root, "items", reference("Api")),
    );
    let uri = Intrinsic::sub(concat!(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/",
        "${Fn.Arn}/invocations"
    ));
    let integration = apigateway::method::Integration::new("AWS_PROXY")
        .integration_http_method("POST")
        .uri(uri);
    let method = apigateway::Method::new("GET", reference("ApiItems"), reference("Api"))
        .authorization_type("COGNITO_USER_POOLS")
        .authorizer_id(reference("ApiAuthorizer"))
        .integration(integration);
    t.add("ApiItemsGet", method);
    let authorizer = apigateway::Authorizer::new("cognito", reference("Api"), "COGNITO_USER_POOLS")
        .identity_source("method.request.header.Authorization")
        .provider_arns([arn("UserPool")]);
    t.add("ApiAuthorizer", authorizer);
    let mut deployment = json!({"Type": apigateway::Deployment::TYPE, "DependsOn": "ApiItemsGet"});
    deployment["Properties"] = json!(apigateway::Deployment::new(reference("Api")));
    t.0.insert("ApiDeployment".to_owned(), deployment);
    let setting = apigateway::stage::MethodSetting::default()
        .http_method("*")
        .resource_path("/*")
        .throttling_burst_limit(100)
        .throttling_rate_limit(50.0);
    let stage = apigateway::Stage::new(reference("Api"))
        .stage_name("prod")
        .deployment_id(reference("ApiDeployment"))
        .tracing_enabled(true)
        .method_settings([setting]);
    t.add("ApiStage", stage);
    let response = apigateway::GatewayResponse::new("DEFAULT_4XX", reference("Api"))
        .response_parameters([("gatewayresponse.header.Access-Control-Allow-Origin", "'*'")]);
    t.add("Api4xx", response);
    t.add(
        "ApiAccount",
        apigateway::Account::default().cloud_watch_role_arn(arn("FnRole")),
    );
    let stage_ref = apigateway::usage_plan::ApiStage::default()
        .api_id(reference("Api"))
        .stage(reference("ApiStage"));
    let throttle = apigateway::usage_plan::ThrottleSettings::default()
        .burst_limit(10)
        .rate_limit(5.0);
    t.add(
        "ApiPlan",
        apigateway::UsagePlan::default()
            .api_stages([stage_ref])
            .throttle(throttle),
    );
}

fn identity_and_edge(t: &mut Template) {
    let password = cognito::user_pool::PasswordPolicy::default()
        .minimum_length(12)
        .require_symbols(true);
    let pool = cognito::UserPool::default()
        .user_pool_name("expenses")
        .mfa_configuration("OPTIONAL")
        .policies(cognito::user_pool::Policies::default().password_policy(password))
        .user_pool_tags([("app", "expenses")]);
    t.add("UserPool", pool);
    let client = cognito::UserPoolClient::new(reference("UserPool"))
        .generate_secret(false)
        .explicit_auth_flows(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    t.add("UserPoolClient", client);

    let oac = cloudfront::origin_access_control::OriginAccessControlConfig::new(
        "site", "s3", "always", "sigv4",
    );
    t.add("SiteOac", cloudfront::OriginAccessControl::new(oac));
    let hsts = cloudfront::response_headers_policy::StrictTransportSecurity::new(31_536_000, true)
        .include_subdomains(true);
    let security = cloudfront::response_headers_policy::SecurityHeadersConfig::default()
        .strict_transport_security(hsts)
        .content_type_options(cloudfront::response_headers_policy::ContentTypeOptions::new(true));
    let headers = cloudfront::response_headers_policy::ResponseHeadersPolicyConfig::new("site")
        .security_headers_config(security);
    t.add(
        "SiteHeaders",
        cloudfront::ResponseHeadersPolicy::new(headers),
    );
    let origin = cloudfront::distribution::Origin::new(
        Intrinsic::get_att("Bucket", "RegionalDomainName"),
        "s3",
    )
    .origin_access_control_id(Intrinsic::get_att("SiteOac", "Id"))
    .s3_origin_config(
        cloudfront::distribution::S3OriginConfig::default().origin_access_identity(""),
    );
    let behavior = cloudfront::distribution::DefaultCacheBehavior::new("s3", "redirect-to-https")
        .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
        .response_headers_policy_id(reference("SiteHeaders"));
    let config = cloudfront::distribution::DistributionConfig::new(behavior, true)
        .origins([origin])
        .default_root_object("index.html")
        .http_version("http2and3")
        .viewer_certificate(
            cloudfront::distribution::ViewerCertificate::default()
                .cloud_front_default_certificate(true),
        );
    t.add("Site", cloudfront::Distribution::new(config));
}

fn alerts(t: &mut Template) {
    let topic = sns::Topic::default()
        .kms_master_key_id(reference("Key"))
        .tags([sns::topic::Tag::new("app", "expenses")]);
    t.add("Alerts", topic);
    let subscription =
        sns::Subscription::new("email", reference("Alerts")).endpoint("ops@example.com");
    t.add("AlertsEmail", subscription);
    let publish = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish", "Resource": reference("Alerts")
    }]});
    t.add(
        "AlertsPolicy",
        sns::TopicPolicy::new(publish, [reference("Alerts")]),
    );
    let alarm = cloudwatch::Alarm::default()
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions([cloudwatch::alarm::Dimension::new(
            "FunctionName",
            reference("Fn"),
        )])
        .statistic("Sum")
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator("GreaterThanOrEqualToThreshold")
        .treat_missing_data("notBreaching")
        .alarm_actions([reference("Alerts")]);
    t.add("FnErrors", alarm);
}

#[test]
fn template_from_generated_structs_passes_cfn_lint() {
    let mut template = Template::default();
    storage(&mut template);
    compute(&mut template);
    api(&mut template);
    identity_and_edge(&mut template);
    alerts(&mut template);
    let outputs = json!({"Region": {"Value": Intrinsic::pseudo(Pseudo::Region)}});
    let body = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": template.0,
        "Outputs": outputs,
    });

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.json");
    std::fs::write(&path, serde_json::to_string_pretty(&body).unwrap()).unwrap();
    let lint = cfn_lint();
    let out = Command::new(&lint)
        // Runtime deprecation checks depend on today's date, not on the generated types.
        .args([
            "--regions",
            "us-east-1",
            "--ignore-checks",
            "E2533",
            "W2531",
            "--",
        ])
        .arg(&path)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}; {SETUP_HINT}", lint.display()));
    assert!(
        out.status.success(),
        "cfn-lint rejected the template:\n{}{}\ntemplate:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        serde_json::to_string_pretty(&body).unwrap()
    );
}
