//! Terraform JSON from the same stack that renders the CloudFormation template.
//!
//! The stack is first rendered as CloudFormation ([`crate::template`]), so every aspect (tags,
//! grants folded into role policies, removal policies, overrides, waivers, hashed ids) has run
//! exactly once and both outputs describe the same resources. Each CloudFormation resource is
//! then translated by the small translator of its type (one file per type in this module) into
//! the aws provider's resources, e.g. a bucket into `aws_s3_bucket` plus its public access
//! block, encryption and ownership resources. Values go through [`expr`]: references become
//! `${aws_x.name.attr}`, pseudo parameters data sources, parameters variables.
//!
//! The document adds what CloudFormation keeps outside the resources: `terraform` (required
//! provider `hashicorp/aws` `~> 6.0`, optional S3 backend), the provider (region from
//! `var.region`, the stack tags as `default_tags`), variables, outputs and data sources.
//! Every resource carries its construct path and waivers under the `"//"` key (Terraform's
//! comment property), so the linter and a reader map it back to the construct. `Retain` becomes
//! `lifecycle { prevent_destroy = true }`. `docs/terraform.md` has the mapping table.

mod alarm;
mod apigw;
mod attrs;
mod cloudfront;
mod cognito;
mod dynamodb;
mod expr;
mod iam;
mod kms;
mod lambda;
mod logs;
mod method;
mod names;
mod oidc;
mod res;
mod s3;
mod secrets;
mod sns;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

use crate::error::{Result, SynthError};
use crate::removal::RemovalPolicy;
use crate::stack::{ResourceEntry, Stack};
use expr::{Exprs, Target, unsupported};
use res::{Block, Res};

/// The aws provider's major version the output is written for.
pub const AWS_PROVIDER_VERSION: &str = "~> 6.0";

/// The Terraform versions the output needs (`use_lockfile` in the S3 backend came in 1.10).
pub const TERRAFORM_VERSION: &str = ">= 1.11";

/// Settings of the Terraform output that CloudFormation has no place for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TfOptions {
    /// The default of `var.region`; `None` makes the region a required variable.
    pub region: Option<String>,
    /// Where the state lives; `None` keeps Terraform's local state.
    pub backend: Option<S3Backend>,
}

/// An S3 state backend; the state is always encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Backend {
    /// The state bucket.
    pub bucket: String,
    /// The state object's key.
    pub key: String,
    /// The bucket's region.
    pub region: String,
    /// How concurrent runs are locked out.
    pub locking: Locking,
}

/// How an S3 backend locks the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locking {
    /// A lock object next to the state (`use_lockfile`, Terraform 1.10+).
    Lockfile,
    /// A DynamoDB table (the older mechanism, deprecated by Terraform but still common).
    DynamoDb(String),
}

/// Renders `stack` as a Terraform JSON configuration.
///
/// # Errors
/// Any error of [`Stack::to_template`], and [`SynthError::Terraform`] for a resource type,
/// property or intrinsic without a faithful translation.
pub fn render(stack: &Stack, options: &TfOptions) -> Result<Json> {
    let template = stack.to_template()?;
    let rendered: Vec<(&String, &Json)> = template
        .get("Resources")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .collect();
    let paths: Vec<Vec<String>> = stack
        .resources
        .iter()
        .map(|e| e.path.segments().to_vec())
        .collect();
    let tf_names = names::assign(&paths);
    let x = exprs(stack, &rendered, &tf_names)?;
    let mut translated: Vec<Vec<Block>> = Vec::new();
    for ((entry, (_, resource)), name) in stack.resources.iter().zip(&rendered).zip(&tf_names) {
        translated.push(translate(stack, &x, entry, resource, name)?);
    }
    let addresses: HashMap<&str, Vec<String>> = rendered
        .iter()
        .zip(&translated)
        .map(|((id, _), blocks)| (id.as_str(), blocks.iter().map(Block::address).collect()))
        .collect();
    for ((entry, (_, resource)), blocks) in
        stack.resources.iter().zip(&rendered).zip(&mut translated)
    {
        decorate(stack, &addresses, entry, resource, blocks)?;
    }
    publish_versions(&rendered, &mut translated);
    add_redeployment_triggers(stack, &mut translated);
    let resources = resources_section(stack, &translated)?;
    document(stack, options, &x, &template, resources)
}

