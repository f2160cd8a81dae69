//! API003: an API stage that writes no access logs.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "API003",
        name: "api-stage-without-access-logs",
        title: "API stage does not write access logs",
        control: "API-3",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-APIG1"],
        checkov: &["CKV_AWS_76"],
        security_hub: &["APIGateway.9"],
        rationale: "Access logs are the record of who called what; an investigation has \
            nothing to go on without them.",
        remediation: "Set `AccessLogSetting` with a `DestinationArn` (a log group kept 30 \
            days) and a `Format`, preferably JSON with the request id, source IP, status and \
            the caller's `sub`.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::ApiStage(stage) = &resource.kind else {
            continue;
        };
        let dest = &stage.access_log_destination;
        let finding = out.on(resource).at(dest);
        match (&dest.state, &stage.access_log_format.state) {
            (State::Set(_), State::Set(_)) => finding.pass("access logs are written"),
            (State::Unknown(reason), _) => {
                finding.unknown(format!("the log destination cannot be read: {reason}"));
            }
            (State::Set(_), _) => finding.fail("access logs have a destination but no `Format`"),
            _ => finding.fail("no `AccessLogSetting`"),
        }
    }
}
