//! IAM002: a policy that allows every action, or every action of a service.

use super::{at_policy, at_site, finish, granting};
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::{ActionWildcard, wildcard_actions};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM002",
        name: "policy-wildcard-action",
        title: "Policy allows every action, or every action of a service",
        control: "IAM-2",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-IAM5"],
        checkov: &["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_109"],
        security_hub: &["IAM.1", "IAM.21"],
        rationale: "`*` or `service:*` grants today's actions and every action the service \
            adds later, including ones that change permissions or delete data. Least \
            privilege names the actions a workload calls.",
        remediation: "List the actions the code calls (`dynamodb:GetItem`, `dynamodb:Query`, …) \
            instead of `*`, `dynamodb:*` or `NotAction`.",
        limitations: "Only `Allow` statements count: a wildcard in a `Deny` is a guard rail. \
            Partial wildcards such as `s3:Get*` are rule IAM003. A key policy statement that \
            gives `kms:*` to the key's own account root passes: it is AWS's default key policy \
            and delegates the key's use to the account's IAM policies, which are checked here.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for policy in granting(&cx.model.policies) {
        let mut failed = false;
        for found in wildcard_actions(&policy.parsed, catalog) {
            if delegates_to_account(policy, found.site.statement) {
                continue;
            }
            let pattern = found.pattern.as_ref().map(ToString::to_string);
            let message = match &found.kind {
                ActionWildcard::All => "allows every action (`*`)".to_owned(),
                ActionWildcard::Service(service) => format!("allows every `{service}` action"),
                ActionWildcard::NotAction => {
                    "allows everything but a few actions (`NotAction`)".to_owned()
                }
                ActionWildcard::Unresolved => "the actions cannot be read".to_owned(),
                ActionWildcard::Partial { .. } => continue,
            };
            failed = true;
            let detail = match (&found.kind, pattern) {
                (ActionWildcard::NotAction, _) => "NotAction".to_owned(),
                (_, Some(pattern)) => format!("Action::{pattern}"),
                (_, None) => "Unresolved".to_owned(),
            };
            finish(
                at_site(out, policy, &found.site).detail(detail),
                &found.status,
                message,
            );
        }
        if !failed {
            at_policy(out, policy).pass("no wildcard actions are allowed");
        }
    }
}

/// True when statement `index` of a key policy grants only to the key's own
/// account root (`arn:…:iam::${AWS::AccountId}:root`).
fn delegates_to_account(policy: &crate::model::Policy, index: usize) -> bool {
    let is_key = matches!(policy.owner_type.as_str(), "AWS::KMS::Key" | "aws_kms_key");
    let Some(statement) = policy.parsed.statements.iter().find(|s| s.index == index) else {
        return false;
    };
    let Some(principals) = statement.principals.as_ref().filter(|p| !p.negated) else {
        return false;
    };
    is_key
        && !principals.entries.is_empty()
        && principals
            .entries
            .iter()
            .all(|p| is_own_account_root(&p.value.value))
}

fn is_own_account_root(sym: &crate::sym::Sym) -> bool {
    use crate::sym::Part;
    let own_account = sym
        .parts()
        .iter()
        .any(|p| matches!(p, Part::Pseudo(name) if name == "AWS::AccountId"));
    let rendered = sym.to_string();
    own_account && (rendered == "${AWS::AccountId}" || rendered.ends_with(":root"))
}
