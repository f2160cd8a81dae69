//! API Gateway methods and stages, and CloudFront distributions.

use super::ResourceCx;
use crate::model::{
    ApiMethod, ApiStage, Distribution, Kind, Model, Observed, OriginAccess, ViewerPolicy,
};
use crate::tree::Node;

pub(super) fn method(cx: &ResourceCx<'_>, props: &Node, _model: &mut Model) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let authorizer = props.get("AuthorizerId").map(|n| r.resolver().sym(n));
    let authorizer_type = authorizer
        .as_ref()
        .and_then(|sym| sym.references().next().map(|(target, _)| target.to_owned()))
        .and_then(|target| {
            cx.root
                .pointer(&["Resources", &target, "Properties", "Type"])
                .and_then(Node::as_str)
                .map(str::to_owned)
        });
    Kind::ApiMethod(Box::new(ApiMethod {
        http_method: r.string(props, &["HttpMethod"], p),
        authorization: r.string(props, &["AuthorizationType"], p).or_default(
            "NONE".to_owned(),
            "API Gateway methods need no authorization by default",
        ),
        authorizer,
        authorizer_type,
        api_key_required: r
            .bool(props, &["ApiKeyRequired"], p)
            .or_default(false, "API Gateway methods need no API key by default"),
        is_cors_preflight: is_cors_preflight(props),
        rest_api: props.get("RestApiId").map(|n| r.resolver().sym(n)),
    }))
}

/// A genuine preflight answers `OPTIONS` from a `MOCK` integration with a
/// 2xx status and `Access-Control-Allow-*` headers; anything else that skips
/// authorization is a real method.
pub(crate) fn is_cors_preflight(props: &Node) -> bool {
    let options = props
        .get("HttpMethod")
        .and_then(Node::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("OPTIONS"));
    let integration = props.get("Integration");
    let mock = integration
        .and_then(|i| i.get("Type"))
        .and_then(Node::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("MOCK"));
    let cors_response = integration
        .and_then(|i| i.get("IntegrationResponses"))
        .and_then(Node::as_array)
        .is_some_and(|responses| responses.iter().any(is_cors_response));
    options && mock && cors_response
}

fn is_cors_response(response: &Node) -> bool {
    let status_ok = response
        .get("StatusCode")
        .and_then(|s| {
            s.as_str()
                .map(str::to_owned)
                .or_else(|| s.as_i64().map(|n| n.to_string()))
        })
        .is_some_and(|s| s == "200" || s == "204");
    let headers = response
        .get("ResponseParameters")
        .and_then(Node::as_object)
        .is_some_and(|params| {
            params
                .keys()
                .any(|k| k.to_ascii_lowercase().contains("access-control-allow-"))
        });
    status_ok && headers
}

pub(super) fn stage(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let settings = props
        .get("MethodSettings")
        .and_then(Node::as_array)
        .and_then(|all| all.iter().find(|s| is_default_route(s)));
    let (rate, burst, trace) = match settings {
        Some(s) => (
            r.float(
                s,
                &["ThrottlingRateLimit"],
                "Properties.MethodSettings[*/*]",
            ),
            r.int(
                s,
                &["ThrottlingBurstLimit"],
                "Properties.MethodSettings[*/*]",
            ),
            r.bool(s, &["DataTraceEnabled"], "Properties.MethodSettings[*/*]"),
        ),
        None => (
            Observed::absent("Properties.MethodSettings", cx.loc),
            Observed::absent("Properties.MethodSettings", cx.loc),
            Observed::absent("Properties.MethodSettings", cx.loc),
        ),
    };
    Kind::ApiStage(Box::new(ApiStage {
        rest_api: props.get("RestApiId").map(|n| r.resolver().sym(n)),
        throttling_rate: rate,
        throttling_burst: burst,
        usage_plan_throttled: usage_plan_throttles(cx, props),
        access_log_destination: r.sym(props, &["AccessLogSetting", "DestinationArn"], p),
        access_log_format: r.string(props, &["AccessLogSetting", "Format"], p),
        data_trace: trace.or_default(false, "API Gateway leaves data trace off by default"),
    }))
}

