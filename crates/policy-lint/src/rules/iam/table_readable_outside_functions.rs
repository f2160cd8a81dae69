//! DDB004: a table that principals other than Lambda functions may read.

use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::ActionPattern;
use crate::model::{Kind, Policy, PolicyKind};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DDB004",
        name: "table-readable-outside-functions",
        title: "A principal other than a Lambda function may read the table's items",
        control: "DATA-5",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "Per-user isolation lives in the API's handlers, which query only the \
            caller's partition. Any other role, user or group that can read the table bypasses \
            it and sees every user's expenses.",
        remediation: "Grant item reads on the table only to the functions' execution roles.",
        limitations: "Judged from identity policies in the same template that name the table (by \
            reference) or `*`; grants made elsewhere are not seen. The partition key itself is \
            enforced by the `Table` construct, not by this rule.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    // What each identity policy may read, worked out once: per-table
    // scans of every policy are quadratic on large templates.
    let readers: Vec<(&Policy, Reach)> = cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Identity)
        .map(|p| (p, reach(p, catalog)))
        .filter(|(_, reach)| !reach.is_empty())
        .collect();
    for table in &cx.model.resources {
        if !matches!(table.kind, Kind::Table(_)) {
            continue;
        }
        let mut outsiders = Vec::new();
        for (policy, _) in readers.iter().filter(|(_, r)| r.covers(&table.id)) {
            for target in &policy.attached_to {
                let lambda = target.references().next().is_some_and(|(id, _)| {
                    cx.model
                        .resource(id)
                        .any(|r| matches!(&r.kind, Kind::Role(role) if role.is_lambda_role()))
                });
                if !lambda {
                    outsiders.push((target.to_string(), *policy));
                }
            }
        }
        if outsiders.is_empty() {
            out.on(table)
                .pass("only Lambda execution roles may read the table");
        }
        for (who, policy) in outsiders {
            out.on(table)
                .path(
                    format!("{} ({})", policy.path, policy.owner),
                    policy.document.loc,
                )
                .detail(format!("Principal::{who}"))
                .fail(format!(
                    "`{who}` may read the table through `{}`",
                    policy.owner
                ));
        }
    }
}

/// The tables a policy grants item reads on.
#[derive(Default)]
struct Reach {
    every: bool,
    tables: Vec<String>,
}

impl Reach {
    fn is_empty(&self) -> bool {
        !self.every && self.tables.is_empty()
    }

    fn covers(&self, table: &str) -> bool {
        self.every || self.tables.iter().any(|t| t == table)
    }
}

/// DynamoDB actions that return item data. Other read-level actions
/// (`DescribeTable`, `ListTagsOfResource`, …) return metadata only and do not
/// bypass the handlers' per-user queries.
const ITEM_READS: &[&str] = &[
    "BatchGetItem",
    "ConditionCheckItem",
    "ExportTableToPointInTime",
    "GetItem",
    "GetRecords",
    "PartiQLSelect",
    "Query",
    "Scan",
];

/// The tables an `Allow` of the policy grants a DynamoDB item read on, by
/// reference, or every table for `*`.
fn reach(policy: &Policy, catalog: &Catalog) -> Reach {
    let mut reach = Reach::default();
    for statement in policy.parsed.allows() {
        let reads = statement.actions.as_ref().is_some_and(|a| {
            !a.negated
                && a.items.iter().any(|item| {
                    ActionPattern::classify(&item.value, catalog)
                        .actions(catalog)
                        .iter()
                        .any(|action| {
                            action.prefix == "dynamodb" && ITEM_READS.contains(&action.name)
                        })
                })
        });
        let Some(resources) = statement.resources.as_ref().filter(|_| reads) else {
            continue;
        };
        for item in &resources.items {
            reach.every |= item.value.as_literal() == Some("*");
            reach
                .tables
                .extend(item.value.references().map(|(t, _)| t.to_owned()));
        }
    }
    reach
}
