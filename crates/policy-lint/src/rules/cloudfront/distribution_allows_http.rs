//! CF001: a distribution that serves viewers over plain HTTP.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CF001",
        name: "distribution-allows-http",
        title: "CloudFront cache behaviour serves viewers over plain HTTP",
        control: "DATA-4",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_34"],
        security_hub: &["CloudFront.3"],
        rationale: "The website must be HTTPS-only: a page served over HTTP can be read and \
            rewritten on the way, including the script that handles the user's tokens.",
        remediation: "Set `ViewerProtocolPolicy` to `redirect-to-https` or `https-only` on the \
            default cache behaviour and on every other cache behaviour.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Distribution(dist) = &resource.kind else {
            continue;
        };
        for behavior in &dist.viewer_policies {
            let value = &behavior.policy;
            let finding = out.on(resource).at(value).detail(behavior.behavior.clone());
            match &value.state {
                State::Set(p) if p == "redirect-to-https" || p == "https-only" => {
                    finding.pass(format!("`{}` uses `{p}`", behavior.behavior));
                }
                State::Unknown(reason) => {
                    finding.unknown(format!("viewer protocol cannot be read: {reason}"));
                }
                State::Set(p) => finding.fail(format!("`{}` uses `{p}`", behavior.behavior)),
                _ => finding.fail(format!(
                    "`{}` sets no viewer protocol policy",
                    behavior.behavior
                )),
            }
        }
    }
}
