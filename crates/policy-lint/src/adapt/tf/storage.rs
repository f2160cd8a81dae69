//! Buckets (with the aws provider's split resources folded in) and tables.
//!
//! A setting comes from the split resource when there is one
//! (`aws_s3_bucket_versioning`), else from the argument the provider still
//! accepts inline on `aws_s3_bucket` (`versioning { enabled = true }`),
//! else from the service's documented default, as for CloudFormation.

use super::Cx;
use super::source::{TfResource, blocks, blocks_at, first_block, follow};
use crate::model::{Bucket, Kind, Model, Observed, PublicAccessBlock, Table};
use crate::tree::{Node, Value};

const S3_DEFAULT_SSE: &str = "S3 applies SSE-S3 to every new object since January 2023";
const S3_DEFAULT_OWNERSHIP: &str = "S3 creates buckets with ACLs disabled since April 2023";
const S3_PRIVATE: &str = "S3 buckets are private unless an ACL says otherwise";
const PAB_FLAG_OFF: &str = "the aws provider turns a Block Public Access flag left out off";
const DYNAMODB_DEFAULT_SSE: &str = "DynamoDB encrypts every table with an AWS-owned key";

const PAB: &str = "aws_s3_bucket_public_access_block";
const SSE: &str = "aws_s3_bucket_server_side_encryption_configuration";
const OWNERSHIP: &str = "aws_s3_bucket_ownership_controls";
const ACL: &str = "aws_s3_bucket_acl";
const CORS: &str = "aws_s3_bucket_cors_configuration";
const VERSIONING: &str = "aws_s3_bucket_versioning";
const WEBSITE: &str = "aws_s3_bucket_website_configuration";
const LOGGING: &str = "aws_s3_bucket_logging";

pub(super) fn bucket(cx: &Cx<'_, '_>, i: usize, is_log_target: bool, model: &mut Model) -> Kind {
    let r = &cx.source.resources[i];
    super::iam::inline_resource_policy(cx, r, "policy", model);
    let name = r.body.get("bucket").and_then(|n| {
        crate::adapt::Lookup::sym(cx.lookup, n)
            .as_literal()
            .map(str::to_owned)
    });
    Kind::Bucket(Box::new(Bucket {
        name,
        encryption: encryption(cx, i),
        public_access_block: public_access_block(cx, i),
        acl: acl(cx, i),
        ownership: ownership(cx, i),
        cors_origins: cors_origins(cx, i),
        versioning: versioning(cx, i),
        website: cx.part(i, WEBSITE).is_some() || !blocks(&r.body, "website").is_empty(),
        is_log_target,
    }))
}

/// A string leaf under a chain of nested blocks of `res`.
fn nested(cx: &Cx<'_, '_>, res: &TfResource<'_>, chain: &[&str], leaf: &str) -> Observed<String> {
    match follow(&res.body, chain, &res.address) {
        Some((block, path)) => cx.reader(res).string(block, &[leaf], &path),
        None => Observed::absent(format!("{}.{}", res.address, chain.join(".")), res.loc),
    }
}

fn encryption(cx: &Cx<'_, '_>, i: usize) -> Observed<String> {
    let r = &cx.source.resources[i];
    let chain = ["rule", "apply_server_side_encryption_by_default"];
    let value = match cx.part(i, SSE) {
        Some(part) => nested(cx, part, &chain, "sse_algorithm"),
        None if r.body.get("server_side_encryption_configuration").is_some() => {
            let inline = ["server_side_encryption_configuration", chain[0], chain[1]];
            nested(cx, r, &inline, "sse_algorithm")
        }
        None => Observed::absent(SSE, r.loc),
    };
    value.or_default("AES256".to_owned(), S3_DEFAULT_SSE)
}

fn public_access_block(cx: &Cx<'_, '_>, i: usize) -> PublicAccessBlock {
    let r = &cx.source.resources[i];
    let part = cx.part(i, PAB);
    let flag = |name: &str| match part {
        Some(p) => cx
            .reader(p)
            .bool(&p.body, &[name], &p.address)
            .or_default(false, PAB_FLAG_OFF),
        None => Observed::absent(format!("{PAB}.{name}"), r.loc),
    };
    PublicAccessBlock {
        block_public_acls: flag("block_public_acls"),
        ignore_public_acls: flag("ignore_public_acls"),
        block_public_policy: flag("block_public_policy"),
        restrict_public_buckets: flag("restrict_public_buckets"),
    }
}

fn acl(cx: &Cx<'_, '_>, i: usize) -> Observed<String> {
    let r = &cx.source.resources[i];
    let value = match cx.part(i, ACL) {
        Some(part) if part.body.get("acl").is_none() => grants_acl(cx, part),
        Some(part) => cx.reader(part).string(&part.body, &["acl"], &part.address),
        None => cx.reader(r).string(&r.body, &["acl"], &r.address),
    };
    value.or_default("private".to_owned(), S3_PRIVATE)
}

