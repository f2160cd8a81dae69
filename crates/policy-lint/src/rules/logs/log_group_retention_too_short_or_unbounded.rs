//! LOG001: a log group that keeps logs for less than the model's 30 days,
//! or forever.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LOG001",
        name: "log-group-retention-too-short-or-unbounded",
        title: "Log group keeps logs for less than 30 days, or forever",
        control: "OPS-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_66", "CKV_AWS_338"],
        security_hub: &["CloudWatch.16"],
        rationale: "Logs are evidence for an investigation and also personal data. The \
            security model keeps them 30 days: a shorter period loses the evidence, and no \
            retention at all (what a missing `RetentionInDays` means) keeps personal data \
            forever.",
        remediation: "Set `RetentionInDays: 30` (Terraform: `retention_in_days = 30`), or a \
            longer bounded period where an audit needs one.",
        limitations: "The floor is the `log-retention-days` setting (30 by default). A longer \
            bounded period passes: the control forbids losing evidence and keeping logs \
            forever, and an audit log kept a year is neither. checkov CKV_AWS_338 and Security \
            Hub CloudWatch.16 ask for a year or more; this rule follows the security model.",
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
            State::Set(days) if *days >= expected => {
                finding.pass(format!("logs are kept {days} days"));
            }
            State::Set(days) if *days <= 0 => {
                finding.fail("no retention is set, so logs are kept forever");
            }
            State::Set(days) => {
                finding.fail(format!("logs are kept {days} days, fewer than {expected}"));
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
