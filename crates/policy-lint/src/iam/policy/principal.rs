//! `Principal` and `NotPrincipal`: who a resource or trust policy speaks of.

use crate::sym::Sym;
use crate::tree::Loc;

use super::Item;

/// The kind of principal, from the key it is listed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `"Principal": "*"`: every principal, signed or anonymous.
    Everyone,
    /// `{"AWS": …}`: accounts, users, roles, or `*`.
    Aws,
    /// `{"Service": "lambda.amazonaws.com"}`.
    Service,
    /// `{"Federated": …}`: a SAML or OIDC provider, or Cognito.
    Federated,
    CanonicalUser,
    /// A key IAM does not define, as written.
    Other(String),
    /// The principal block could not be read: it comes from an unresolved
    /// value. [`Principal::value`] carries the reason.
    Unresolved,
}

/// One principal.
#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub value: Item<Sym>,
}

impl Principal {
    /// True for `"*"` and `{"AWS": "*"}`: anyone at all.
    pub fn is_wildcard(&self) -> bool {
        match self.kind {
            PrincipalKind::Everyone => true,
            PrincipalKind::Aws | PrincipalKind::CanonicalUser => {
                self.value.value.as_literal() == Some("*")
            }
            _ => false,
        }
    }

    /// Why the principal cannot be judged, when it cannot.
    pub fn unknown_reason(&self) -> Option<&str> {
        self.value.value.unknown_reason()
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq)]
pub struct Principals {
    /// True for `NotPrincipal`.
    pub negated: bool,
    pub entries: Vec<Principal>,
    pub loc: Loc,
}

impl Principals {
    /// The wildcard principals listed.
    pub fn wildcards(&self) -> impl Iterator<Item = &Principal> {
        self.entries.iter().filter(|p| p.is_wildcard())
    }
}
