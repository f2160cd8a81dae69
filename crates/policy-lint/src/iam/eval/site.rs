//! Where a finding points, and whether it is a failure or an unknown.

use std::fmt;

use crate::tree::Loc;

use super::super::policy::{Effect, Item, Policy, Statement};
use super::super::values::Guard;

/// The statement and value a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// [`Statement::index`] of the statement.
    pub statement: usize,
    /// The statement's `Sid` when it is literal text.
    pub sid: Option<String>,
    /// The offending value (an action, a resource, a principal), or the
    /// statement when no single value is to blame.
    pub loc: Loc,
    /// Template conditions under which the finding holds.
    pub guards: Vec<Guard>,
}

impl Site {
    /// Points at a whole statement.
    pub fn statement(statement: &Statement) -> Site {
        Site {
            statement: statement.index,
            sid: statement.sid_text().map(str::to_owned),
            loc: statement.loc,
            guards: statement.guards.clone(),
        }
    }

    /// Points at one value of a statement; the value's guards include the
    /// statement's.
    pub fn item<T>(statement: &Statement, item: &Item<T>) -> Site {
        Site {
            loc: item.loc,
            guards: item.guards.clone(),
            ..Site::statement(statement)
        }
    }
}

/// The outcome of a check that found something. A pass is the absence of a
/// finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Fail,
    /// The policy might fail the check but the linter cannot tell; the
    /// reason names what it could not know.
    Unknown(String),
}

impl Status {
    pub fn is_fail(&self) -> bool {
        matches!(self, Status::Fail)
    }

    /// `Unknown` wins: a failure that rests on an unknown value is unknown.
    pub fn and(self, other: Status) -> Status {
        match (self, other) {
            (Status::Unknown(r), _) | (Status::Fail, Status::Unknown(r)) => Status::Unknown(r),
            (Status::Fail, Status::Fail) => Status::Fail,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Fail => f.write_str("fail"),
            Status::Unknown(reason) => write!(f, "unknown: {reason}"),
        }
    }
}

/// How a statement counts for checks that judge grants: an `Allow` fails,
/// a statement whose effect cannot be read is unknown, a `Deny` is skipped
/// (a deny never grants anything).
pub(crate) fn grant_status(statement: &Statement) -> Option<Status> {
    match &statement.effect.value {
        Effect::Allow => Some(Status::Fail),
        Effect::Deny => None,
        Effect::Unknown(reason) => Some(Status::Unknown(format!("effect unknown: {reason}"))),
    }
}

/// The statements that may grant something, each with its base status.
pub(crate) fn grants(policy: &Policy) -> impl Iterator<Item = (&Statement, Status)> {
    policy
        .statements
        .iter()
        .filter_map(|s| grant_status(s).map(|status| (s, status)))
}

/// Unknown findings for the parts of a policy whose structure is unknown;
/// every check that must see all statements adds these.
pub(crate) fn structural_unknowns(policy: &Policy) -> impl Iterator<Item = (Site, Status)> + '_ {
    policy.unknowns.iter().map(|unknown| {
        let site = Site {
            statement: policy.statements.len(),
            sid: None,
            loc: unknown.loc,
            guards: unknown.guards.clone(),
        };
        (site, Status::Unknown(unknown.value.clone()))
    })
}
