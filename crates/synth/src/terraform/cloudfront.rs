//! `AWS::CloudFront::Distribution` and `AWS::CloudFront::OriginAccessControl`.
//!
//! The distribution's `DistributionConfig` becomes the resource's arguments. Terraform requires
//! a `restrictions` block that CloudFormation leaves implicit; without geo restrictions it says
//! `none`. An origin reached through Origin Access Control keeps no `s3_origin_config` (the
//! empty origin access identity CloudFormation needs alongside OAC means "none").

use serde_json::{Map, Value as Json, json};

use super::res::{Block, Res};
use crate::error::Result;

pub(super) fn origin_access_control(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cloudfront_origin_access_control", res.name.clone());
    if let Some(config) = res.take("OriginAccessControlConfig") {
        let fields = res.nested(
            "OriginAccessControlConfig",
            &config,
            &[
                ("description", "Description"),
                ("name", "Name"),
                (
                    "origin_access_control_origin_type",
                    "OriginAccessControlOriginType",
                ),
                ("signing_behavior", "SigningBehavior"),
                ("signing_protocol", "SigningProtocol"),
            ],
        )?;
        extend(&mut block, fields);
    }
    Ok(vec![block])
}

pub(super) fn distribution(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_cloudfront_distribution", res.name.clone());
    let config = res.take("DistributionConfig").unwrap_or_else(|| json!({}));
    let mut config = config.as_object().cloned().unwrap_or_default();
    let scalars = [
        ("comment", "Comment"),
        ("default_root_object", "DefaultRootObject"),
        ("enabled", "Enabled"),
        ("http_version", "HttpVersion"),
        ("is_ipv6_enabled", "IPV6Enabled"),
        ("price_class", "PriceClass"),
        ("web_acl_id", "WebACLId"),
        ("aliases", "Aliases"),
    ];
    for (tf, cfn) in scalars {
        if let Some(value) = config.remove(cfn) {
            block.set(tf, res.value(&value)?);
        }
    }
    if let Some(origins) = config.remove("Origins") {
        block.set("origin", origins_of(res, &origins)?);
    }
    if let Some(behavior) = config.remove("DefaultCacheBehavior") {
        block.set("default_cache_behavior", cache_behavior(res, &behavior)?);
    }
    if let Some(behaviors) = config.remove("CacheBehaviors") {
        let list = behaviors.as_array().into_iter().flatten();
        let list = list
            .map(|b| cache_behavior(res, b))
            .collect::<Result<Vec<_>>>()?;
        block.set("ordered_cache_behavior", list);
    }
    if let Some(responses) = config.remove("CustomErrorResponses") {
        block.set(
            "custom_error_response",
            res.nested_list(
                "CustomErrorResponses",
                &responses,
                &[
                    ("error_caching_min_ttl", "ErrorCachingMinTTL"),
                    ("error_code", "ErrorCode"),
                    ("response_code", "ResponseCode"),
                    ("response_page_path", "ResponsePagePath"),
                ],
            )?,
        );
    }
    block.set(
        "restrictions",
        restrictions(res, config.remove("Restrictions"))?,
    );
    if let Some(certificate) = config.remove("ViewerCertificate") {
        block.set(
            "viewer_certificate",
            res.nested(
                "ViewerCertificate",
                &certificate,
                &[
                    ("acm_certificate_arn", "AcmCertificateArn"),
                    (
                        "cloudfront_default_certificate",
                        "CloudFrontDefaultCertificate",
                    ),
                    ("iam_certificate_id", "IamCertificateId"),
                    ("minimum_protocol_version", "MinimumProtocolVersion"),
                    ("ssl_support_method", "SslSupportMethod"),
                ],
            )?,
        );
    }
    if let Some(logging) = config.remove("Logging") {
        block.set(
            "logging_config",
            res.nested(
                "Logging",
                &logging,
                &[
                    ("bucket", "Bucket"),
                    ("include_cookies", "IncludeCookies"),
                    ("prefix", "Prefix"),
                ],
            )?,
        );
    }
    if let Some(key) = config.keys().next() {
        return Err(res.error(&format!(
            "`DistributionConfig.{key}` has no Terraform translation"
        )));
    }
    res.tag(&mut block);
    Ok(vec![block])
}

fn origins_of(res: &Res<'_>, origins: &Json) -> Result<Json> {
    let mut out = Vec::new();
    for origin in origins.as_array().into_iter().flatten() {
        let mut origin = origin.as_object().cloned().unwrap_or_default();
        let uses_oac = origin.contains_key("OriginAccessControlId");
        let s3 = origin.remove("S3OriginConfig");
        let mut tf = res.nested(
            "Origins",
            &Json::Object(origin),
            &[
                ("domain_name", "DomainName"),
                ("origin_id", "Id"),
                ("origin_access_control_id", "OriginAccessControlId"),
                ("origin_path", "OriginPath"),
            ],
        )?;
        let identity = s3.as_ref().and_then(|s| s.get("OriginAccessIdentity"));
        let empty = identity.and_then(Json::as_str).is_none_or(str::is_empty);
        if s3.is_some() && !(uses_oac && empty) {
            tf["s3_origin_config"] = json!({
                "origin_access_identity": res.value(identity.unwrap_or(&json!("")))?,
            });
        }
        out.push(tf);
    }
    Ok(Json::Array(out))
}

fn cache_behavior(res: &Res<'_>, behavior: &Json) -> Result<Json> {
    res.nested(
        "CacheBehavior",
        behavior,
        &[
            ("allowed_methods", "AllowedMethods"),
            ("cache_policy_id", "CachePolicyId"),
            ("cached_methods", "CachedMethods"),
            ("compress", "Compress"),
            ("origin_request_policy_id", "OriginRequestPolicyId"),
            ("path_pattern", "PathPattern"),
            ("response_headers_policy_id", "ResponseHeadersPolicyId"),
            ("target_origin_id", "TargetOriginId"),
            ("viewer_protocol_policy", "ViewerProtocolPolicy"),
        ],
    )
}

fn restrictions(res: &Res<'_>, value: Option<Json>) -> Result<Json> {
    let Some(geo) = value.as_ref().and_then(|v| v.get("GeoRestriction")) else {
        return Ok(json!({"geo_restriction": {"restriction_type": "none"}}));
    };
    let geo = res.nested(
        "Restrictions.GeoRestriction",
        geo,
        &[
            ("locations", "Locations"),
            ("restriction_type", "RestrictionType"),
        ],
    )?;
    Ok(json!({ "geo_restriction": geo }))
}

fn extend(block: &mut Block, fields: Json) {
    if let Json::Object(fields) = fields {
        let fields: Map<String, Json> = fields;
        block.body.extend(fields);
    }
}
