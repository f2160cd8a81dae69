//! IAM009: a role trusting an OIDC provider for any subject, or any audience.

use super::at_site;
use crate::finding::Severity;
use crate::iam::PrincipalKind;
use crate::iam::eval::Site;
use crate::iam::policy::{SetQualifier, Test};
use crate::iam::{Condition, Statement};
use crate::model::PolicyKind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM009",
        name: "role-trust-oidc-any-subject",
        title: "Role trusts an OIDC provider without pinning the token's subject and audience",
        control: "IAM-4",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_358"],
        security_hub: &[],
        rationale: "Every GitHub repository (and every project of a shared OIDC issuer) gets \
            tokens from the same provider. A trust policy that pins only `aud`, or that \
            matches `sub` with a wildcard spanning repositories (`repo:org/*`, `*`), lets \
            workflows of other repositories assume the role; without `aud` a token minted \
            for another audience is accepted.",
        remediation: "Add `StringEquals` on `<provider>:aud` = `sts.amazonaws.com` and on \
            `<provider>:sub` naming one repository and its branch or environment: \
            `repo:OWNER/REPO:ref:refs/heads/main` or `repo:OWNER/REPO:environment:prod`.",
        limitations: "Applies to OIDC providers (`Federated` naming an `oidc-provider/` ARN \
            or a reference to one); Cognito identity pools and SAML providers are left to \
            IAM006. For GitHub (`token.actions.githubusercontent.com`) a `sub` passes when \
            every value names one `OWNER/REPO` without wildcards; what follows the repository \
            may be a wildcard (checkov CKV_AWS_358 fails `repo:org/repo:*` and the \
            `environment` claim, issue bridgecrewio/checkov#6983). For other issuers only a \
            `sub` that is all wildcard fails. `ForAllValues` and `…IfExists` conditions do \
            not pin, since they hold when the claim is absent. A value read from a parameter \
            is reported unknown.",
    },
    check,
};

/// The issuer of GitHub Actions tokens.
const GITHUB: &str = "token.actions.githubusercontent.com";

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for policy in cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Trust)
    {
        for statement in policy.parsed.allows() {
            let Some(host) = oidc_host(statement) else {
                continue;
            };
            let site = Site::statement(statement);
            let builder = at_site(out, policy, &site).detail(format!("Federated::{host}"));
            match verdict(statement, &host) {
                Verdict::Pinned => builder.pass("the token's subject and audience are pinned"),
                Verdict::Open(message) => builder.fail(message),
                Verdict::Unknown(message) => builder.unknown(message),
            }
        }
    }
}

enum Verdict {
    Pinned,
    Open(String),
    Unknown(String),
}

/// The provider host of a statement federated to an OIDC provider: from the ARN when it is
/// literal, else from the claim keys of its conditions (`<host>:sub`), else `*`.
fn oidc_host(statement: &Statement) -> Option<String> {
    let principals = statement.principals.as_ref()?;
    let federated = principals
        .entries
        .iter()
        .find(|p| p.kind == PrincipalKind::Federated)?;
    match federated.value.value.as_literal() {
        Some(text) => {
            let (_, host) = text.split_once(":oidc-provider/")?;
            Some(host.to_ascii_lowercase())
        }
        None => Some(claim_host(statement).unwrap_or_else(|| "*".to_owned())),
    }
}

fn claim_host(statement: &Statement) -> Option<String> {
    statement.conditions.iter().find_map(|c| {
        let key = c.key.value.to_ascii_lowercase();
        let host = key
            .strip_suffix(":sub")
            .or_else(|| key.strip_suffix(":aud"))?;
        Some(host.to_owned())
    })
}

