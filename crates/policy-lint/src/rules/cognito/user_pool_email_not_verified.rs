//! COG001: a user pool that does not verify e-mail addresses.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "COG001",
        name: "user-pool-email-not-verified",
        title: "Cognito user pool does not verify e-mail addresses",
        control: "AUTH-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "Without verification anyone can sign up with somebody else's address, \
            and password resets go to an address nobody proved they own.",
        remediation: "Add `email` to `AutoVerifiedAttributes` (Terraform: \
            `auto_verified_attributes = [\"email\"]`).",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::UserPool(pool) = &resource.kind else {
            continue;
        };
        let value = &pool.auto_verified;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(attrs) if attrs.iter().any(|a| a == "email") => {
                finding.pass("e-mail addresses are verified");
            }
            State::Set(_) | State::Default { .. } | State::Absent => {
                finding.fail("`AutoVerifiedAttributes` does not include `email`");
            }
            State::Unknown(reason) => {
                finding.unknown(format!("`AutoVerifiedAttributes` cannot be read: {reason}"));
            }
        }
    }
}