fn exprs(stack: &Stack, rendered: &[(&String, &Json)], tf_names: &[String]) -> Result<Exprs> {
    let mut targets = HashMap::new();
    for ((entry, (id, _)), name) in stack.resources.iter().zip(rendered).zip(tf_names) {
        let Some(ty) = main_type(entry.type_name) else {
            return Err(unsupported(
                &stack.full_path(&entry.path),
                &format!("resource type {} has no translator", entry.type_name),
            ));
        };
        let address = match published_function(rendered, tf_names, id) {
            Some(function) => format!("{ty}.{function}"),
            None => format!("{ty}.{name}"),
        };
        let cfn_type = entry.type_name.to_owned();
        targets.insert((*id).clone(), Target { cfn_type, address });
    }
    let parameters = stack
        .parameters
        .iter()
        .map(|p| (p.name.clone(), names::snake(&p.name)))
        .collect();
    Ok(Exprs {
        stack: stack.name.clone(),
        targets,
        parameters,
        data: RefCell::default(),
        variables: RefCell::default(),
        ephemeral: RefCell::default(),
    })
}

/// The Terraform name of the function the `AWS::Lambda::Version` `id` publishes; `None` when
/// `id` is not a version of a function of this stack.
fn published_function<'a>(
    rendered: &[(&String, &Json)],
    tf_names: &'a [String],
    id: &str,
) -> Option<&'a String> {
    let function = function_of_version(rendered.iter().find(|(r, _)| r.as_str() == id)?.1)?;
    let index = rendered.iter().position(|(r, _)| r.as_str() == function)?;
    tf_names.get(index)
}

/// The logical ID a version's `FunctionName` refers to.
fn function_of_version(resource: &Json) -> Option<&str> {
    if resource.get("Type")?.as_str()? != "AWS::Lambda::Version" {
        return None;
    }
    resource
        .get("Properties")?
        .get("FunctionName")?
        .get("Ref")?
        .as_str()
}

/// Sets `publish = true` on every function a version publishes.
fn publish_versions(rendered: &[(&String, &Json)], translated: &mut [Vec<Block>]) {
    for (_, resource) in rendered {
        let Some(function) = function_of_version(resource) else {
            continue;
        };
        let index = rendered.iter().position(|(r, _)| r.as_str() == function);
        if let Some(block) = index.and_then(|i| translated.get_mut(i)?.first_mut()) {
            block.set("publish", true);
        }
    }
}

/// The aws provider type a CloudFormation type's main resource becomes.
fn main_type(cfn_type: &str) -> Option<&'static str> {
    Some(match cfn_type {
        "AWS::S3::Bucket" => "aws_s3_bucket",
        "AWS::S3::BucketPolicy" => "aws_s3_bucket_policy",
        "AWS::CloudFront::Distribution" => "aws_cloudfront_distribution",
        "AWS::CloudFront::OriginAccessControl" => "aws_cloudfront_origin_access_control",
        "AWS::DynamoDB::Table" => "aws_dynamodb_table",
        "AWS::KMS::Key" => "aws_kms_key",
        "AWS::KMS::Alias" => "aws_kms_alias",
        "AWS::SNS::Topic" => "aws_sns_topic",
        "AWS::SNS::TopicPolicy" => "aws_sns_topic_policy",
        "AWS::SNS::Subscription" => "aws_sns_topic_subscription",
        "AWS::Logs::LogGroup" => "aws_cloudwatch_log_group",
        "AWS::IAM::Role" => "aws_iam_role",
        "AWS::Lambda::Function" => "aws_lambda_function",
        "AWS::Lambda::Permission" => "aws_lambda_permission",
        // A version is its function, published (see `lambda::version`).
        "AWS::Lambda::Version" => "aws_lambda_function",
        "AWS::Lambda::Alias" => "aws_lambda_alias",
        "AWS::IAM::OIDCProvider" => "aws_iam_openid_connect_provider",
        "AWS::SecretsManager::Secret" => "aws_secretsmanager_secret",
        "AWS::CloudWatch::Alarm" => "aws_cloudwatch_metric_alarm",
        "AWS::Cognito::UserPool" => "aws_cognito_user_pool",
        "AWS::Cognito::UserPoolClient" => "aws_cognito_user_pool_client",
        "AWS::ApiGateway::RestApi" => "aws_api_gateway_rest_api",
        "AWS::ApiGateway::Resource" => "aws_api_gateway_resource",
        "AWS::ApiGateway::Authorizer" => "aws_api_gateway_authorizer",
        "AWS::ApiGateway::Method" => "aws_api_gateway_method",
        "AWS::ApiGateway::Deployment" => "aws_api_gateway_deployment",
        "AWS::ApiGateway::Stage" => "aws_api_gateway_stage",
        "AWS::ApiGateway::GatewayResponse" => "aws_api_gateway_gateway_response",
        "AWS::ApiGateway::Account" => "aws_api_gateway_account",
        _ => return None,
    })
}