/// An explicit access control policy, read as the canned ACL it amounts
/// to: public when it grants to everyone or to every AWS account.
fn grants_acl(cx: &Cx<'_, '_>, part: &TfResource<'_>) -> Observed<String> {
    let Some((policy, path)) = first_block(&part.body, "access_control_policy", &part.address)
    else {
        return Observed::absent(format!("{}.acl", part.address), part.loc);
    };
    let mut acl = "private";
    for grant in blocks(policy, "grant") {
        let uri = grant
            .get("grantee")
            .and_then(|g| blocks_or_self(g).into_iter().find_map(|g| g.get("uri")))
            .and_then(|u| cx.text(u));
        let permission = grant.get("permission").and_then(|p| cx.text(p));
        let writes = matches!(
            permission.as_deref(),
            Some("WRITE" | "WRITE_ACP" | "FULL_CONTROL")
        );
        match uri.as_deref() {
            Some(u) if u.ends_with("/global/AllUsers") && writes => acl = "public-read-write",
            Some(u) if u.ends_with("/global/AllUsers") && acl != "public-read-write" => {
                acl = "public-read"
            }
            Some(u) if u.ends_with("/global/AuthenticatedUsers") && acl == "private" => {
                acl = "authenticated-read";
            }
            _ => {}
        }
    }
    Observed::set(acl.to_owned(), format!("{path}.grant"), policy.loc)
}

fn blocks_or_self(node: &Node) -> Vec<&Node> {
    match &node.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![node],
    }
}

fn ownership(cx: &Cx<'_, '_>, i: usize) -> Observed<String> {
    let r = &cx.source.resources[i];
    let value = match cx.part(i, OWNERSHIP) {
        Some(part) => nested(cx, part, &["rule"], "object_ownership"),
        None => Observed::absent(OWNERSHIP, r.loc),
    };
    value.or_default("BucketOwnerEnforced".to_owned(), S3_DEFAULT_OWNERSHIP)
}

fn cors_origins(cx: &Cx<'_, '_>, i: usize) -> Option<Vec<Observed<String>>> {
    let r = &cx.source.resources[i];
    let holder = cx.part(i, CORS).unwrap_or(r);
    let rules = blocks_at(&holder.body, "cors_rule", &holder.address);
    if rules.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (rule, path) in rules {
        let path = format!("{path}.allowed_origins");
        let Some(origins) = rule.get("allowed_origins") else {
            continue;
        };
        let origins = cx.lookup.expand(origins);
        match &origins.value {
            Value::Array(items) => out.extend(items.iter().map(|item| {
                cx.reader(holder)
                    .sym_of(item, path.clone())
                    .map(|s| s.to_string())
            })),
            Value::Unknown(reason) => {
                out.push(Observed::unknown(reason.clone(), path, origins.loc))
            }
            _ => out.push(Observed::unknown(
                "origins do not resolve to a list",
                path,
                origins.loc,
            )),
        }
    }
    Some(out)
}

fn versioning(cx: &Cx<'_, '_>, i: usize) -> Observed<bool> {
    let r = &cx.source.resources[i];
    let value = match cx.part(i, VERSIONING) {
        Some(part) => {
            nested(cx, part, &["versioning_configuration"], "status").map(|s| s == "Enabled")
        }
        None => match first_block(&r.body, "versioning", &r.address) {
            Some((block, path)) => cx.reader(r).bool(block, &["enabled"], &path),
            None => Observed::absent(VERSIONING, r.loc),
        },
    };
    value.or_default(false, "S3 buckets are unversioned by default")
}

/// The buckets that receive another bucket's access logs.
pub(super) fn log_targets(cx: &Cx<'_, '_>) -> Vec<usize> {
    let mut out = Vec::new();
    for (_, logging) in cx.of_type(LOGGING) {
        out.extend(cx.link(logging.body.get("target_bucket"), "aws_s3_bucket"));
    }
    for (_, bucket) in cx.of_type("aws_s3_bucket") {
        for block in blocks(&bucket.body, "logging") {
            out.extend(cx.link(block.get("target_bucket"), "aws_s3_bucket"));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub(super) fn table(cx: &Cx<'_, '_>, r: &TfResource<'_>) -> Kind {
    let reader = cx.reader(r);
    let flag = |block: &str, leaf: &str| match first_block(&r.body, block, &r.address) {
        Some((node, path)) => reader.bool(node, &[leaf], &path),
        None => Observed::absent(format!("{}.{block}.{leaf}", r.address), r.loc),
    };
    Kind::Table(Box::new(Table {
        kms_encryption: flag("server_side_encryption", "enabled")
            .or_default(false, DYNAMODB_DEFAULT_SSE),
        point_in_time_recovery: flag("point_in_time_recovery", "enabled").or_default(
            false,
            "DynamoDB leaves point-in-time recovery off by default",
        ),
        deletion_protection: reader
            .bool(&r.body, &["deletion_protection_enabled"], &r.address)
            .or_default(false, "DynamoDB leaves deletion protection off by default"),
        partition_key: reader.string(&r.body, &["hash_key"], &r.address),
    }))
}
