//! IAM006: a role that anyone can assume.

use super::{at_policy, at_site, finish};
use crate::finding::Severity;
use crate::iam::eval::{ExposureVia, public_exposure};
use crate::model::PolicyKind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM006",
        name: "role-trust-public",
        title: "Role trust policy admits any principal",
        control: "IAM-4",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_60", "CKV_AWS_61"],
        security_hub: &[],
        rationale: "A trust policy open to `*` lets any AWS account assume the role and use its \
            permissions.",
        remediation: "Trust only the service (`lambda.amazonaws.com`) or account that needs the \
            role; if the principal must be `*`, narrow it with a condition such as \
            `aws:PrincipalArn`, `aws:PrincipalOrgID` or `aws:SourceAccount`.",
        limitations: "A wildcard principal narrowed by a concrete condition on the caller's \
            identity or organisation passes (checkov CKV_AWS_60 fails it).",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for policy in cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Trust)
    {
        let found = public_exposure(&policy.parsed);
        if found.is_empty() {
            at_policy(out, policy).pass("the trust policy admits named principals only");
        }
        for f in found {
            let message = match f.via {
                ExposureVia::WildcardPrincipal => "any principal may assume the role",
                ExposureVia::NotPrincipal => "`NotPrincipal` lets everyone else assume the role",
                ExposureVia::FederatedWithoutAudience => {
                    "a federated principal without an audience condition may assume the role"
                }
            };
            let principal = f
                .principal
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let builder = at_site(out, policy, &f.site).detail(format!("Principal::{principal}"));
            finish(builder, &f.status, message.to_owned());
        }
    }
}
