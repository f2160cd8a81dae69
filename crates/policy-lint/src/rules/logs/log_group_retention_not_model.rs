//! LOG001: a log group that keeps logs for another period than the model's.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LOG001",
        name: "log-group-retention-not-model",
        title: "Log group retention differs from the 30 days the security model sets",
        control: "OPS-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_66", "CKV_AWS_338"],
        security_hub: &["CloudWatch.16"],
        rationale: "Logs are evidence for an investigation and also personal data. The \
            security model keeps them 30 days: shorter loses the evidence, longer (or forever, \
            which is what a missing retention means) keeps personal data past its purpose.",
        remediation: "Set `RetentionInDays: 30` (Terraform: `retention_in_days = 30`).",
        limitations: "The expected period is the `log-retention-days` setting (30 by default). \
            checkov CKV_AWS_338 and Security Hub CloudWatch.16 ask for a year or more; this rule \
            follows the security model instead.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let expected = cx.config.log_retention_days;
    for resource in &cx.model.resources {
        let Kind::LogGroup(group) = &resource.kind else {
            continue;
        };
        let value = &group.retention_days;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(days) if *days == expected => {
                finding.pass(format!("logs are kept {days} days"));
            }
            State::Set(days) => {
                finding.fail(format!("logs are kept {days} days, not {expected}"));
            }
            State::Default { .. } | State::Absent => {
                finding.fail(format!(
                    "no retention is set, so logs are kept forever, not {expected} days"
                ));
            }
            State::Unknown(reason) => {
                finding.unknown(format!("retention cannot be read: {reason}"))
            }
        }
    }
}