fn verdict(statement: &Statement, host: &str) -> Verdict {
    let claim = |name: &str| {
        statement
            .conditions
            .iter()
            .filter(|c| pins(c) && claim_of(c, host) == Some(name))
            .collect::<Vec<_>>()
    };
    let (audiences, subjects) = (claim("aud"), claim("sub"));
    if audiences.is_empty() {
        return Verdict::Open(format!("no condition pins `{host}:aud`"));
    }
    if subjects.is_empty() {
        return Verdict::Open(format!(
            "no condition pins `{host}:sub`: any repository or project of the issuer may \
             assume the role"
        ));
    }
    let judged: Vec<Result<(), Verdict>> = subjects.iter().map(|c| subject(c, host)).collect();
    // Conditions are ANDed: one that pins the subject to one repository is enough.
    if judged.iter().any(Result::is_ok) {
        return Verdict::Pinned;
    }
    judged
        .into_iter()
        .find_map(Result::err)
        .unwrap_or(Verdict::Pinned)
}

/// True for a condition that lets a request through only when the claim has one of its
/// values: not `ForAllValues` nor `…IfExists`, which hold when the claim is absent.
fn pins(condition: &Condition) -> bool {
    let op = &condition.operator;
    let positive = matches!(
        op.test,
        Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike
    );
    positive && !op.if_exists && op.set != Some(SetQualifier::ForAllValues)
}

/// `aud` or `sub` when the condition is on that claim of `host` (any host when `*`).
fn claim_of<'a>(condition: &'a Condition, host: &str) -> Option<&'a str> {
    let key = condition.key.value.as_str();
    let (key_host, claim) = key.rsplit_once(':')?;
    let same_host = host == "*" || key_host.eq_ignore_ascii_case(host);
    let claim = ["aud", "sub"]
        .into_iter()
        .find(|c| claim.eq_ignore_ascii_case(c))?;
    same_host.then_some(claim)
}

fn subject(condition: &Condition, host: &str) -> Result<(), Verdict> {
    let like = condition.operator.test == Test::StringLike;
    for value in &condition.values {
        let Some(text) = value.value.as_literal() else {
            return Err(Verdict::Unknown(format!(
                "the `{host}:sub` condition holds a value the linter cannot read"
            )));
        };
        if like && spans_subjects(text, host) {
            return Err(Verdict::Open(format!(
                "`{host}:sub` matches `{text}`, which spans repositories"
            )));
        }
    }
    Ok(())
}

/// True when a `StringLike` pattern matches subjects of more than one repository (GitHub)
/// or is all wildcard (any other issuer, whose subject format the linter does not know).
fn spans_subjects(pattern: &str, host: &str) -> bool {
    let wild = |s: &str| s.contains(['*', '?']);
    if !host.eq_ignore_ascii_case(GITHUB) {
        return pattern.chars().all(|c| c == '*' || c == '?');
    }
    let Some(rest) = pattern.strip_prefix("repo:") else {
        return wild(pattern);
    };
    // `repo:OWNER/REPO:…`: the repository must be named in full, without a wildcard, and
    // be followed by `:` (else `repo:org/app*` and `repo:org/app` + `-evil` both match).
    match rest.split_once(':') {
        Some((repository, _)) => {
            let named = repository
                .split_once('/')
                .is_some_and(|(owner, name)| !owner.is_empty() && !name.is_empty());
            !named || wild(repository)
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_patterns_span_repositories_only_when_the_repository_is_wild() {
        for open in [
            "*",
            "repo:*",
            "repo:org/*",
            "repo:org/app*",
            "repo:org/app",
            "repo:*/app:ref:refs/heads/main",
            "repo:org/ap?:environment:prod",
        ] {
            assert!(spans_subjects(open, GITHUB), "{open}");
        }
        for pinned in [
            "repo:org/app:ref:refs/heads/main",
            "repo:org/app:environment:prod",
            "repo:org/app:*",
        ] {
            assert!(!spans_subjects(pinned, GITHUB), "{pinned}");
        }
    }

    #[test]
    fn other_issuers_fail_only_an_all_wildcard_subject() {
        assert!(spans_subjects("*", "gitlab.com"));
        assert!(!spans_subjects("project_path:group/app:*", "gitlab.com"));
    }
}
