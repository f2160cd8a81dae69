//! IAM005: an identity policy that allows privilege escalation.

use super::{action_list, at_policy, at_site, finish};
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::privilege_escalation;
use crate::model::PolicyKind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM005",
        name: "policy-privilege-escalation",
        title: "Policy allows actions that escalate privileges",
        control: "IAM-3",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110"],
        security_hub: &[],
        rationale: "`iam:PassRole` on any role, IAM writes, `sts:AssumeRole` on any role and \
            policy attachment let a compromised workload grant itself more than it was given.",
        remediation: "Remove the action, or scope it: `iam:PassRole` to the one role the \
            workload passes (with `iam:PassedToService`), `sts:AssumeRole` to named roles.",
        limitations: "Escalation is judged from a curated action list plus the catalog's \
            permissions-management access level; a `Deny` never counts as a grant.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for policy in cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Identity)
    {
        let found = privilege_escalation(&policy.parsed, catalog);
        if found.is_empty() {
            at_policy(out, policy).pass("no privilege-escalation actions are allowed");
        }
        for f in found {
            let actions: Vec<&crate::iam::Action> = f.actions.iter().map(|a| a.action).collect();
            let pattern = f
                .pattern
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let message = if actions.is_empty() && pattern.is_empty() {
                "the policy's actions cannot be read, so escalation cannot be ruled out".to_owned()
            } else if actions.is_empty() {
                format!("`{pattern}` may allow privilege escalation")
            } else {
                format!(
                    "allows privilege escalation through {}",
                    action_list(&actions)
                )
            };
            let builder = at_site(out, policy, &f.site).detail(format!("Action::{pattern}"));
            finish(builder, &f.status, message);
        }
    }
}
