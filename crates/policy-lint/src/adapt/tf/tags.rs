//! Tags: what each resource carries, with the aws provider's
//! `default_tags`.
//!
//! The default tags of the provider configuration every resource uses go to
//! [`Model::default_tags`](crate::model::Model), where the tag rule looks
//! for them. When resources use provider configurations with different
//! default tags (`provider = aws.east`), each resource gets its own
//! provider's defaults merged into its tags instead, and the model-wide
//! set stays empty. A plan's `tags_all`, when known, already holds the
//! merge.

use std::collections::BTreeMap;

use super::Cx;
use super::source::{TfResource, blocks, first_block};
use crate::adapt::Lookup;
use crate::model::{Observed, State};
use crate::tree::{Node, Value};

/// Types whose schema has `tags` (among those the adapter reads, and
/// common neighbours). A type not listed counts as taggable when a block
/// writes `tags`.
const TAGGABLE: &[&str] = &[
    "aws_acm_certificate",
    "aws_api_gateway_api_key",
    "aws_api_gateway_client_certificate",
    "aws_api_gateway_domain_name",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_stage",
    "aws_api_gateway_usage_plan",
    "aws_api_gateway_vpc_link",
    "aws_cloudfront_distribution",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_cognito_user_pool",
    "aws_dynamodb_table",
    "aws_ecr_repository",
    "aws_iam_openid_connect_provider",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_user",
    "aws_kms_key",
    "aws_lambda_function",
    "aws_s3_bucket",
    "aws_secretsmanager_secret",
    "aws_sfn_state_machine",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_ssm_parameter",
    "aws_wafv2_web_acl",
];

/// Types the adapter reads whose schema has no `tags`.
const UNTAGGABLE: &[&str] = &[
    "aws_api_gateway_authorizer",
    "aws_api_gateway_deployment",
    "aws_api_gateway_integration",
    "aws_api_gateway_integration_response",
    "aws_api_gateway_method",
    "aws_api_gateway_method_response",
    "aws_api_gateway_method_settings",
    "aws_api_gateway_resource",
    "aws_cloudfront_origin_access_control",
    "aws_cognito_user_pool_client",
    "aws_dynamodb_resource_policy",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_kms_alias",
    "aws_kms_key_policy",
    "aws_lambda_alias",
    "aws_lambda_permission",
    "aws_sns_topic_policy",
    "aws_sqs_queue_policy",
];

type Tags = BTreeMap<String, String>;

/// The default tags of each provider configuration.
pub(crate) struct DefaultTags {
    by_provider: BTreeMap<String, Tags>,
    /// Resources use configurations with different defaults.
    per_resource: bool,
}

impl DefaultTags {
    pub(crate) fn new(cx: &Cx<'_, '_>) -> Self {
        let mut by_provider = BTreeMap::new();
        for provider in &cx.source.providers {
            let tags = first_block(&provider.body, "default_tags", "")
                .and_then(|(block, _)| block.get("tags"))
                .map(|node| cx.lookup.expand(node));
            let map = tags.as_ref().and_then(|t| t.as_object()).map(|map| {
                map.iter()
                    .map(|(k, v)| (k.name.clone(), cx.lookup.sym(v).to_string()))
                    .collect::<Tags>()
            });
            by_provider.insert(provider.key.clone(), map.unwrap_or_default());
        }
        let default = by_provider.get("aws").cloned().unwrap_or_default();
        let per_resource = cx
            .source
            .resources
            .iter()
            .filter(|r| taggable(r))
            .any(|r| by_provider.get(&r.provider).unwrap_or(&Tags::new()) != &default);
        Self {
            by_provider,
            per_resource,
        }
    }

    /// The tags every taggable resource gets.
    pub(crate) fn model_wide(&self) -> Tags {
        if self.per_resource {
            return Tags::new();
        }
        self.by_provider.get("aws").cloned().unwrap_or_default()
    }

    /// The resource's tags, or `None` when its type takes none.
    pub(crate) fn of(&self, cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Option<Observed<Tags>> {
        if !taggable(r) {
            return None;
        }
        let key = if r
            .body
            .get("tags_all")
            .is_some_and(|t| t.as_object().is_some())
        {
            "tags_all"
        } else {
            "tags"
        };
        let path = format!("{}.{key}", r.address);
        let mut tags = match r.body.get(key) {
            Some(node) => read(cx, node, path),
            None => Observed::set(Tags::new(), path, r.loc),
        };
        // `tag { key, value }` blocks (`aws_autoscaling_group`).
        if let State::Set(own) = &mut tags.state {
            for block in blocks(&r.body, "tag") {
                own.extend(pair(cx, block));
            }
        }
        if self.per_resource {
            if let (State::Set(own), Some(defaults)) =
                (&mut tags.state, self.by_provider.get(&r.provider))
            {
                for (k, v) in defaults {
                    own.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        Some(tags)
    }
}

fn taggable(r: &TfResource<'_>) -> bool {
    let written = ["tags", "tags_all", "tag"]
        .iter()
        .any(|k| r.body.get(k).is_some());
    TAGGABLE.contains(&r.ty) || (!UNTAGGABLE.contains(&r.ty) && written)
}

/// A `tags` map, or a list of `{key, value}` maps (older resources).
fn read(cx: &Cx<'_, '_>, node: &Node, path: String) -> Observed<Tags> {
    let value = cx.lookup.expand(node);
    match &value.value {
        Value::Object(map) => {
            let tags = map
                .iter()
                .map(|(k, v)| (k.name.clone(), cx.lookup.sym(v).to_string()));
            Observed::set(tags.collect(), path, node.loc)
        }
        Value::Array(items) => {
            let tags = items.iter().filter_map(|i| pair(cx, i));
            Observed::set(tags.collect(), path, node.loc)
        }
        Value::Unknown(reason) => Observed::unknown(reason.clone(), path, node.loc),
        _ => Observed::unknown("tags are neither a map nor a list", path, node.loc),
    }
}

fn pair(cx: &Cx<'_, '_>, item: &Node) -> Option<(String, String)> {
    let get = |a: &str, b: &str| item.get(a).or_else(|| item.get(b));
    let key = cx.text(get("key", "Key")?)?;
    let value = get("value", "Value").map(|v| cx.lookup.sym(v).to_string());
    Some((key, value.unwrap_or_default()))
}
