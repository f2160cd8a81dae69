//! `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`.
//!
//! Since provider 4 a bucket's settings are resources of their own, each naming the bucket:
//! public access block, server-side encryption, ownership controls, versioning, CORS, logging,
//! website, ACL. Each takes the bucket's name, so every part shares it and sits next to the
//! bucket in the output.

use serde_json::{Value as Json, json};

use super::res::{Block, Res};
use crate::error::Result;

/// Translates one bucket property into the arguments of its part resource.
type Part = fn(&Res<'_>, &Json) -> Result<Json>;

pub(super) fn bucket(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut bucket = Block::new("aws_s3_bucket", res.name.clone());
    res.copy(&mut bucket, "bucket", "BucketName")?;
    res.tag(&mut bucket);
    let id = bucket.attr("id");
    let mut blocks = vec![bucket];
    let parts: [(&str, Part, &str); 8] = [
        (
            "PublicAccessBlockConfiguration",
            public_access,
            "aws_s3_bucket_public_access_block",
        ),
        (
            "BucketEncryption",
            encryption,
            "aws_s3_bucket_server_side_encryption_configuration",
        ),
        (
            "OwnershipControls",
            ownership,
            "aws_s3_bucket_ownership_controls",
        ),
        (
            "VersioningConfiguration",
            versioning,
            "aws_s3_bucket_versioning",
        ),
        (
            "CorsConfiguration",
            cors,
            "aws_s3_bucket_cors_configuration",
        ),
        ("LoggingConfiguration", logging, "aws_s3_bucket_logging"),
        (
            "WebsiteConfiguration",
            website,
            "aws_s3_bucket_website_configuration",
        ),
        ("AccessControl", acl, "aws_s3_bucket_acl"),
    ];
    for (property, translate, ty) in parts {
        if let Some(value) = res.take(property) {
            let mut part = Block::new(ty, res.name.clone());
            part.set("bucket", id.clone());
            if let Json::Object(fields) = translate(res, &value)? {
                part.body.extend(fields);
            }
            blocks.push(part);
        }
    }
    Ok(blocks)
}

fn public_access(res: &Res<'_>, value: &Json) -> Result<Json> {
    res.nested(
        "PublicAccessBlockConfiguration",
        value,
        &[
            ("block_public_acls", "BlockPublicAcls"),
            ("block_public_policy", "BlockPublicPolicy"),
            ("ignore_public_acls", "IgnorePublicAcls"),
            ("restrict_public_buckets", "RestrictPublicBuckets"),
        ],
    )
}

fn encryption(res: &Res<'_>, value: &Json) -> Result<Json> {
    let rules = value
        .get("ServerSideEncryptionConfiguration")
        .cloned()
        .unwrap_or(json!([]));
    let mut out = Vec::new();
    for rule in rules.as_array().into_iter().flatten() {
        let mut tf = res.nested(
            "BucketEncryption.ServerSideEncryptionConfiguration",
            &strip(rule, "ServerSideEncryptionByDefault"),
            &[("bucket_key_enabled", "BucketKeyEnabled")],
        )?;
        if let Some(default) = rule.get("ServerSideEncryptionByDefault") {
            tf["apply_server_side_encryption_by_default"] = res.nested(
                "ServerSideEncryptionByDefault",
                default,
                &[
                    ("sse_algorithm", "SSEAlgorithm"),
                    ("kms_master_key_id", "KMSMasterKeyID"),
                ],
            )?;
        }
        out.push(tf);
    }
    Ok(json!({ "rule": out }))
}

fn ownership(res: &Res<'_>, value: &Json) -> Result<Json> {
    let rules = value.get("Rules").cloned().unwrap_or(json!([]));
    let rule = res.nested_list(
        "OwnershipControls.Rules",
        &rules,
        &[("object_ownership", "ObjectOwnership")],
    )?;
    let first = rule
        .as_array()
        .and_then(|r| r.first())
        .cloned()
        .unwrap_or(json!({}));
    Ok(json!({ "rule": first }))
}

fn versioning(res: &Res<'_>, value: &Json) -> Result<Json> {
    let config = res.nested("VersioningConfiguration", value, &[("status", "Status")])?;
    Ok(json!({ "versioning_configuration": config }))
}

fn cors(res: &Res<'_>, value: &Json) -> Result<Json> {
    let rules = value.get("CorsRules").cloned().unwrap_or(json!([]));
    let rules = res.nested_list(
        "CorsConfiguration.CorsRules",
        &rules,
        &[
            ("allowed_headers", "AllowedHeaders"),
            ("allowed_methods", "AllowedMethods"),
            ("allowed_origins", "AllowedOrigins"),
            ("expose_headers", "ExposedHeaders"),
            ("id", "Id"),
            ("max_age_seconds", "MaxAge"),
        ],
    )?;
    Ok(json!({ "cors_rule": rules }))
}

fn logging(res: &Res<'_>, value: &Json) -> Result<Json> {
    res.nested(
        "LoggingConfiguration",
        value,
        &[
            ("target_bucket", "DestinationBucketName"),
            ("target_prefix", "LogFilePrefix"),
        ],
    )
}

fn website(res: &Res<'_>, value: &Json) -> Result<Json> {
    let mut out = json!({});
    if let Some(index) = value.get("IndexDocument") {
        out["index_document"] = json!({ "suffix": res.value(index)? });
    }
    if let Some(error) = value.get("ErrorDocument") {
        out["error_document"] = json!({ "key": res.value(error)? });
    }
    let known = ["IndexDocument", "ErrorDocument"];
    if let Some(key) = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .find(|k| !known.contains(&k.as_str()))
    {
        return Err(res.error(&format!(
            "`WebsiteConfiguration.{key}` has no Terraform translation"
        )));
    }
    Ok(out)
}

/// CloudFormation's canned ACL names in the provider's spelling (`PublicRead` → `public-read`).
fn acl(res: &Res<'_>, value: &Json) -> Result<Json> {
    let Some(name) = value.as_str() else {
        return Err(res.error("`AccessControl` is not a literal"));
    };
    let mut acl = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            acl.push('-');
        }
        acl.push(c.to_ascii_lowercase());
    }
    Ok(json!({ "acl": acl }))
}

fn strip(value: &Json, key: &str) -> Json {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove(key);
    }
    value
}

pub(super) fn policy(res: &mut Res<'_>) -> Result<Vec<Block>> {
    let mut block = Block::new("aws_s3_bucket_policy", res.name.clone());
    res.copy(&mut block, "bucket", "Bucket")?;
    res.policy(&mut block, "policy", "PolicyDocument")?;
    Ok(vec![block])
}
