//! CF002: a distribution that accepts TLS older than 1.2.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CF002",
        name: "distribution-old-tls",
        title: "CloudFront distribution accepts TLS older than 1.2 from viewers",
        control: "API-4",
        severity: Severity::Warning,
        cdk_nag: &["AwsSolutions-CFR4"],
        checkov: &["CKV_AWS_174"],
        security_hub: &["CloudFront.15"],
        rationale: "TLS 1.0 and 1.1 have known weaknesses; the security model admits clients \
            only over TLS 1.2 or newer.",
        remediation: "Use a custom ACM certificate with SNI and `MinimumProtocolVersion: \
            TLSv1.2_2021` (or newer).",
        limitations: "The default `*.cloudfront.net` certificate cannot pin a minimum version \
            (CloudFront accepts TLS 1.0 there), so a distribution without a custom certificate \
            is reported as a warning until a domain is configured.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Distribution(dist) = &resource.kind else {
            continue;
        };
        let value = &dist.minimum_protocol;
        let finding = out.on(resource).at(value);
        if dist.uses_default_certificate {
            finding.fail("the default CloudFront certificate accepts TLS 1.0");
            continue;
        }
        match &value.state {
            State::Set(v) if v.starts_with("TLSv1.2") || v.starts_with("TLSv1.3") => {
                finding.pass(format!("viewers need `{v}`"));
            }
            State::Unknown(reason) => finding.unknown(format!("protocol cannot be read: {reason}")),
            State::Set(v) => finding.fail(format!("viewers may use `{v}`")),
            _ => finding.fail("no `MinimumProtocolVersion`, so CloudFront accepts TLS 1.0"),
        }
    }
}
