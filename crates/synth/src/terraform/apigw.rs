//! The API Gateway types besides methods: REST API, resource, authorizer, deployment, stage
//! (with its method settings), gateway response and account.
//!
//! A stage's `MethodSettings` are the provider's `aws_api_gateway_method_settings`, one per
//! entry, keyed by `<resource path>/<verb>` (`*/*` for the whole stage). The deployment gets its
//! `triggers` from [`super::render`], which hashes what the CloudFormation id is hashed over.

use serde_json::Value as Json;

use super::res::{Block, Res};
use crate::error::Result;

/// The types whose properties translate one to one.
pub(super) fn other(res: &mut Res<'_>, cfn_type: &str) -> Result<Vec<Block>> {
    let (ty, fields): (&'static str, &[(&str, &str)]) = match cfn_type {
        "AWS::ApiGateway::RestApi" => return rest_api(res),
        "AWS::ApiGateway::Resource" => (
            "aws_api_gateway_resource",
            &[
                ("rest_api_id", "RestApiId"),
                ("parent_id", "ParentId"),
                ("path_part", "PathPart"),
            ],
        ),
        "AWS::ApiGateway::Authorizer" => (
            "aws_api_gateway_authorizer",
            &[
                ("name", "Name"),
                ("rest_api_id", "RestApiId"),
                ("type", "Type"),
                ("provider_arns", "ProviderARNs"),
                ("identity_source", "IdentitySource"),
                (
                    "identity_validation_expression",
                    "IdentityValidationExpression",
                ),
                ("authorizer_uri", "AuthorizerUri"),
                ("authorizer_credentials", "AuthorizerCredentials"),
                (
                    "authorizer_result_ttl_in_seconds",
                    "AuthorizerResultTtlInSeconds",
                ),
            ],
        ),
        "AWS::ApiGateway::Deployment" => (
            "aws_api_gateway_deployment",
            &[("rest_api_id", "RestApiId"), ("description", "Description")],
        ),
        "AWS::ApiGateway::GatewayResponse" => (
            "aws_api_gateway_gateway_response",
            &[
                ("rest_api_id", "RestApiId"),
                ("response_type", "ResponseType"),
                ("status_code", "StatusCode"),
                ("response_parameters", "ResponseParameters"),
                ("response_templates", "ResponseTemplates"),
            ],
        ),
        "AWS::ApiGateway::Account" => (
            "aws_api_gateway_account",
            &[("cloudwatch_role_arn", "CloudWatchRoleArn")],
        ),
        other => return Err(res.error(&format!("resource type {other} has no translator"))),
    };
    let mut block = Block::new(ty, res.name.clone());
    res.copy_all(&mut block, fields)?;
    Ok(vec![block])
}

fn rest_api(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_api_gateway_rest_api", res.name.clone());
    res.copy_all(
        &mut block,
        &[
            ("name", "Name"),
            ("description", "Description"),
            ("disable_execute_api_endpoint", "DisableExecuteApiEndpoint"),
            ("api_key_source", "ApiKeySource"),
            ("binary_media_types", "BinaryMediaTypes"),
            ("minimum_compression_size", "MinimumCompressionSize"),
            ("policy", "Policy"),
        ],
    )?;
    if let Some(endpoint) = res.take("EndpointConfiguration") {
        block.set(
            "endpoint_configuration",
            res.nested(
                "EndpointConfiguration",
                &endpoint,
                &[("types", "Types"), ("vpc_endpoint_ids", "VpcEndpointIds")],
            )?,
        );
    }
    // TLS 1.2 is what a REST API's default endpoint always negotiates; only custom domains take
    // a security policy in the provider (`aws_api_gateway_domain_name.security_policy`).
    if let Some(policy) = res.take("SecurityPolicy") {
        if policy.as_str() != Some("TLS_1_2") {
            return Err(
                res.error("`SecurityPolicy` other than TLS_1_2 has no Terraform translation")
            );
        }
    }
    res.tag(&mut block);
    Ok(vec![block])
}

pub(super) fn stage(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut stage = Block::new("aws_api_gateway_stage", res.name.clone());
    res.copy_all(
        &mut stage,
        &[
            ("rest_api_id", "RestApiId"),
            ("deployment_id", "DeploymentId"),
            ("stage_name", "StageName"),
            ("description", "Description"),
            ("xray_tracing_enabled", "TracingEnabled"),
            ("cache_cluster_enabled", "CacheClusterEnabled"),
            ("cache_cluster_size", "CacheClusterSize"),
            ("client_certificate_id", "ClientCertificateId"),
            ("variables", "Variables"),
        ],
    )?;
    if let Some(access) = res.take("AccessLogSetting") {
        stage.set(
            "access_log_settings",
            res.nested(
                "AccessLogSetting",
                &access,
                &[("destination_arn", "DestinationArn"), ("format", "Format")],
            )?,
        );
    }
    res.tag(&mut stage);
    let mut blocks = Vec::new();
    let settings = res.take("MethodSettings").unwrap_or(Json::Null);
    for (i, setting) in settings.as_array().into_iter().flatten().enumerate() {
        blocks.push(method_settings(res, &stage, setting, i)?);
    }
    blocks.insert(0, stage);
    Ok(blocks)
}

fn method_settings(res: &Res<'_>, stage: &Block, setting: &Json, i: usize) -> Result<Block> {
    let mut setting = setting.as_object().cloned().unwrap_or_default();
    let path = setting
        .remove("ResourcePath")
        .and_then(|p| p.as_str().map(str::to_owned));
    let verb = setting
        .remove("HttpMethod")
        .and_then(|p| p.as_str().map(str::to_owned));
    let (Some(path), Some(verb)) = (path, verb) else {
        return Err(res.error("a method setting has no literal `ResourcePath` and `HttpMethod`"));
    };
    let name = if i == 0 {
        stage.name.clone()
    } else {
        format!("{}_{i}", stage.name)
    };
    let mut block = Block::new("aws_api_gateway_method_settings", name);
    block.set(
        "rest_api_id",
        stage.body.get("rest_api_id").cloned().unwrap_or(Json::Null),
    );
    block.set("stage_name", stage.attr("stage_name"));
    block.set("method_path", method_path(&path, &verb));
    let settings = res.nested(
        "MethodSettings",
        &Json::Object(setting),
        &[
            ("logging_level", "LoggingLevel"),
            ("metrics_enabled", "MetricsEnabled"),
            ("data_trace_enabled", "DataTraceEnabled"),
            ("throttling_burst_limit", "ThrottlingBurstLimit"),
            ("throttling_rate_limit", "ThrottlingRateLimit"),
            ("caching_enabled", "CachingEnabled"),
            ("cache_ttl_in_seconds", "CacheTtlInSeconds"),
            ("cache_data_encrypted", "CacheDataEncrypted"),
        ],
    )?;
    block.set("settings", settings);
    Ok(block)
}

/// CloudFormation's `/~1expenses` + `GET` → the provider's `expenses/GET`; `/*` + `*` → `*/*`.
fn method_path(resource_path: &str, verb: &str) -> String {
    let path = resource_path.replace("~1", "/");
    let path = path.trim_start_matches('/');
    format!("{path}/{verb}")
}

#[cfg(test)]
mod tests {
    use super::method_path;

    #[test]
    fn method_paths_follow_the_provider() {
        assert_eq!(method_path("/*", "*"), "*/*");
        assert_eq!(method_path("/~1expenses~1{id}", "GET"), "expenses/{id}/GET");
    }
}
