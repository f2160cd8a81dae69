//! PUB001: a resource policy that admits principals outside the account.

use super::{Protected, check_public};
use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PUB001",
        name: "resource-policy-public",
        title: "Resource policy on a key, topic, queue, secret or function admits any principal",
        control: "PUB-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_33", "CKV_AWS_364"],
        security_hub: &["KMS.5", "Lambda.1"],
        rationale: "A resource policy open to `*` lets principals outside the account use the key, publish to the topic, read the queue or invoke the function.",
        remediation: "Name the principals, or narrow a service principal with `aws:SourceArn` / `aws:SourceAccount`.",
        limitations: "Lambda permissions are read as one-statement resource policies, so a permission for `apigateway.amazonaws.com` without `SourceArn` is reported. A `*` only in a `Deny` is fine.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    check_public(cx, out, Protected::Other);
}
