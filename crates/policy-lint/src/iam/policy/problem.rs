//! Things wrong with how a policy document is written. They are reported as
//! template problems (control TPL-1); the parser keeps going past each one.

use crate::tree::Loc;

/// A malformed part of a policy document, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("policy document is not valid JSON: {message}")]
    InvalidJson { message: String, loc: Loc },
    #[error("policy document is not an object")]
    NotAnObject { loc: Loc },
    #[error("policy document has no `Statement`")]
    MissingStatement { loc: Loc },
    #[error("statement is not an object")]
    StatementNotAnObject { loc: Loc },
    #[error("statement has no `Effect`")]
    MissingEffect { loc: Loc },
    #[error("`Effect` is `{found}`, expected `Allow` or `Deny` (case matters)")]
    InvalidEffect { found: String, loc: Loc },
    #[error("statement has neither `Action` nor `NotAction`")]
    MissingAction { loc: Loc },
    #[error("statement has both `{first}` and `{second}`")]
    Conflicting {
        first: &'static str,
        second: &'static str,
        loc: Loc,
    },
    #[error("`{element}` must be a string or a list of strings")]
    BadShape { element: &'static str, loc: Loc },
    #[error("`{element}` is empty")]
    Empty { element: &'static str, loc: Loc },
    #[error("unknown policy element `{name}`")]
    UnknownElement { name: String, loc: Loc },
    #[error("policy element `{found}` is spelled `{canonical}` by IAM")]
    ElementCase {
        found: String,
        canonical: &'static str,
        loc: Loc,
    },
    #[error("`Principal` must be `*` or an object")]
    BadPrincipal { loc: Loc },
    #[error("unknown principal type `{name}` (expected AWS, Service, Federated or CanonicalUser)")]
    UnknownPrincipalType { name: String, loc: Loc },
    #[error("`Condition` must be an object of operators, each an object of keys")]
    BadCondition { loc: Loc },
    #[error("unknown condition operator `{operator}`")]
    UnknownOperator { operator: String, loc: Loc },
    #[error("`Version` is `{found}`; only `2012-10-17` supports policy variables")]
    OldVersion { found: String, loc: Loc },
}

impl Problem {
    /// Where the problem was written.
    pub fn loc(&self) -> Loc {
        use Problem::*;
        match self {
            InvalidJson { loc, .. }
            | NotAnObject { loc }
            | MissingStatement { loc }
            | StatementNotAnObject { loc }
            | MissingEffect { loc }
            | InvalidEffect { loc, .. }
            | MissingAction { loc }
            | Conflicting { loc, .. }
            | BadShape { loc, .. }
            | Empty { loc, .. }
            | UnknownElement { loc, .. }
            | ElementCase { loc, .. }
            | BadPrincipal { loc }
            | UnknownPrincipalType { loc, .. }
            | BadCondition { loc }
            | UnknownOperator { loc, .. }
            | OldVersion { loc, .. } => *loc,
        }
    }
}
