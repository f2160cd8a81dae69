//! API002: an API stage without rate limiting.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "API002",
        name: "api-stage-not-throttled",
        title: "API stage sets no throttling for its methods",
        control: "API-2",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "The API is the stack's one public entry point. Without stage throttling \
            a single client can exhaust the account-wide limit, run up the Lambda and DynamoDB \
            bill and deny service to everyone else.",
        remediation: "Add a `MethodSettings` entry with `HttpMethod: \"*\"`, `ResourcePath: \
            \"/*\"`, and positive `ThrottlingRateLimit` and `ThrottlingBurstLimit` (or a usage \
            plan with a throttle for the stage).",
        limitations: "Throttling set only on individual methods is not counted.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::ApiStage(stage) = &resource.kind else {
            continue;
        };
        if stage.usage_plan_throttled {
            out.on(resource).pass("a usage plan throttles this stage");
            continue;
        }
        let rate = &stage.throttling_rate;
        let burst = &stage.throttling_burst;
        let finding = out.on(resource).at(rate);
        match (&rate.state, &burst.state) {
            (State::Set(r), State::Set(b)) if *r > 0.0 && *b > 0 => {
                finding.pass(format!("throttled at {r} requests per second, burst {b}"));
            }
            (State::Unknown(reason), _) | (_, State::Unknown(reason)) => {
                finding.unknown(format!("throttling cannot be read: {reason}"));
            }
            (State::Set(_), State::Set(_)) => {
                finding.fail("throttling limits are zero or negative")
            }
            _ => finding.fail("no rate and burst limits for all methods (`*` on `/*`)"),
        }
    }
}
