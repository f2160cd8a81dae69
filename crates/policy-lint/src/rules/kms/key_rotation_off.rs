//! KMS001: a symmetric customer-managed key without automatic rotation.

use crate::finding::Severity;
use crate::model::Kind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "KMS001",
        name: "key-rotation-off",
        title: "Symmetric KMS key does not rotate automatically",
        control: "KMS-1",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-KMS5"],
        checkov: &["CKV_AWS_7"],
        security_hub: &["KMS.4"],
        rationale: "Rotation limits how much data one key version protects and how long a \
            leaked version stays useful.",
        remediation: "Set `EnableKeyRotation: true`.",
        limitations: "Asymmetric and HMAC keys cannot rotate and are not checked.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::KmsKey(key) = &resource.kind else {
            continue;
        };
        if key.spec.value().is_some_and(|s| s != "SYMMETRIC_DEFAULT") {
            continue;
        }
        out.expect_true(resource, &key.rotation, "automatic rotation");
    }
}
