//! CloudFormation → model.
//!
//! Each resource is read once per combination of the `Fn::If` conditions its
//! properties depend on (up to the resolver's branch limit), so rules see
//! both branches and a finding can name the condition values it holds under.
//! Types the model has no view of still count for tags and secrets.

mod apigw;
mod cognito;
mod compute;
mod iam;
mod policy_doc;
mod storage;
pub(crate) mod waivers;

use std::collections::BTreeMap;
use std::path::Path;

use super::branches::{self, Variant};
use super::read::Reader;
use crate::adapt::Lookup;
use crate::finding::Assumption;
use crate::model::{Kind, Model, Observed, Resource, SecretCandidate, SourceFormat};
use crate::secrets;
use crate::tree::{Loc, Node, Value};

/// Reads a CloudFormation template into the model.
pub fn adapt(path: &Path, root: &Node, resolver: &dyn Lookup) -> Model {
    let mut model = Model::new(path.to_path_buf(), SourceFormat::CloudFormation);
    collect_parameter_secrets(&mut model, root);
    collect_output_secrets(&mut model, root);
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return model;
    };
    for (key, node) in resources.iter() {
        let Some(ty) = node.get("Type").and_then(Node::as_str) else {
            continue;
        };
        for variant in branches::expand(node, resolver) {
            let cx = ResourceCx {
                root,
                id: &key.name,
                ty,
                loc: key.loc,
                assumptions: variant.assumptions.clone(),
                reader: Reader::new(resolver, key.loc),
            };
            adapt_resource(&mut model, &cx, &variant);
        }
    }
    model
}

/// What a per-type adapter needs to know about the resource it reads.
pub(crate) struct ResourceCx<'a> {
    pub root: &'a Node,
    pub id: &'a str,
    pub ty: &'a str,
    pub loc: Loc,
    pub assumptions: Vec<Assumption>,
    pub reader: Reader<'a>,
}

impl ResourceCx<'_> {
    /// The resource as the model stores it.
    pub(crate) fn resource(&self, node: &Node, kind: Kind) -> Resource {
        Resource {
            id: self.id.to_owned(),
            source_type: self.ty.to_owned(),
            loc: self.loc,
            kind,
            tags: tags(self, node),
            retained: retained(self, node),
            assumptions: self.assumptions.clone(),
            waivers: Vec::new(),
        }
    }
}

fn adapt_resource(model: &mut Model, cx: &ResourceCx<'_>, variant: &Variant) {
    let node = &variant.node;
    let empty = Node::new(crate::tree::Value::Object(Default::default()), cx.loc);
    let props = node.get("Properties").unwrap_or(&empty);
    let kind = match cx.ty {
        "AWS::S3::Bucket" => storage::bucket(cx, props, model),
        "AWS::DynamoDB::Table" => storage::table(cx, props, model),
        "AWS::Lambda::Function" => compute::function(cx, props),
        "AWS::Logs::LogGroup" => compute::log_group(cx, props),
        "AWS::KMS::Key" => compute::kms_key(cx, props, model),
        "AWS::SNS::Topic" | "AWS::SQS::Queue" => compute::topic(cx, props),
        "AWS::Cognito::UserPool" => cognito::user_pool(cx, props),
        "AWS::Cognito::UserPoolClient" => cognito::user_pool_client(cx, props),
        "AWS::ApiGateway::Method" => apigw::method(cx, props, model),
        "AWS::ApiGateway::Stage" => apigw::stage(cx, props),
        "AWS::ApiGateway::RestApi" => Kind::RestApi,
        "AWS::CloudFront::Distribution" => apigw::distribution(cx, props),
        "AWS::CloudWatch::Alarm" => compute::alarm(cx, props),
        "AWS::IAM::Role" => iam::role(cx, props, model),
        "AWS::IAM::User" | "AWS::IAM::Group" => {
            iam::inline_policies(cx, props, model);
            Kind::Other
        }
        "AWS::IAM::ManagedPolicy" => iam::managed_policy(cx, props, model),
        _ => {
            iam::resource_policies(cx, props, model);
            Kind::Other
        }
    };
    collect_property_secrets(model, cx, props, "Properties");
    let mut resource = cx.resource(node, kind);
    resource.waivers = waivers::read(cx.id, node, &mut model.problems);
    model.resources.push(resource);
}

