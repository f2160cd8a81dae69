//! Who a resource or trust policy admits. A statement that grants to `*`
//! (or `{"AWS": "*"}`) is public unless a condition pins the caller down to
//! fixed values of a key that identifies an account, organisation, network
//! path or source resource, which is how S3 and IAM Access Analyzer define
//! "public" too. `NotPrincipal` in a grant admits everyone not listed. A
//! federated web-identity principal without an audience or subject
//! condition admits every identity of that provider. Deny statements only
//! narrow access and are never reported.

use crate::sym::Sym;

use super::super::policy::Test;
use super::super::policy::{Condition, Policy, Principal, PrincipalKind, SetQualifier, Statement};
use super::site::{Site, Status, grants, structural_unknowns};
use super::tokens::{Tok, tokens};

/// Condition keys that, given fixed values, keep a wildcard principal from
/// being the whole world.
pub const NARROWING_KEYS: &[&str] = &[
    // The calling principal itself, or its account or organisation.
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "kms:CallerAccount",
    // The resource or account on whose behalf a service principal calls
    // (the confused-deputy keys).
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    // The network path: one VPC or one VPC endpoint, both account-owned.
    "aws:SourceVpc",
    "aws:SourceVpce",
];

/// Keys whose values are ARNs; a fixed account segment is enough to narrow,
/// so `arn:aws:iam::111111111111:role/connect-*` still narrows.
const ARN_KEYS: &[&str] = &["aws:PrincipalArn", "aws:SourceArn"];

/// How a statement admits the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExposureVia {
    /// `"Principal": "*"` or `{"AWS": "*"}` without a narrowing condition.
    WildcardPrincipal,
    /// `NotPrincipal` in a statement that grants.
    NotPrincipal,
    /// A web-identity provider (`cognito-identity.amazonaws.com`, an OIDC
    /// provider) without a condition on its `aud` or `sub` key.
    FederatedWithoutAudience,
}

/// A statement that admits principals outside any one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    pub site: Site,
    /// The principal value; `None` for `NotPrincipal`.
    pub principal: Option<Sym>,
    pub via: ExposureVia,
    pub status: Status,
}

/// Whether a statement's conditions narrow a wildcard principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Narrowing {
    /// No condition narrows it.
    None,
    /// These keys narrow it to fixed values.
    By(Vec<String>),
    /// A narrowing condition depends on a value the linter cannot know.
    Unknown(String),
}

/// Every statement that makes the policy public.
pub fn public_exposure(policy: &Policy) -> Vec<Exposure> {
    let mut out = Vec::new();
    for (statement, status) in grants(policy) {
        let Some(principals) = &statement.principals else {
            continue;
        };
        if principals.negated {
            let site = Site {
                loc: principals.loc,
                ..Site::statement(statement)
            };
            out.push(Exposure {
                site,
                principal: None,
                via: ExposureVia::NotPrincipal,
                status,
            });
            continue;
        }
        for principal in &principals.entries {
            out.extend(exposure(statement, principal, status.clone()));
        }
    }
    let unknowns = structural_unknowns(policy);
    out.extend(unknowns.map(|(site, status)| Exposure {
        site,
        principal: None,
        via: ExposureVia::WildcardPrincipal,
        status,
    }));
    out
}

fn exposure(statement: &Statement, principal: &Principal, status: Status) -> Option<Exposure> {
    let (via, narrowing) = if let Some(reason) = principal.unknown_reason() {
        (
            ExposureVia::WildcardPrincipal,
            Narrowing::Unknown(format!("principal unknown: {reason}")),
        )
    } else if principal.kind == PrincipalKind::Unresolved {
        let reason = format!("principal `{}` cannot be read", principal.value.value);
        (ExposureVia::WildcardPrincipal, Narrowing::Unknown(reason))
    } else if principal.is_wildcard() {
        (ExposureVia::WildcardPrincipal, narrowing(statement))
    } else if principal.kind == PrincipalKind::Federated {
        let host = web_identity_host(&principal.value.value)?;
        let is_audience = |key: &str| {
            let lower = key.to_ascii_lowercase();
            let claim = lower
                .strip_suffix(":aud")
                .or_else(|| lower.strip_suffix(":sub"));
            claim.is_some_and(|h| host.as_deref().is_none_or(|host| h == host))
        };
        (
            ExposureVia::FederatedWithoutAudience,
            narrowing_by(statement, is_audience),
        )
    } else {
        return None;
    };
    let status = match narrowing {
        Narrowing::By(_) => return None,
        Narrowing::None => status,
        Narrowing::Unknown(reason) => status.and(Status::Unknown(reason)),
    };
    let site = Site::item(statement, &principal.value);
    Some(Exposure {
        site,
        principal: Some(principal.value.value.clone()),
        via,
        status,
    })
}

