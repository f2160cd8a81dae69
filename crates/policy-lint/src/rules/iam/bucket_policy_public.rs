//! S3006: a bucket policy that allows any principal.

use super::{Protected, check_public};
use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3006",
        name: "bucket-policy-public",
        title: "Bucket policy allows any principal",
        control: "S3-2",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-S5"],
        checkov: &["CKV_AWS_70"],
        security_hub: &["S3.2", "S3.3", "S3.6"],
        rationale: "A bucket policy that allows `*` publishes the objects (or the right to change them) to the internet.",
        remediation: "Name the principals (the CloudFront distribution's service principal with an `aws:SourceArn` condition, or account roles); never `*` without a condition on the caller.",
        limitations: "A wildcard principal narrowed by a condition on the caller (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, …) passes. `Deny` statements never count.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    check_public(cx, out, Protected::Bucket);
}
