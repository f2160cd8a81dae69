//! S3004: a bucket whose default encryption is not SSE-S3 or KMS.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3004",
        name: "bucket-not-encrypted",
        title: "S3 bucket has no default encryption",
        control: "DATA-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_19"],
        security_hub: &[],
        rationale: "Data at rest must be encrypted; the security model uses SSE-S3.",
        remediation: "Set `BucketEncryption` with `SSEAlgorithm: AES256` (or `aws:kms`).",
        limitations: "A bucket that leaves encryption out passes with S3's documented default \
            (SSE-S3 for every new object since January 2023). SSE-S3 passes although Security \
            Hub S3.17 and checkov CKV_AWS_145 want KMS: the security model chose SSE-S3.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        let value = &bucket.encryption;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(alg) | State::Default { value: alg, .. }
                if alg == "AES256" || alg.starts_with("aws:kms") =>
            {
                finding.pass(format!("objects are encrypted with `{alg}`"));
            }
            State::Unknown(reason) => {
                finding.unknown(format!("the algorithm cannot be read: {reason}"));
            }
            State::Set(alg) | State::Default { value: alg, .. } => {
                finding.fail(format!("unrecognised algorithm `{alg}`"));
            }
            State::Absent => finding.fail("no default encryption"),
        }
    }
}
