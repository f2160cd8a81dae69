//! COG004: a user pool where users cannot turn on MFA.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "COG004",
        name: "user-pool-mfa-unavailable",
        title: "Cognito user pool does not offer multi-factor authentication",
        control: "AUTH-4",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-COG2"],
        checkov: &[],
        security_hub: &["Cognito.5"],
        rationale: "A second factor stops account takeover by a leaked or guessed password; \
            the security model makes it available to every user, optional or required.",
        remediation: "Set `MfaConfiguration` to `OPTIONAL` or `ON` (quoted in YAML: an \
            unquoted ON is a boolean) with `SOFTWARE_TOKEN_MFA` in `EnabledMfas`.",
        limitations: "`OPTIONAL` passes, as the security model asks; cdk-nag COG2 accepts \
            only a required second factor.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::UserPool(pool) = &resource.kind else {
            continue;
        };
        let value = &pool.mfa;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(mode) if mode == "ON" || mode == "OPTIONAL" || mode == "true" => {
                finding.pass(format!("MFA is `{mode}`"));
            }
            State::Unknown(reason) => {
                finding.unknown(format!("`MfaConfiguration` cannot be read: {reason}"));
            }
            State::Set(mode) | State::Default { value: mode, .. } => {
                finding.fail(format!("MFA is `{mode}`, so no user can turn it on"));
            }
            State::Absent => finding.fail("MFA is off"),
        }
    }
}
