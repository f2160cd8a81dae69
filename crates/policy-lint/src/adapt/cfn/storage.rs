//! Buckets and tables.

use super::ResourceCx;
use crate::model::{Bucket, Kind, Model, Observed, PublicAccessBlock, Table};
use crate::tree::Node;

/// S3 has encrypted new objects with SSE-S3 since January 2023.
const S3_DEFAULT_SSE: &str = "S3 applies SSE-S3 to every new object since January 2023";
/// S3 has disabled ACLs on new buckets since April 2023.
const S3_DEFAULT_OWNERSHIP: &str = "S3 creates buckets with ACLs disabled since April 2023";
const DYNAMODB_DEFAULT_SSE: &str = "DynamoDB encrypts every table with an AWS-owned key";

pub(super) fn bucket(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    let pab = |flag: &str| r.bool(props, &["PublicAccessBlockConfiguration", flag], p);
    let encryption = props
        .pointer(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
        .and_then(Node::as_array)
        .and_then(|rules| rules.first())
        .map(|rule| {
            r.string(
                rule,
                &["ServerSideEncryptionByDefault", "SSEAlgorithm"],
                "Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]",
            )
        })
        .unwrap_or_else(|| Observed::absent("Properties.BucketEncryption", cx.loc))
        .or_default("AES256".to_owned(), S3_DEFAULT_SSE);
    let ownership = props
        .pointer(&["OwnershipControls", "Rules"])
        .and_then(Node::as_array)
        .and_then(|rules| rules.first())
        .map(|rule| {
            r.string(
                rule,
                &["ObjectOwnership"],
                "Properties.OwnershipControls.Rules[0]",
            )
        })
        .unwrap_or_else(|| Observed::absent("Properties.OwnershipControls", cx.loc))
        .or_default("BucketOwnerEnforced".to_owned(), S3_DEFAULT_OWNERSHIP);
    let cors_origins = props
        .pointer(&["CorsConfiguration", "CorsRules"])
        .and_then(Node::as_array)
        .map(|rules| cors_origins(cx, rules));
    if let Some(target) = props.pointer(&["LoggingConfiguration", "DestinationBucketName"]) {
        mark_log_target(model, r.resolver().sym(target));
    }
    let name = props
        .get("BucketName")
        .and_then(|n| r.resolver().sym(n).as_literal().map(str::to_owned));
    Kind::Bucket(Box::new(Bucket {
        name,
        encryption,
        public_access_block: PublicAccessBlock {
            block_public_acls: pab("BlockPublicAcls"),
            ignore_public_acls: pab("IgnorePublicAcls"),
            block_public_policy: pab("BlockPublicPolicy"),
            restrict_public_buckets: pab("RestrictPublicBuckets"),
        },
        acl: r.string(props, &["AccessControl"], p).or_default(
            "Private".to_owned(),
            "S3 buckets are private unless an ACL says otherwise",
        ),
        ownership,
        cors_origins,
        versioning: r
            .string(props, &["VersioningConfiguration", "Status"], p)
            .map(|s| s == "Enabled")
            .or_default(false, "S3 buckets are unversioned by default"),
        website: props.get("WebsiteConfiguration").is_some(),
        is_log_target: false,
    }))
}

fn cors_origins(cx: &ResourceCx<'_>, rules: &[Node]) -> Vec<Observed<String>> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("Properties.CorsConfiguration.CorsRules[{i}].AllowedOrigins");
        let Some(origins) = rule.get("AllowedOrigins") else {
            continue;
        };
        match origins.as_array() {
            Some(items) => out.extend(items.iter().map(|item| {
                cx.reader
                    .sym_of(item, path.clone())
                    .map(|sym| sym.to_string())
            })),
            None => out.push(Observed::unknown(
                "origins do not resolve to a list",
                path,
                origins.loc,
            )),
        }
    }
    out
}

/// Buckets that receive access logs are exempt from logging themselves.
fn mark_log_target(model: &mut Model, target: crate::sym::Sym) {
    for resource in &mut model.resources {
        if let Kind::Bucket(bucket) = &mut resource.kind {
            if target.is_reference_to(&resource.id) {
                bucket.is_log_target = true;
            }
        }
    }
}

pub(super) fn table(cx: &ResourceCx<'_>, props: &Node, model: &mut Model) -> Kind {
    let r = &cx.reader;
    let p = "Properties";
    super::iam::inline_resource_policy(cx, props, &["ResourcePolicy", "PolicyDocument"], model);
    let partition_key = props
        .get("KeySchema")
        .and_then(Node::as_array)
        .and_then(|keys| {
            keys.iter()
                .find(|k| k.get("KeyType").and_then(Node::as_str) == Some("HASH"))
        })
        .map(|k| r.string(k, &["AttributeName"], "Properties.KeySchema[HASH]"))
        .unwrap_or_else(|| Observed::absent("Properties.KeySchema", cx.loc));
    Kind::Table(Box::new(Table {
        kms_encryption: r
            .bool(props, &["SSESpecification", "SSEEnabled"], p)
            .or_default(false, DYNAMODB_DEFAULT_SSE),
        point_in_time_recovery: r
            .bool(
                props,
                &[
                    "PointInTimeRecoverySpecification",
                    "PointInTimeRecoveryEnabled",
                ],
                p,
            )
            .or_default(
                false,
                "DynamoDB leaves point-in-time recovery off by default",
            ),
        deletion_protection: r
            .bool(props, &["DeletionProtectionEnabled"], p)
            .or_default(false, "DynamoDB leaves deletion protection off by default"),
        partition_key,
    }))
}