fn translate(
    stack: &Stack,
    x: &Exprs,
    entry: &ResourceEntry,
    resource: &Json,
    name: &str,
) -> Result<Vec<Block>> {
    let path = stack.full_path(&entry.path);
    let mut props = resource
        .get("Properties")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let tags = own_tags(stack, entry, &mut props);
    let mut res = Res::new(x, path, name.to_owned(), props);
    res.tags = tags;
    let blocks = match entry.type_name {
        "AWS::S3::Bucket" => s3::bucket(&mut res)?,
        "AWS::S3::BucketPolicy" => s3::policy(&mut res)?,
        "AWS::CloudFront::Distribution" => cloudfront::distribution(&mut res)?,
        "AWS::CloudFront::OriginAccessControl" => cloudfront::origin_access_control(&mut res)?,
        "AWS::DynamoDB::Table" => dynamodb::table(&mut res)?,
        "AWS::KMS::Key" => kms::key(&mut res)?,
        "AWS::KMS::Alias" => kms::alias(&mut res)?,
        "AWS::SNS::Topic" => sns::topic(&mut res)?,
        "AWS::SNS::TopicPolicy" => sns::policy(&mut res)?,
        "AWS::SNS::Subscription" => sns::subscription(&mut res)?,
        "AWS::Logs::LogGroup" => logs::log_group(&mut res)?,
        "AWS::IAM::Role" => iam::role(&mut res)?,
        "AWS::Lambda::Function" => lambda::function(&mut res, &stack.assets)?,
        "AWS::Lambda::Permission" => lambda::permission(&mut res)?,
        "AWS::Lambda::Version" => lambda::version(&mut res)?,
        "AWS::Lambda::Alias" => lambda::alias(&mut res)?,
        "AWS::IAM::OIDCProvider" => oidc::provider(&mut res)?,
        "AWS::SecretsManager::Secret" => secrets::secret(&mut res)?,
        "AWS::CloudWatch::Alarm" => alarm::alarm(&mut res)?,
        "AWS::Cognito::UserPool" => cognito::user_pool(&mut res)?,
        "AWS::Cognito::UserPoolClient" => cognito::client(&mut res)?,
        "AWS::ApiGateway::Method" => method::method(&mut res)?,
        "AWS::ApiGateway::Stage" => apigw::stage(&mut res)?,
        other => apigw::other(&mut res, other)?,
    };
    res.finish()?;
    Ok(blocks)
}

/// Removes the rendered tags from `props` and returns those the provider's `default_tags`
/// (the stack's tags) do not already give.
fn own_tags(
    stack: &Stack,
    entry: &ResourceEntry,
    props: &mut Map<String, Json>,
) -> Map<String, Json> {
    let Some(property) = entry.tags.property() else {
        return Map::new();
    };
    let pairs: Vec<(String, Json)> = match props.remove(property) {
        Some(Json::Array(list)) => list
            .iter()
            .filter_map(|tag| {
                Some((
                    tag.get("Key")?.as_str()?.to_owned(),
                    tag.get("Value")?.clone(),
                ))
            })
            .collect(),
        Some(Json::Object(map)) => map.into_iter().collect(),
        _ => Vec::new(),
    };
    pairs
        .into_iter()
        .filter(|(key, value)| stack.props.tags.get(key) != value.as_str())
        .collect()
}