/// String leaves that could be credentials: values under secret-sounding
/// keys, and values shaped like known credentials under any key. Values
/// produced by intrinsics are skipped: a `Ref` to a parameter is how a
/// secret should arrive.
fn collect_property_secrets(model: &mut Model, cx: &ResourceCx<'_>, node: &Node, path: &str) {
    match &node.value {
        Value::Object(map) if node.intrinsic().is_none() => {
            for (key, child) in map.iter() {
                let child_path = format!("{path}.{}", key.name);
                // An IAM condition key names a request claim (`…githubusercontent.com:sub`,
                // `aws:SourceAccount`), not the value: only a credential's shape counts there.
                let name = if path.contains(".Condition.") {
                    ""
                } else {
                    key.name.as_str()
                };
                if let Value::String(text) = &child.value {
                    if secrets::secret_name(name) || secrets::classify(name, text).is_some() {
                        model.secret_candidates.push(SecretCandidate {
                            owner: cx.id.to_owned(),
                            owner_type: cx.ty.to_owned(),
                            name: key.name.clone(),
                            value: text.clone(),
                            path: child_path,
                            loc: child.loc,
                            no_echo: false,
                        });
                    }
                } else {
                    collect_property_secrets(model, cx, child, &child_path);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                if let Value::String(text) = &item.value {
                    if secrets::classify("", text).is_some() {
                        model.secret_candidates.push(SecretCandidate {
                            owner: cx.id.to_owned(),
                            owner_type: cx.ty.to_owned(),
                            name: String::new(),
                            value: text.clone(),
                            path: item_path,
                            loc: item.loc,
                            no_echo: false,
                        });
                    }
                } else {
                    collect_property_secrets(model, cx, item, &item_path);
                }
            }
        }
        _ => {}
    }
}

/// The resource's tags, or `None` when the type takes none.
fn tags(cx: &ResourceCx<'_>, node: &Node) -> Option<Observed<BTreeMap<String, String>>> {
    let prop = tag_property(cx.ty)?;
    let path = format!("Properties.{prop}");
    let Some(value) = node.pointer(&["Properties", prop]) else {
        return Some(Observed::set(BTreeMap::new(), path, cx.loc));
    };
    Some(cx.reader.tags(value, &path))
}

/// The property that holds a type's tags; `None` for types without tags.
fn tag_property(ty: &str) -> Option<&'static str> {
    match ty {
        "AWS::Cognito::UserPool" => Some("UserPoolTags"),
        "AWS::S3::BucketPolicy"
        | "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::Lambda::Permission"
        | "AWS::Lambda::Version"
        | "AWS::Lambda::Alias"
        | "AWS::ApiGateway::Method"
        | "AWS::ApiGateway::Resource"
        | "AWS::ApiGateway::Deployment"
        | "AWS::ApiGateway::Authorizer"
        | "AWS::ApiGateway::GatewayResponse"
        | "AWS::ApiGateway::Account"
        | "AWS::CloudFront::OriginAccessControl"
        | "AWS::CloudFront::ResponseHeadersPolicy"
        | "AWS::Cognito::UserPoolClient"
        | "AWS::KMS::Alias"
        | "AWS::SNS::Subscription"
        | "AWS::SNS::TopicPolicy"
        | "AWS::SQS::QueuePolicy" => None,
        ty if ty.starts_with("AWS::") => Some("Tags"),
        _ => None,
    }
}

/// Retained means both `DeletionPolicy` and `UpdateReplacePolicy` keep the
/// resource: either one set to `Delete` (CloudFormation's default) loses it.
/// `AWS::LanguageExtensions` lets both be intrinsics, so they are resolved
/// like any value: a parameter without a default leaves the answer unknown.
fn retained(cx: &ResourceCx<'_>, node: &Node) -> Observed<bool> {
    let path = "DeletionPolicy/UpdateReplacePolicy";
    let Some(deletion) = node.get("DeletionPolicy") else {
        return Observed::default(false, "CloudFormation deletes by default", path, cx.loc);
    };
    let keeps = |attr: &str| -> Result<bool, String> {
        let Some(policy) = node.get(attr) else {
            return Ok(false);
        };
        let policy = cx.reader.resolver().value(policy);
        match policy.as_str() {
            Some(p) => Ok(matches!(p, "Retain" | "RetainExceptOnCreate" | "Snapshot")),
            None => Err(cx.reader.unreadable(&policy)),
        }
    };
    match (keeps("DeletionPolicy"), keeps("UpdateReplacePolicy")) {
        (Ok(d), Ok(r)) => Observed::set(d && r, path, deletion.loc),
        (Ok(false), _) | (_, Ok(false)) => Observed::set(false, path, deletion.loc),
        (Err(reason), _) | (_, Err(reason)) => Observed::unknown(reason, path, deletion.loc),
    }
}

fn collect_parameter_secrets(model: &mut Model, root: &Node) {
    let Some(params) = root.get("Parameters").and_then(Node::as_object) else {
        return;
    };
    for (key, param) in params.iter() {
        let Some(default) = param.get("Default") else {
            continue;
        };
        let Some(value) = scalar_text(default) else {
            continue;
        };
        let no_echo = param
            .get("NoEcho")
            .is_some_and(|n| n.as_bool() == Some(true) || n.as_str() == Some("true"));
        model.secret_candidates.push(SecretCandidate {
            owner: key.name.clone(),
            owner_type: "Parameter".to_owned(),
            name: key.name.clone(),
            value,
            path: format!("Parameters.{}.Default", key.name),
            loc: default.loc,
            no_echo,
        });
    }
}

fn collect_output_secrets(model: &mut Model, root: &Node) {
    let Some(outputs) = root.get("Outputs").and_then(Node::as_object) else {
        return;
    };
    for (key, output) in outputs.iter() {
        let Some(value) = output.get("Value") else {
            continue;
        };
        // Only literals: a reference names a value, it does not hold one.
        let Some(text) = value.as_str() else {
            continue;
        };
        model.secret_candidates.push(SecretCandidate {
            owner: key.name.clone(),
            owner_type: "Output".to_owned(),
            name: key.name.clone(),
            value: text.to_owned(),
            path: format!("Outputs.{}.Value", key.name),
            loc: value.loc,
            no_echo: false,
        });
    }
}

/// A scalar as text, for secret scanning.
fn scalar_text(node: &Node) -> Option<String> {
    use crate::tree::Value;
    match &node.value {
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        _ => None,
    }
}
