//! RET001: a stateful resource that stack deletion or replacement destroys.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "RET001",
        name: "stateful-resource-not-retained",
        title: "Stateful resource is deleted with its stack or on replacement",
        control: "SEC-2",
        severity: Severity::Warning,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &["DynamoDB.6", "Cognito.6"],
        rationale: "Tables, user pools, buckets and keys hold the users' data or the means to \
            read it. A mistaken stack deletion, or a change that replaces the resource, must \
            not destroy them.",
        remediation: "Set `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` \
            (Terraform: `lifecycle { prevent_destroy = true }`).",
        limitations: "Log groups are not counted as stateful.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let stateful = matches!(
            resource.kind,
            Kind::Table(_) | Kind::UserPool(_) | Kind::Bucket(_) | Kind::KmsKey(_)
        );
        if !stateful {
            continue;
        }
        let value = &resource.retained;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(true) => finding.pass("retained on deletion and replacement"),
            State::Unknown(reason) => {
                finding.unknown(format!("the policy cannot be read: {reason}"))
            }
            _ => finding.fail("deleted with the stack or on replacement"),
        }
    }
}
