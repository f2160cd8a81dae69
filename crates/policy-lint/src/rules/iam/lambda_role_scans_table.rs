//! IAM008: a Lambda execution role allowed to scan a table.

use super::role_policies;
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::ActionPattern;
use crate::model::Kind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM008",
        name: "lambda-role-scans-table",
        title: "Lambda execution role may scan a table, reading across users",
        control: "IAM-1",
        severity: Severity::Warning,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "`dynamodb:Scan` reads every partition, so one bug in a handler can return \
            other users' expenses. The security model allows it; per-user isolation does not \
            need it, because every read is a `Query` on the caller's partition.",
        remediation: "Drop `dynamodb:Scan` from the grant and read with `Query` on the user's \
            partition key.",
        limitations: "Which actions are discouraged is the `lambda-discouraged` setting.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    let discouraged: Vec<&crate::iam::Action> = cx
        .config
        .lambda_discouraged
        .iter()
        .filter_map(|name| catalog.action(name))
        .collect();
    for role in &cx.model.resources {
        let Kind::Role(r) = &role.kind else {
            continue;
        };
        if !r.is_lambda_role() {
            continue;
        }
        let mut hits = Vec::new();
        for policy in role_policies(cx.model, role) {
            for statement in policy.parsed.allows() {
                let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
                    continue;
                };
                for item in &actions.items {
                    let pattern = ActionPattern::classify(&item.value, catalog);
                    for action in discouraged.iter().filter(|a| pattern.includes(a)) {
                        hits.push((action.full_name(), item.loc, policy.path.clone()));
                    }
                }
            }
        }
        if hits.is_empty() {
            out.on(role).pass("no discouraged actions are granted");
        }
        for (action, loc, path) in hits {
            out.on(role)
                .path(path, loc)
                .detail(format!("Action::{action}"))
                .fail(format!("grants `{action}`, which reads across users"));
        }
    }
}
