//! SEC001: a secret written into the template in plain text.

use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};
use crate::secrets;

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SEC001",
        name: "hard-coded-secret",
        title: "Template holds a secret in plain text",
        control: "SEC-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_45"],
        security_hub: &[],
        rationale: "A template is read by CI logs, reviewers, the CloudFormation console and \
            anyone who may describe the stack; a secret written in it is no longer secret.",
        remediation: "Keep the secret in Secrets Manager or SSM SecureString and pass a \
            dynamic reference (`{{resolve:secretsmanager:…}}`) or the secret's ARN; for a \
            parameter, use `NoEcho` without a `Default`.",
        limitations: "Detection is by credential shape (AWS keys, private keys, well-known \
            token prefixes) and by secret-sounding names with random-looking values; a secret \
            under an innocent name in an unknown format is missed.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for candidate in &cx.model.secret_candidates {
        let finding = out
            .on_id(&candidate.owner, &candidate.owner_type, candidate.loc)
            .path(candidate.path.clone(), candidate.loc)
            .detail(candidate.name.clone());
        match secrets::classify(&candidate.name, &candidate.value) {
            Some(reason) => finding.fail(format!("`{}` holds {reason}", candidate.name)),
            None if candidate.no_echo
                && !candidate.value.is_empty()
                && candidate.value.len() >= 8 =>
            {
                finding.fail(format!(
                    "`{}` is `NoEcho` but its default is plain text",
                    candidate.name
                ));
            }
            None => finding.pass(format!("`{}` does not look like a secret", candidate.name)),
        }
    }
}
