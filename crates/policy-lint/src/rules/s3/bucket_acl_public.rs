//! S3002: a bucket whose canned ACL grants public access.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

/// Canned ACLs that grant access to everyone or to every AWS account.
const PUBLIC_ACLS: &[&str] = &[
    "PublicRead",
    "PublicReadWrite",
    "AuthenticatedRead",
    "public-read",
    "public-read-write",
    "authenticated-read",
];

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3002",
        name: "bucket-acl-public",
        title: "S3 bucket ACL grants read or write to everyone",
        control: "S3-2",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_20", "CKV_AWS_57"],
        security_hub: &["S3.2", "S3.3"],
        rationale: "A public ACL hands the bucket's objects (or the right to write them) to \
            anyone on the internet.",
        remediation: "Leave `AccessControl` out (or `Private`) and set object ownership to \
            `BucketOwnerEnforced`, which turns ACLs off.",
        limitations: "Object-level ACLs are not in templates and are not seen.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        let value = &bucket.acl;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(acl) if PUBLIC_ACLS.contains(&acl.as_str()) => {
                finding.fail(format!("the bucket ACL is `{acl}`"));
            }
            State::Unknown(reason) => finding.unknown(format!("the ACL cannot be read: {reason}")),
            _ => finding.pass("the bucket ACL is private"),
        }
    }
}
