//! IAM001: a Lambda execution role that holds actions outside the allowlist.

use super::role_policies;
use crate::finding::Assumption;
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::{Allowlist, Deviation, Status, allowlist_violations};
use crate::model::{Kind, Model};
use crate::rules::{Context, Emitter, Rule, RuleMeta};
use crate::sym::{Part, Sym};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM001",
        name: "lambda-role-beyond-allowlist",
        title: "Lambda execution role holds actions or resources outside the allowlist",
        control: "IAM-1",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-IAM5"],
        checkov: &[],
        security_hub: &[],
        rationale: "A function can do whatever its role allows, whatever its code intends. The \
            security model allows DynamoDB item actions on the expenses table and CloudWatch \
            Logs writes; anything beyond that is reach an attacker inherits with the function.",
        remediation: "Grant only the allowlisted actions, on the template's own table, log \
            groups and keys (`table.grant(&function, &[…])` in stackwright).",
        limitations: "Roles are Lambda execution roles when their trust policy admits \
            `lambda.amazonaws.com`. DynamoDB actions may target any table of the template (and \
            its indexes), log actions any log group, `kms:Decrypt` any key; the allowlist is the \
            `lambda-allowlist` setting. Wildcards are expanded with the IAM action catalog \
            before comparison, so `logs:Put*` reports the 18 actions beyond `PutLogEvents`.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for role in &cx.model.resources {
        let Kind::Role(r) = &role.kind else {
            continue;
        };
        if !r.is_lambda_role() {
            continue;
        }
        let policies = role_policies(cx.model, role);
        let parsed: Vec<&crate::iam::Policy> = policies.iter().map(|p| &p.parsed).collect();
        let allowlist = allowlist(cx.model, &cx.config.lambda_allowlist, &referenced(&parsed));
        let found = allowlist_violations(&parsed, &allowlist, catalog);
        if found.is_empty() {
            out.on(role)
                .pass("every granted action is on the allowlist");
        }
        for v in found {
            let policy = policies[v.policy];
            let guards: Vec<Assumption> = v
                .site
                .guards
                .iter()
                .map(|g| Assumption {
                    condition: g.condition.clone(),
                    value: g.holds,
                })
                .collect();
            let (message, detail) = describe(&v.deviation);
            let builder = out
                .on(role)
                .assuming(&guards)
                .path(format!("{} ({})", policy.path, policy.owner), v.site.loc)
                .detail(detail);
            match &v.status {
                Status::Fail => builder.fail(message),
                Status::Unknown(reason) => {
                    builder.unknown(format!("{message} (cannot tell: {reason})"))
                }
            }
        }
    }
}

fn describe(deviation: &Deviation<'_>) -> (String, String) {
    match deviation {
        Deviation::ExtraActions(actions) => (
            format!(
                "grants {} beyond the allowlist",
                super::action_list(actions)
            ),
            actions
                .first()
                .map(|a| format!("Action::{}", a.full_name()))
                .unwrap_or_default(),
        ),
        Deviation::NotInCatalog(name) => (
            format!("grants `{name}`, which is neither allowlisted nor a known action"),
            format!("Action::{name}"),
        ),
        Deviation::UnexpectedResource { resource, actions } => (
            format!(
                "grants {} on `{resource}`, which is not the template's own resource",
                super::action_list(actions)
            ),
            format!("Resource::{resource}"),
        ),
        Deviation::NotAction => (
            "grants through `NotAction`".to_owned(),
            "NotAction".to_owned(),
        ),
        Deviation::NotResource(_) => (
            "grants through `NotResource`".to_owned(),
            "NotResource".to_owned(),
        ),
        Deviation::Unresolved => ("a grant cannot be read".to_owned(), "Unresolved".to_owned()),
    }
}

/// The resources the policies' statements name by reference.
fn referenced(policies: &[&crate::iam::Policy]) -> std::collections::BTreeSet<String> {
    policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter_map(|s| s.resources.as_ref())
        .flat_map(|r| &r.items)
        .flat_map(|item| item.value.references().map(|(t, _)| t.to_owned()))
        .collect()
}

/// The allowlist with the resources of this template each action may reach.
/// Only resources the role's policies name can match a grant, so the list
/// holds just those: a list of every table of a large template would make
/// the check quadratic.
fn allowlist(
    model: &Model,
    actions: &[String],
    named: &std::collections::BTreeSet<String>,
) -> Allowlist {
    let refs = |pred: fn(&Kind) -> bool, suffixes: &[&str]| -> Vec<Sym> {
        named
            .iter()
            .flat_map(|id| model.resource(id))
            .filter(|r| pred(&r.kind))
            .flat_map(|r| {
                suffixes.iter().map(move |suffix| {
                    let mut sym = Sym::reference(r.id.clone(), Some("Arn"));
                    sym.push(Part::Text((*suffix).to_owned()));
                    sym
                })
            })
            .collect()
    };
    let tables = refs(|k| matches!(k, Kind::Table(_)), &["", "/index/*"]);
    let log_groups = refs(|k| matches!(k, Kind::LogGroup(_)), &["", "*"]);
    let keys = refs(|k| matches!(k, Kind::KmsKey(_)), &[""]);
    let mut list = Allowlist::new();
    for action in actions {
        match action.split_once(':').map(|(p, _)| p) {
            Some("dynamodb") => list.allow_only(action, tables.clone()),
            Some("logs") => list.allow_only(action, log_groups.clone()),
            Some("kms") => list.allow_only(action, keys.clone()),
            _ => list.allow(action, []),
        };
    }
    list
}
