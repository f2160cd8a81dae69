//! S3001: a bucket without all four Block Public Access settings.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3001",
        name: "bucket-public-access-not-blocked",
        title: "S3 bucket does not turn on all four Block Public Access settings",
        control: "S3-1",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-S2"],
        checkov: &["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        security_hub: &["S3.8"],
        rationale: "Block Public Access is the guard rail that stops a later ACL or \
            bucket policy change from exposing the data. Each of the four settings closes a \
            different path (new public ACLs, existing public ACLs, new public policies, \
            cross-account access through a public policy), so all four must be on.",
        remediation: "Set `PublicAccessBlockConfiguration` (Terraform: an \
            `aws_s3_bucket_public_access_block`) with `BlockPublicAcls`, `IgnorePublicAcls`, \
            `BlockPublicPolicy` and `RestrictPublicBuckets` all `true`.",
        limitations: "A bucket that leaves the block out is reported even though S3 turns the \
            block on for new buckets since April 2023: an account or an older bucket can differ, \
            and the template should say what it means. Account-level Block Public Access is not \
            visible in a template.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        for (flag, value) in bucket.public_access_block.flags() {
            let what = format!("`{flag}`");
            let finding = out.on(resource).at(value).detail(flag);
            match &value.state {
                State::Set(true) => finding.pass(format!("{what} is on")),
                State::Set(false) => finding.fail(format!("{what} is off")),
                State::Default { value: true, .. } => {
                    finding.pass(format!("{what} is on by default"))
                }
                State::Default { value: false, .. } | State::Absent => {
                    finding.fail(format!("{what} is not set"));
                }
                State::Unknown(reason) => {
                    finding.unknown(format!("{what} cannot be read: {reason}"))
                }
            }
        }
    }
}
