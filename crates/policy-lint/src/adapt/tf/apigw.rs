//! API Gateway methods and stages, and CloudFront distributions.
//!
//! Terraform spreads what CloudFormation writes inside a method or stage
//! over sibling resources: the integration and its responses decide
//! whether an `OPTIONS` method is a genuine CORS preflight;
//! `aws_api_gateway_method_settings` on `*/*` and usage plans carry a
//! stage's throttling. [`Links`] pairs them up once, by REST API, resource,
//! HTTP method and stage name.

use std::collections::{HashMap, HashSet};

use super::Cx;
use super::source::{TfResource, blocks, blocks_at, first_block, follow};
use crate::adapt::Lookup;
use crate::model::{
    ApiMethod, ApiStage, Distribution, Kind, Observed, OriginAccess, State, ViewerPolicy,
};
use crate::tree::{Node, Value};

const METHOD: &str = "aws_api_gateway_method";
const STAGE: &str = "aws_api_gateway_stage";

/// (REST API, resource, HTTP method) of a method and its integration.
type MethodKey = (String, String, String);

/// Sibling resources of methods and stages.
#[derive(Debug, Default)]
pub(crate) struct Links {
    integrations: HashMap<MethodKey, usize>,
    responses: HashMap<MethodKey, Vec<usize>>,
    /// `*/*` method settings by (REST API, stage name).
    settings: HashMap<(String, String), usize>,
    /// Stages a usage plan throttles, by (REST API, stage name).
    planned: HashSet<(String, String)>,
}

impl Links {
    pub(crate) fn new(cx: &Cx<'_, '_>) -> Self {
        let mut links = Self::default();
        for (i, r) in cx.of_type("aws_api_gateway_integration") {
            links.integrations.insert(method_key(cx, r), i);
        }
        for (i, r) in cx.of_type("aws_api_gateway_integration_response") {
            links
                .responses
                .entry(method_key(cx, r))
                .or_default()
                .push(i);
        }
        for (i, r) in cx.of_type("aws_api_gateway_method_settings") {
            let path = r.body.get("method_path").and_then(|p| cx.text(p));
            if path.as_deref() == Some("*/*") {
                links
                    .settings
                    .insert(stage_key(cx, r, "rest_api_id", "stage_name"), i);
            }
        }
        for (_, plan) in cx.of_type("aws_api_gateway_usage_plan") {
            if throttles(cx, plan) {
                for stage in blocks(&plan.body, "api_stages") {
                    links
                        .planned
                        .insert(stage_key_of(cx, stage, "api_id", "stage"));
                }
            }
        }
        links
    }
}

/// A stable key for the resource an argument names: its address when it
/// is a reference, its text otherwise.
fn key(cx: &Cx<'_, '_>, node: Option<&Node>) -> String {
    let Some(node) = node else {
        return String::new();
    };
    let sym = cx.lookup.sym(node);
    match sym.references().next() {
        Some((target, _)) => target.to_owned(),
        None => sym.to_string(),
    }
}