/// Whether the statement's conditions narrow a wildcard principal.
pub fn narrowing(statement: &Statement) -> Narrowing {
    narrowing_by(statement, |key| {
        NARROWING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
    })
}

fn narrowing_by(statement: &Statement, is_narrowing_key: impl Fn(&str) -> bool) -> Narrowing {
    let mut by = Vec::new();
    let mut unknown = None;
    for condition in &statement.conditions {
        let key = condition.key.value.as_str();
        if !is_narrowing_key(key) {
            continue;
        }
        match fixes(condition, key) {
            Ok(true) => by.push(condition.key.value.clone()),
            Ok(false) => {}
            Err(reason) => unknown = Some(reason),
        }
    }
    match (by.is_empty(), unknown) {
        (false, _) => Narrowing::By(by),
        (true, Some(reason)) => Narrowing::Unknown(reason),
        (true, None) => Narrowing::None,
    }
}

/// True when the condition only lets requests through whose `key` has one
/// of a set of fixed values.
fn fixes(condition: &Condition, key: &str) -> Result<bool, String> {
    let op = &condition.operator;
    let positive = matches!(
        op.test,
        Test::StringEquals
            | Test::StringEqualsIgnoreCase
            | Test::StringLike
            | Test::ArnEquals
            | Test::ArnLike
    );
    // `IfExists` and `ForAllValues` both hold when the key is absent, and a
    // direct call by an outside principal carries no `aws:SourceArn`.
    if !positive || op.if_exists || op.set == Some(SetQualifier::ForAllValues) {
        return Ok(false);
    }
    let mut all_fixed = !condition.values.is_empty();
    for value in &condition.values {
        let toks = tokens(&value.value).map_err(|r| format!("`{key}` condition: {r}"))?;
        all_fixed &= is_fixed(&toks, key);
    }
    Ok(all_fixed)
}

fn is_fixed(toks: &[Tok<'_>], key: &str) -> bool {
    let wild = |ts: &[Tok<'_>]| ts.iter().any(|t| t.is_wildcard());
    if toks.is_empty() {
        return false;
    }
    if ARN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        // A reference names one resource of the template. Otherwise the
        // partition, service, region and account must be fixed and the
        // resource must start with fixed text; S3 ARNs have no account.
        if matches!(toks.first(), Some(Tok::Atom(_))) {
            return true;
        }
        let segments: Vec<&[Tok<'_>]> = toks.splitn(6, |t| t.is_char(':')).collect();
        let resource_fixed = segments
            .get(5)
            .and_then(|r| r.first())
            .is_some_and(|t| !t.is_wildcard());
        return segments.len() == 6 && !wild(&segments[..5].concat()) && resource_fixed;
    }
    if key.eq_ignore_ascii_case("aws:userid") {
        // `AROAEXAMPLEID:*` pins one role and any of its sessions.
        let id = toks.split(|t| t.is_char(':')).next().unwrap_or_default();
        return !id.is_empty() && !wild(id);
    }
    !wild(toks)
}

/// The host whose `aud` / `sub` claims must be pinned for a web-identity
/// provider, lower-case: `Some(None)` when the provider is a reference whose
/// host is not known (any `…:aud` key is accepted), `None` for SAML
/// providers, which are fixed to one identity provider already.
fn web_identity_host(value: &Sym) -> Option<Option<String>> {
    let Some(text) = value.as_literal() else {
        return Some(None);
    };
    if text.contains(":saml-provider/") {
        return None;
    }
    let host = text
        .split_once(":oidc-provider/")
        .map_or(text, |(_, host)| host);
    Some(Some(host.to_ascii_lowercase()))
}