/// True when a usage plan in the template throttles the whole stage: its
/// plan-wide `Throttle` has positive rate and burst limits, and one of its
/// `ApiStages` names this stage (by reference or by `StageName`) on this
/// stage's API. Per-method throttles of a plan are not counted, like
/// per-method stage settings.
fn usage_plan_throttles(cx: &ResourceCx<'_>, stage: &Node) -> bool {
    let Some(resources) = cx.root.get("Resources").and_then(Node::as_object) else {
        return false;
    };
    resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Node::as_str) == Some("AWS::ApiGateway::UsagePlan"))
        .filter_map(|(_, r)| r.get("Properties"))
        .any(|plan| plan_throttles(cx, plan) && plan_names_stage(cx, plan, stage))
}

fn plan_throttles(cx: &ResourceCx<'_>, plan: &Node) -> bool {
    let r = &cx.reader;
    let rate = r.float(plan, &["Throttle", "RateLimit"], "Properties");
    let burst = r.int(plan, &["Throttle", "BurstLimit"], "Properties");
    rate.value().is_some_and(|v| *v > 0.0) && burst.value().is_some_and(|v| *v > 0)
}

fn plan_names_stage(cx: &ResourceCx<'_>, plan: &Node, stage: &Node) -> bool {
    let lookup = cx.reader.resolver();
    let sym = |node: &Node, key: &str| node.get(key).map(|n| lookup.sym(n));
    let stage_name = sym(stage, "StageName");
    let stage_name = stage_name.as_ref().and_then(|n| n.as_literal());
    let stage_api = sym(stage, "RestApiId");
    let entries = plan
        .get("ApiStages")
        .and_then(Node::as_array)
        .unwrap_or_default();
    entries.iter().any(|entry| {
        let named = sym(entry, "Stage").is_some_and(|s| {
            s.is_reference_to(cx.id) || (s.as_literal().is_some() && s.as_literal() == stage_name)
        });
        let same_api = match (sym(entry, "ApiId"), &stage_api) {
            (Some(a), Some(b)) => a == *b,
            _ => true,
        };
        named && same_api
    })
}

fn is_default_route(settings: &Node) -> bool {
    let method = settings.get("HttpMethod").and_then(Node::as_str);
    let path = settings.get("ResourcePath").and_then(Node::as_str);
    method == Some("*") && path == Some("/*")
}

pub(super) fn distribution(cx: &ResourceCx<'_>, props: &Node) -> Kind {
    let r = &cx.reader;
    let p = "Properties.DistributionConfig";
    let empty = Node::new(crate::tree::Value::Null, cx.loc);
    let config = props.get("DistributionConfig").unwrap_or(&empty);
    let mut viewer_policies = vec![ViewerPolicy {
        behavior: "DefaultCacheBehavior".to_owned(),
        policy: r.string(config, &["DefaultCacheBehavior", "ViewerProtocolPolicy"], p),
    }];
    if let Some(behaviors) = config.get("CacheBehaviors").and_then(Node::as_array) {
        for (i, b) in behaviors.iter().enumerate() {
            let path = format!("{p}.CacheBehaviors[{i}]");
            viewer_policies.push(ViewerPolicy {
                behavior: format!("CacheBehaviors[{i}]"),
                policy: r.string(b, &["ViewerProtocolPolicy"], &path),
            });
        }
    }
    let uses_default_certificate = config.get("ViewerCertificate").is_none()
        || r.bool(
            config,
            &["ViewerCertificate", "CloudFrontDefaultCertificate"],
            p,
        )
        .value()
        .copied()
        .unwrap_or(false);
    let origins = config
        .get("Origins")
        .and_then(Node::as_array)
        .map(|all| all.iter().map(origin_access).collect())
        .unwrap_or_default();
    Kind::Distribution(Box::new(Distribution {
        viewer_policies,
        minimum_protocol: r.string(config, &["ViewerCertificate", "MinimumProtocolVersion"], p),
        uses_default_certificate,
        origins,
    }))
}

fn origin_access(origin: &Node) -> (String, OriginAccess) {
    let id = origin
        .get("Id")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let access = if origin.get("OriginAccessControlId").is_some() {
        OriginAccess::Oac
    } else if origin
        .pointer(&["S3OriginConfig", "OriginAccessIdentity"])
        .is_some_and(|n| n.as_str() != Some(""))
    {
        OriginAccess::Oai
    } else {
        OriginAccess::Public
    };
    (id, access)
}
