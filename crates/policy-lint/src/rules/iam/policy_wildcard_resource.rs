//! IAM004: a policy that allows scopable actions on every resource.

use super::{at_policy, at_site, finish, granting};
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::wildcard_resources;
use crate::model::PolicyKind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM004",
        name: "policy-wildcard-resource",
        title: "Policy allows actions on `*` (or a wildcard ARN) where they could be scoped",
        control: "IAM-2",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-IAM5"],
        checkov: &["CKV_AWS_111", "CKV_AWS_355", "CKV_AWS_356"],
        security_hub: &[],
        rationale: "`Resource: \"*\"` lets the granted actions reach every table, bucket or key \
            in the account, not just the workload's own.",
        remediation: "Name the resources (`!GetAtt Table.Arn`); keep `*` only for actions that \
            accept no resource, such as `xray:PutTraceSegments` or `s3:ListAllMyBuckets`.",
        limitations: "An action that has no resource type in the IAM catalog may use `*` and \
            passes (checkov CKV_AWS_111 fails it). A wildcard inside an ARN's account, region or \
            resource segment (`arn:aws:s3:::*/*`) counts as a wildcard. Resource policies are \
            skipped: their resource is the one they are attached to.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for policy in granting(&cx.model.policies).filter(|p| p.kind == PolicyKind::Identity) {
        let found = wildcard_resources(&policy.parsed, catalog);
        if found.is_empty() {
            at_policy(out, policy).pass("every scopable action names its resources");
        }
        for f in found {
            let resource = f
                .resource
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let message = if f.resource.is_none() {
                "the policy's resources cannot be read".to_owned()
            } else {
                format!(
                    "`{resource}` is a wildcard for scopable actions {}",
                    super::action_list(&f.scopable)
                )
            };
            let builder = at_site(out, policy, &f.site).detail(format!("Resource::{resource}"));
            finish(builder, &f.status, message);
        }
    }
}