/// Adds the `"//"` metadata, `depends_on` and the removal policy to the translated blocks.
fn decorate(
    stack: &Stack,
    addresses: &HashMap<&str, Vec<String>>,
    entry: &ResourceEntry,
    resource: &Json,
    blocks: &mut [Block],
) -> Result<()> {
    let path = stack.full_path(&entry.path);
    let depends_on = depends_on(addresses, &path, resource)?;
    let metadata = resource
        .get("Metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    for (i, block) in blocks.iter_mut().enumerate() {
        let mut body = Map::new();
        body.insert("//".into(), metadata.clone());
        body.append(&mut block.body);
        if !depends_on.is_empty() {
            let mut list: Vec<Json> = body
                .get("depends_on")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            list.extend(depends_on.iter().cloned().map(Json::String));
            body.insert("depends_on".into(), Json::Array(list));
        }
        if i == 0 && entry.stateful && stack.removal_policy() == RemovalPolicy::Retain {
            let lifecycle = body.entry("lifecycle").or_insert_with(|| json!({}));
            if let Json::Object(lifecycle) = lifecycle {
                lifecycle.insert("prevent_destroy".into(), json!(true));
            }
        }
        block.body = body;
    }
    Ok(())
}

/// The addresses of every resource a `DependsOn` entry became: all of them, since
/// CloudFormation waits for a method's inline integration too.
fn depends_on(
    addresses: &HashMap<&str, Vec<String>>,
    path: &str,
    resource: &Json,
) -> Result<Vec<String>> {
    let ids: Vec<&str> = match resource.get("DependsOn") {
        Some(Json::String(id)) => vec![id.as_str()],
        Some(Json::Array(ids)) => ids.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for id in ids {
        let Some(parts) = addresses.get(id) else {
            return Err(unsupported(path, &format!("depends on unknown `{id}`")));
        };
        out.extend(parts.iter().cloned());
    }
    Ok(out)
}

/// A deployment is a snapshot of its API; Terraform replaces it when `triggers` change, so the
/// trigger is a hash of everything the CloudFormation id is hashed over.
fn add_redeployment_triggers(stack: &Stack, translated: &mut [Vec<Block>]) {
    let index: HashMap<&str, usize> = stack
        .resources
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    for (i, entry) in stack.resources.iter().enumerate() {
        if entry.id_hash_of.is_empty() {
            continue;
        }
        let mut hasher = Sha256::new();
        for member in &entry.id_hash_of {
            for block in index
                .get(member.as_str())
                .map(|&m| &translated[m])
                .into_iter()
                .flatten()
            {
                hasher.update(block.address().as_bytes());
                hasher.update(Json::Object(block.body.clone()).to_string().as_bytes());
            }
        }
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if let Some(main) = translated[i].first_mut() {
            main.set("triggers", json!({ "redeployment": digest }));
            let lifecycle = main.body.entry("lifecycle").or_insert_with(|| json!({}));
            if let Json::Object(lifecycle) = lifecycle {
                lifecycle.insert("create_before_destroy".into(), json!(true));
            }
        }
    }
}

/// `resource` as Terraform JSON wants it: type → name → body, types in first-use order.
fn resources_section(stack: &Stack, translated: &[Vec<Block>]) -> Result<Map<String, Json>> {
    let mut section: Map<String, Json> = Map::new();
    for block in translated.iter().flatten() {
        let by_name = section
            .entry(block.ty)
            .or_insert_with(|| Json::Object(Map::new()));
        let Json::Object(by_name) = by_name else {
            continue;
        };
        if by_name.contains_key(&block.name) {
            return Err(SynthError::Terraform {
                path: stack.name.clone(),
                reason: format!("two resources would be named `{}`", block.address()),
            });
        }
        by_name.insert(block.name.clone(), Json::Object(block.body.clone()));
    }
    Ok(section)
}

fn document(
    stack: &Stack,
    options: &TfOptions,
    x: &Exprs,
    template: &Json,
    resources: Map<String, Json>,
) -> Result<Json> {
    let outputs = outputs(stack, x, template)?;
    let mut doc = Map::new();
    doc.insert(
        "//".into(),
        json!(format!(
            "stack `{}`, written by stackwright from the same constructs as {}.template.json",
            stack.name, stack.name
        )),
    );
    doc.insert("terraform".into(), terraform_block(options));
    doc.insert("provider".into(), provider(stack));
    doc.insert("variable".into(), variables(stack, options, x));
    let data = x.data.borrow();
    if !data.is_empty() {
        let sources: Map<String, Json> = data
            .iter()
            .map(|ty| ((*ty).to_owned(), json!({"current": {}})))
            .collect();
        doc.insert("data".into(), Json::Object(sources));
    }
    let ephemeral = x.ephemeral.borrow();
    if !ephemeral.is_empty() {
        let passwords: Map<String, Json> = ephemeral
            .iter()
            .map(|(name, body)| (name.clone(), body.clone()))
            .collect();
        doc.insert(
            "ephemeral".into(),
            json!({"aws_secretsmanager_random_password": passwords}),
        );
    }
    doc.insert("resource".into(), Json::Object(resources));
    if !outputs.is_empty() {
        doc.insert("output".into(), Json::Object(outputs));
    }
    Ok(Json::Object(doc))
}

fn terraform_block(options: &TfOptions) -> Json {
    let mut block = Map::new();
    block.insert("required_version".into(), json!(TERRAFORM_VERSION));
    block.insert(
        "required_providers".into(),
        json!({"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}}),
    );
    if let Some(backend) = &options.backend {
        let mut s3 = json!({
            "bucket": backend.bucket,
            "key": backend.key,
            "region": backend.region,
            "encrypt": true,
        });
        match &backend.locking {
            Locking::Lockfile => s3["use_lockfile"] = json!(true),
            Locking::DynamoDb(table) => s3["dynamodb_table"] = json!(table),
        }
        block.insert("backend".into(), json!({ "s3": s3 }));
    }
    Json::Object(block)
}

fn provider(stack: &Stack) -> Json {
    let tags: BTreeMap<&str, &str> = stack.props.tags.iter().collect();
    let mut aws = json!({"region": "${var.region}"});
    if !tags.is_empty() {
        aws["default_tags"] = json!({ "tags": tags });
    }
    json!({ "aws": aws })
}

fn variables(stack: &Stack, options: &TfOptions, x: &Exprs) -> Json {
    let mut vars = Map::new();
    let mut region = json!({"type": "string", "description": "AWS region to deploy the stack to"});
    if let Some(default) = &options.region {
        region["default"] = json!(default);
    }
    vars.insert("region".into(), region);
    let used = x.variables.borrow();
    for parameter in stack.parameters.iter().filter(|p| used.contains(&p.name)) {
        vars.insert(names::snake(&parameter.name), variable(parameter));
    }
    Json::Object(vars)
}

fn variable(parameter: &crate::parameter::Parameter) -> Json {
    let mut var = json!({"type": "string"});
    if let Some(description) = &parameter.description {
        var["description"] = json!(description);
    }
    if let Some(default) = &parameter.default {
        var["default"] = json!(default);
    }
    if parameter.no_echo {
        var["sensitive"] = json!(true);
    }
    if let Some(pattern) = &parameter.allowed_pattern {
        let name = names::snake(&parameter.name);
        let message = parameter
            .constraint_description
            .clone()
            .unwrap_or_else(|| format!("must match {pattern}"));
        var["validation"] = json!({
            "condition": format!("${{can(regex({}, var.{name}))}}", hcl_string(pattern)),
            "error_message": sentence(&message),
        });
    }
    var
}

/// A string literal in Terraform's expression syntax.
fn hcl_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "$${")
        .replace("%{", "%%{");
    format!("\"{escaped}\"")
}

/// Terraform before 1.2 wanted validation messages as sentences; older readers still do.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let mut out = format!("{first}{}", chars.as_str());
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

fn outputs(stack: &Stack, x: &Exprs, template: &Json) -> Result<Map<String, Json>> {
    let mut map = Map::new();
    let rendered = template.get("Outputs").and_then(Json::as_object);
    for (name, output) in rendered.into_iter().flatten() {
        let path = format!("{}/Outputs/{name}", stack.name);
        if output.get("Export").is_some() {
            return Err(unsupported(&path, "exports have no Terraform equivalent"));
        }
        let value = output.get("Value").cloned().unwrap_or(Json::Null);
        let mut out = json!({ "value": x.value(&path, &value)? });
        if let Some(description) = output.get("Description") {
            out["description"] = description.clone();
        }
        map.insert(names::snake(name), out);
    }
    Ok(map)
}
