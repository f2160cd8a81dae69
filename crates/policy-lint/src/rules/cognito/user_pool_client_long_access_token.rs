//! COG003: an app client whose access tokens live longer than an hour.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "COG003",
        name: "user-pool-client-long-access-token",
        title: "Cognito app client issues access or ID tokens that live longer than one hour",
        control: "AUTH-3",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "A stolen access token works until it expires and cannot be revoked \
            before then; the security model caps its life at one hour and extends sessions \
            through refresh tokens, which can be revoked.",
        remediation: "Set `AccessTokenValidity` and `IdTokenValidity` to at most 60 minutes \
            (with `TokenValidityUnits`), or leave them out (Cognito's default is one hour).",
        limitations: "The ceiling is the `max-access-token-minutes` setting (60 by default).",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let max = cx.config.max_access_token_minutes;
    for resource in &cx.model.resources {
        let Kind::UserPoolClient(client) = &resource.kind else {
            continue;
        };
        for (what, value) in [
            ("access tokens", &client.access_token_minutes),
            ("ID tokens", &client.id_token_minutes),
        ] {
            let finding = out.on(resource).at(value).detail(what);
            match &value.state {
                State::Set(m) | State::Default { value: m, .. } if *m <= max => {
                    finding.pass(format!("{what} live {m} minutes"));
                }
                State::Set(m) | State::Default { value: m, .. } => {
                    finding.fail(format!("{what} live {m} minutes, more than {max}"));
                }
                State::Absent => {
                    finding.pass(format!("{what} use Cognito's default of 60 minutes"))
                }
                State::Unknown(reason) => {
                    finding.unknown(format!("{what} lifetime cannot be read: {reason}"));
                }
            }
        }
    }
}
