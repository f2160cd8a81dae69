//! COG002: a password policy weaker than the security model's.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "COG002",
        name: "user-pool-weak-password-policy",
        title: "Cognito password policy is weaker than 8 characters with numbers, uppercase and symbols",
        control: "AUTH-2",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-COG1"],
        checkov: &[],
        security_hub: &["Cognito.3"],
        rationale: "Short passwords and passwords from a small alphabet fall to guessing \
            and credential stuffing.",
        remediation: "Set `Policies.PasswordPolicy` with `MinimumLength` of at least 8 and \
            `RequireNumbers`, `RequireUppercase` and `RequireSymbols` true, or leave the policy \
            out to get Cognito's default, which meets all four.",
        limitations: "A pool without a password policy passes: Cognito's default requires 8 \
            characters with numbers, upper- and lowercase letters and symbols (cdk-nag COG1 \
            fails it). A flag left out of an explicit policy is taken as off. Lowercase is not \
            required by the security model, so it is not checked.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let min = cx.config.min_password_length;
    for resource in &cx.model.resources {
        let Kind::UserPool(pool) = &resource.kind else {
            continue;
        };
        let length = &pool.password_min_length;
        let finding = out.on(resource).at(length).detail("MinimumLength");
        match &length.state {
            State::Set(n) | State::Default { value: n, .. } if *n >= min => {
                finding.pass(format!("passwords have at least {n} characters"));
            }
            State::Set(n) | State::Default { value: n, .. } => {
                finding.fail(format!("passwords may be {n} characters, fewer than {min}"));
            }
            State::Absent => finding.fail("no minimum password length"),
            State::Unknown(reason) => {
                finding.unknown(format!("minimum length cannot be read: {reason}"));
            }
        }
        for (flag, value) in [
            ("RequireNumbers", &pool.require_numbers),
            ("RequireUppercase", &pool.require_uppercase),
            ("RequireSymbols", &pool.require_symbols),
        ] {
            let finding = out.on(resource).at(value).detail(flag);
            match &value.state {
                State::Set(true) | State::Default { value: true, .. } => {
                    finding.pass(format!("`{flag}` is on"));
                }
                State::Unknown(reason) => {
                    finding.unknown(format!("`{flag}` cannot be read: {reason}"));
                }
                _ => finding.fail(format!("`{flag}` is off")),
            }
        }
    }
}
