//! Policy evaluation for one request: may these policies let `action` on
//! `resource` through? Follows IAM's order: an applicable explicit `Deny`
//! wins, otherwise an applicable `Allow` allows, otherwise the request is
//! implicitly denied.
//!
//! The linter does not know the request context, so a statement with a
//! condition (or that exists only under a template condition) *may* apply.
//! Principals are not matched: this answers what the policies grant to
//! whoever they are attached to or name.

use crate::sym::Sym;

use super::super::glob;
use super::super::policy::{Effect, Elements, Policy, Statement};
use super::tokens::covers;

/// The outcome for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An `Allow` applies. `conditional` when it applies only under
    /// conditions, or a conditional `Deny` may still override it.
    Allowed { conditional: bool },
    /// An unconditional `Deny` applies.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
    /// Whether a statement applies cannot be told; the reason says why.
    Unknown(String),
}

/// Whether one statement applies to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Applies {
    No,
    Yes,
    /// Yes, if its conditions (or template conditions) hold.
    Conditionally,
    Unknown(String),
}

/// Decides `action` (a literal `service:Name`) on `resource` (a resource
/// ARN, possibly with references; `*` asks about every resource) against
/// all statements of `policies`.
pub fn is_allowed(policies: &[&Policy], action: &str, resource: &Sym) -> Decision {
    let mut allow = Applies::No;
    let mut deny = Applies::No;
    for policy in policies {
        if let Some(unknown) = policy.unknowns.first() {
            return Decision::Unknown(unknown.value.clone());
        }
        for statement in &policy.statements {
            let applies = applies(statement, action, resource);
            match &statement.effect.value {
                Effect::Allow => allow = strongest(allow, applies),
                Effect::Deny => deny = strongest(deny, applies),
                Effect::Unknown(reason) if applies != Applies::No => {
                    return Decision::Unknown(format!("effect unknown: {reason}"));
                }
                Effect::Unknown(_) => {}
            }
        }
    }
    combine(allow, deny)
}

fn combine(allow: Applies, deny: Applies) -> Decision {
    match (allow, deny) {
        (_, Applies::Yes) => Decision::ExplicitDeny,
        (Applies::No, _) => Decision::ImplicitDeny,
        (Applies::Unknown(reason), _) | (_, Applies::Unknown(reason)) => Decision::Unknown(reason),
        (Applies::Yes, Applies::No) => Decision::Allowed { conditional: false },
        (Applies::Yes | Applies::Conditionally, _) => Decision::Allowed { conditional: true },
    }
}

/// Yes beats unknown beats conditionally beats no.
fn strongest(a: Applies, b: Applies) -> Applies {
    let rank = |x: &Applies| match x {
        Applies::No => 0,
        Applies::Conditionally => 1,
        Applies::Unknown(_) => 2,
        Applies::Yes => 3,
    };
    if rank(&b) > rank(&a) { b } else { a }
}

fn applies(statement: &Statement, action: &str, resource: &Sym) -> Applies {
    let action_match = match &statement.actions {
        Some(actions) => matches_action(actions, action),
        None => Ok(Match::No),
    };
    let resource_match = match &statement.resources {
        Some(resources) => matches_resource(resources, resource),
        // Trust policies have no resource: they speak of the role itself.
        None => Ok(Match::Always),
    };
    let unconditional = statement.conditions.is_empty() && statement.guards.is_empty();
    match (action_match, resource_match) {
        (Ok(Match::No), _) | (_, Ok(Match::No)) => Applies::No,
        (Err(reason), _) | (_, Err(reason)) => Applies::Unknown(reason),
        (Ok(Match::Always), Ok(Match::Always)) if unconditional => Applies::Yes,
        _ => Applies::Conditionally,
    }
}

/// How an element matches a request.
enum Match {
    No,
    Always,
    /// Only through values that exist under a template condition.
    Guarded,
}

fn matches_action(actions: &Elements, action: &str) -> Result<Match, String> {
    element_match(actions, |sym| match sym.as_literal() {
        Some(pattern) => Ok(glob::matches_caseless(pattern.trim(), action)),
        None => Err(sym
            .unknown_reason()
            .map_or_else(|| format!("action `{sym}`"), str::to_owned)),
    })
}

fn matches_resource(resources: &Elements, resource: &Sym) -> Result<Match, String> {
    element_match(resources, |sym| {
        covers(sym, resource).map_err(str::to_owned)
    })
}

/// Matches the request against every value; an unknown value turns a "no"
/// into unknown. For `NotAction` / `NotResource` a listed match excludes
/// the request, and a guarded one excludes it only sometimes.
fn element_match(
    elements: &Elements,
    test: impl Fn(&Sym) -> Result<bool, String>,
) -> Result<Match, String> {
    let mut unknown = None;
    let mut found = Match::No;
    for item in &elements.items {
        match test(&item.value) {
            Ok(true) if item.guards.is_empty() => {
                found = Match::Always;
                break;
            }
            Ok(true) => found = Match::Guarded,
            Ok(false) => {}
            Err(reason) => unknown = Some(reason),
        }
    }
    match (found, elements.negated, unknown) {
        (Match::Always, false, _) => Ok(Match::Always),
        (Match::Always, true, _) => Ok(Match::No),
        (_, _, Some(reason)) => Err(reason),
        (Match::Guarded, _, None) => Ok(Match::Guarded),
        (Match::No, false, None) => Ok(Match::No),
        (Match::No, true, None) => Ok(Match::Always),
    }
}
