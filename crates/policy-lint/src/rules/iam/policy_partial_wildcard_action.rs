//! IAM003: a policy that allows a partial action wildcard such as `s3:Get*`.

use super::{at_site, finish, granting};
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::{ActionWildcard, wildcard_actions};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM003",
        name: "policy-partial-wildcard-action",
        title: "Policy allows a partial action wildcard such as `s3:Get*`",
        control: "IAM-2",
        severity: Severity::Warning,
        cdk_nag: &["AwsSolutions-IAM5"],
        checkov: &[],
        security_hub: &[],
        rationale: "A partial wildcard grows as the service adds actions: `logs:Put*` covers \
            19 actions today, among them `logs:PutResourcePolicy` and subscription filters that \
            copy logs to another account.",
        remediation: "Expand the wildcard to the actions the code calls.",
        limitations: "A warning, not an error, because a partial wildcard is bounded; the \
            message names how many actions it expands to and the broadest access level among \
            them, from the embedded IAM action catalog.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for policy in granting(&cx.model.policies) {
        for found in wildcard_actions(&policy.parsed, catalog) {
            let ActionWildcard::Partial { actions, broadest } = &found.kind else {
                continue;
            };
            let pattern = found
                .pattern
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let message = format!(
                "`{pattern}` expands to {} actions, up to `{}` access",
                actions.len(),
                broadest.as_str()
            );
            let builder = at_site(out, policy, &found.site).detail(format!("Action::{pattern}"));
            finish(builder, &found.status, message);
        }
    }
}
