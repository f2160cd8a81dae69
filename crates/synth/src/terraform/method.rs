//! `AWS::ApiGateway::Method` → `aws_api_gateway_method`, its `aws_api_gateway_integration`,
//! and one `aws_api_gateway_method_response` / `aws_api_gateway_integration_response` per
//! status code (CloudFormation nests all four in the method).
//!
//! The parts name the method's `http_method` attribute rather than repeating the verb, so
//! Terraform orders them after the method; an integration response also waits for its
//! integration, which the provider cannot infer.

use serde_json::{Map, Value as Json, json};

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn method(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut method = Block::new("aws_api_gateway_method", res.name.clone());
    res.copy_all(
        &mut method,
        &[
            ("rest_api_id", "RestApiId"),
            ("resource_id", "ResourceId"),
            ("http_method", "HttpMethod"),
            ("authorization", "AuthorizationType"),
            ("authorizer_id", "AuthorizerId"),
            ("authorization_scopes", "AuthorizationScopes"),
            ("api_key_required", "ApiKeyRequired"),
            ("request_parameters", "RequestParameters"),
            ("request_models", "RequestModels"),
            ("operation_name", "OperationName"),
        ],
    )?;
    if !method.body.contains_key("authorization") {
        method.set("authorization", "NONE");
    }
    let mut blocks = vec![method];
    let target = Target::of(&blocks[0]);
    if let Some(responses) = res.take("MethodResponses") {
        for response in responses.as_array().into_iter().flatten() {
            blocks.push(method_response(res, &target, response)?);
        }
    }
    if let Some(integration) = res.take("Integration") {
        let mut integration = integration.as_object().cloned().unwrap_or_default();
        let responses = integration.remove("IntegrationResponses");
        let block = integration_block(res, &target, &Json::Object(integration))?;
        let address = block.address();
        blocks.push(block);
        for response in responses.iter().filter_map(Json::as_array).flatten() {
            let mut block = integration_response(res, &target, response, &address)?;
            let method_response = block.name.clone();
            let declared = blocks
                .iter()
                .any(|b| b.ty == "aws_api_gateway_method_response" && b.name == method_response);
            if declared {
                let address = format!("aws_api_gateway_method_response.{method_response}");
                if let Some(Json::Array(list)) = block.body.get_mut("depends_on") {
                    list.push(Json::String(address));
                }
            }
            blocks.push(block);
        }
    }
    Ok(blocks)
}

/// What every part repeats: the API, the resource and the method's verb.
struct Target {
    name: String,
    base: Map<String, Json>,
}

impl Target {
    fn of(method: &Block) -> Self {
        let mut base = Map::new();
        for key in ["rest_api_id", "resource_id"] {
            if let Some(value) = method.body.get(key) {
                base.insert(key.to_owned(), value.clone());
            }
        }
        base.insert("http_method".into(), method.attr("http_method"));
        Self {
            name: method.name.clone(),
            base,
        }
    }

    fn block(&self, ty: &'static str, suffix: Option<&str>) -> Block {
        let name = suffix.map_or_else(|| self.name.clone(), |s| format!("{}_{s}", self.name));
        let mut block = Block::new(ty, name);
        block.body = self.base.clone();
        block
    }
}

fn status_of(res: &Res<'_>, response: &Json) -> Result<String> {
    response
        .get("StatusCode")
        .and_then(Json::as_str)
        .map(str::to_owned)
        .ok_or_else(|| res.error("a response has no literal `StatusCode`"))
}

fn method_response(res: &Res<'_>, target: &Target, response: &Json) -> Result<Block> {
    let status = status_of(res, response)?;
    let mut block = target.block("aws_api_gateway_method_response", Some(&status));
    merge(
        &mut block,
        res.nested(
            "MethodResponses",
            response,
            &[
                ("status_code", "StatusCode"),
                ("response_parameters", "ResponseParameters"),
                ("response_models", "ResponseModels"),
            ],
        )?,
    );
    Ok(block)
}

fn integration_block(res: &Res<'_>, target: &Target, integration: &Json) -> Result<Block> {
    let mut block = target.block("aws_api_gateway_integration", None);
    merge(
        &mut block,
        res.nested(
            "Integration",
            integration,
            &[
                ("type", "Type"),
                ("integration_http_method", "IntegrationHttpMethod"),
                ("uri", "Uri"),
                ("credentials", "Credentials"),
                ("passthrough_behavior", "PassthroughBehavior"),
                ("request_templates", "RequestTemplates"),
                ("request_parameters", "RequestParameters"),
                ("content_handling", "ContentHandling"),
                ("timeout_milliseconds", "TimeoutInMillis"),
                ("connection_type", "ConnectionType"),
                ("connection_id", "ConnectionId"),
                ("cache_key_parameters", "CacheKeyParameters"),
                ("cache_namespace", "CacheNamespace"),
            ],
        )?,
    );
    Ok(block)
}

fn integration_response(
    res: &Res<'_>,
    target: &Target,
    response: &Json,
    integration: &str,
) -> Result<Block> {
    let status = status_of(res, response)?;
    let mut block = target.block("aws_api_gateway_integration_response", Some(&status));
    merge(
        &mut block,
        res.nested(
            "IntegrationResponses",
            response,
            &[
                ("status_code", "StatusCode"),
                ("selection_pattern", "SelectionPattern"),
                ("response_parameters", "ResponseParameters"),
                ("response_templates", "ResponseTemplates"),
                ("content_handling", "ContentHandling"),
            ],
        )?,
    );
    block.set("depends_on", json!([integration]));
    Ok(block)
}

fn merge(block: &mut Block, fields: Json) {
    if let Json::Object(fields) = fields {
        block.body.extend(fields);
    }
}