fn method_key(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> MethodKey {
    let http = r.body.get("http_method");
    let via_method = cx.link(http, METHOD).map(|i| &cx.source.resources[i]);
    let http = match via_method {
        Some(m) => m.body.get("http_method").and_then(|n| cx.text(n)),
        None => http.and_then(|n| cx.text(n)),
    };
    (
        key(cx, r.body.get("rest_api_id")),
        key(cx, r.body.get("resource_id")),
        http.unwrap_or_default().to_ascii_uppercase(),
    )
}

fn stage_key(cx: &Cx<'_, '_>, r: &TfResource<'_>, api: &str, stage: &str) -> (String, String) {
    stage_key_of(cx, &r.body, api, stage)
}

/// (REST API, stage name), following a reference to the stage resource.
fn stage_key_of(cx: &Cx<'_, '_>, body: &Node, api: &str, stage: &str) -> (String, String) {
    let node = body.get(stage);
    let name = match cx.link(node, STAGE) {
        Some(i) => cx.source.resources[i]
            .body
            .get("stage_name")
            .and_then(|n| cx.text(n)),
        None => node.and_then(|n| cx.text(n)),
    };
    (key(cx, body.get(api)), name.unwrap_or_default())
}

fn throttles(cx: &Cx<'_, '_>, plan: &TfResource<'_>) -> bool {
    let Some((settings, _)) = first_block(&plan.body, "throttle_settings", "") else {
        return false;
    };
    let positive = |k: &str| {
        settings
            .get(k)
            .and_then(|n| cx.text(n))
            .and_then(|t| t.parse::<f64>().ok())
            .is_some_and(|v| v > 0.0)
    };
    positive("rate_limit") && positive("burst_limit")
}

pub(super) fn method(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let authorizer_node = r.body.get("authorizer_id");
    let authorizer_type = cx
        .link(authorizer_node, "aws_api_gateway_authorizer")
        .map(|i| {
            let authorizer = &cx.source.resources[i];
            // The aws provider's default authorizer type.
            authorizer
                .body
                .get("type")
                .and_then(|t| cx.text(t))
                .unwrap_or_else(|| "TOKEN".to_owned())
        });
    Kind::ApiMethod(Box::new(ApiMethod {
        http_method: reader.string(&r.body, &["http_method"], &r.address),
        authorization: reader
            .string(&r.body, &["authorization"], &r.address)
            .or_default(
                "NONE".to_owned(),
                "API Gateway methods need no authorization by default",
            ),
        authorizer: authorizer_node.map(|n| cx.lookup.sym(n)),
        authorizer_type,
        api_key_required: reader
            .bool(&r.body, &["api_key_required"], &r.address)
            .or_default(false, "API Gateway methods need no API key by default"),
        is_cors_preflight: is_cors_preflight(cx, r),
        rest_api: r.body.get("rest_api_id").map(|n| cx.lookup.sym(n)),
    }))
}

/// A genuine preflight answers `OPTIONS` from a `MOCK` integration with a
/// 200 or 204 and `Access-Control-Allow-*` headers, as in CloudFormation.
fn is_cors_preflight(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> bool {
    let key = method_key(cx, r);
    if key.2 != "OPTIONS" {
        return false;
    }
    let integration = cx
        .api
        .integrations
        .get(&key)
        .map(|&i| &cx.source.resources[i]);
    let mock = integration
        .and_then(|i| i.body.get("type"))
        .and_then(|t| cx.text(t))
        .is_some_and(|t| t.eq_ignore_ascii_case("MOCK"));
    let responses = cx
        .api
        .responses
        .get(&key)
        .map(Vec::as_slice)
        .unwrap_or_default();
    mock && responses
        .iter()
        .any(|&i| is_cors_response(cx, &cx.source.resources[i]))
}

fn is_cors_response(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> bool {
    let status = r.body.get("status_code");
    let status = match cx.link(status, "aws_api_gateway_method_response") {
        Some(i) => cx.source.resources[i]
            .body
            .get("status_code")
            .and_then(|s| cx.text(s)),
        None => status.and_then(|s| cx.text(s)),
    };
    let params = r
        .body
        .get("response_parameters")
        .map(|p| cx.lookup.expand(p));
    let headers = params
        .as_ref()
        .and_then(Node::as_object)
        .is_some_and(|map| {
            map.keys()
                .any(|k| k.to_ascii_lowercase().contains("access-control-allow-"))
        });
    matches!(status.as_deref(), Some("200" | "204")) && headers
}

pub(super) fn stage(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let stage = stage_key(cx, r, "rest_api_id", "stage_name");
    let settings = cx
        .api
        .settings
        .get(&stage)
        .map(|&i| &cx.source.resources[i]);
    let block = settings.and_then(|s| follow(&s.body, &["settings"], &s.address).map(|b| (s, b)));
    let absent = |leaf: &str| format!("aws_api_gateway_method_settings.settings.{leaf}");
    let limit = |leaf: &str| match &block {
        Some((s, (node, path))) => unset_negative(cx.reader(s).float(node, &[leaf], path)),
        None => Observed::absent(absent(leaf), r.loc),
    };
    let trace = match &block {
        Some((s, (node, path))) => cx.reader(s).bool(node, &["data_trace_enabled"], path),
        None => Observed::absent(absent("data_trace_enabled"), r.loc),
    };
    let burst = limit("throttling_burst_limit").map(|b| b as i64);
    let (destination, format) = match first_block(&r.body, "access_log_settings", &r.address) {
        Some((block, path)) => (
            reader.sym(block, &["destination_arn"], &path),
            reader.string(block, &["format"], &path),
        ),
        None => {
            let path = format!("{}.access_log_settings", r.address);
            (
                Observed::absent(path.clone(), r.loc),
                Observed::absent(path, r.loc),
            )
        }
    };
    Kind::ApiStage(Box::new(ApiStage {
        rest_api: r.body.get("rest_api_id").map(|n| cx.lookup.sym(n)),
        throttling_rate: limit("throttling_rate_limit"),
        throttling_burst: burst,
        usage_plan_throttled: cx.api.planned.contains(&stage),
        access_log_destination: destination,
        access_log_format: format,
        data_trace: trace.or_default(false, "API Gateway leaves data trace off by default"),
    }))
}

/// The aws provider writes an unset throttling limit as -1.
fn unset_negative(mut value: Observed<f64>) -> Observed<f64> {
    if matches!(value.state, State::Set(v) if v < 0.0) {
        value.state = State::Absent;
    }
    value
}

pub(super) fn distribution(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let policy = |block: Option<(&Node, String)>, name: &str| match block {
        Some((node, path)) => reader.string(node, &["viewer_protocol_policy"], &path),
        None => Observed::absent(
            format!("{}.{name}.viewer_protocol_policy", r.address),
            r.loc,
        ),
    };
    let mut viewer_policies = vec![ViewerPolicy {
        behavior: "DefaultCacheBehavior".to_owned(),
        policy: policy(
            first_block(&r.body, "default_cache_behavior", &r.address),
            "default_cache_behavior",
        ),
    }];
    let ordered = blocks_at(&r.body, "ordered_cache_behavior", &r.address);
    for (i, (b, path)) in ordered.into_iter().enumerate() {
        viewer_policies.push(ViewerPolicy {
            behavior: format!("CacheBehaviors[{i}]"),
            policy: policy(Some((b, path)), "ordered_cache_behavior"),
        });
    }
    let certificate = first_block(&r.body, "viewer_certificate", &r.address);
    let uses_default_certificate = match &certificate {
        None => true,
        Some((c, path)) => {
            reader
                .bool(c, &["cloudfront_default_certificate"], path)
                .value()
                == Some(&true)
        }
    };
    let minimum_protocol = match &certificate {
        Some((c, path)) => reader.string(c, &["minimum_protocol_version"], path),
        None => Observed::absent(format!("{}.viewer_certificate", r.address), r.loc),
    };
    Kind::Distribution(Box::new(Distribution {
        viewer_policies,
        minimum_protocol,
        uses_default_certificate,
        origins: blocks(&r.body, "origin")
            .into_iter()
            .map(|o| origin_access(cx, o))
            .collect(),
    }))
}

fn origin_access(cx: &Cx<'_, '_>, origin: &Node) -> (String, OriginAccess) {
    let id = origin
        .get("origin_id")
        .and_then(|n| cx.text(n))
        .unwrap_or_default();
    let set = |n: &Node| !matches!(&n.value, Value::String(s) if s.is_empty());
    let access = if origin.get("origin_access_control_id").is_some_and(set) {
        OriginAccess::Oac
    } else if blocks(origin, "s3_origin_config")
        .first()
        .and_then(|c| c.get("origin_access_identity"))
        .is_some_and(set)
    {
        OriginAccess::Oai
    } else {
        OriginAccess::Public
    };
    (id, access)
}
