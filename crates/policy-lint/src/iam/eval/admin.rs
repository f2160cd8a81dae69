//! Administrator statements: `Allow` of every action on every resource.

use super::super::catalog::Catalog;
use super::super::policy::{Policy, Statement};
use super::action::ActionPattern;
use super::resource::{ResourceScope, Wildcard};
use super::site::{Site, Status, grants, structural_unknowns};

/// A statement that grants full administrator access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminStatement {
    pub site: Site,
    /// True when `NotAction` (rather than `Action: "*"`) makes it admin-like:
    /// everything except a few actions.
    pub via_not_action: bool,
    pub status: Status,
}

/// Statements that allow `*` on `*` (or `NotAction` on `*`). A condition on
/// the statement does not make it less of an administrator grant.
pub fn admin_statements(policy: &Policy, catalog: &Catalog) -> Vec<AdminStatement> {
    let mut out = Vec::new();
    for (statement, status) in grants(policy) {
        let Some(actions) = &statement.actions else {
            continue;
        };
        let all_actions = actions.negated || actions_status(statement, catalog).is_some();
        if !all_actions {
            continue;
        }
        let Some(resource_status) = every_resource(statement, catalog) else {
            continue;
        };
        let action_status = actions_status(statement, catalog).unwrap_or(Status::Fail);
        out.push(AdminStatement {
            site: Site::statement(statement),
            via_not_action: actions.negated,
            status: status.and(action_status).and(resource_status),
        });
    }
    out.extend(
        structural_unknowns(policy).map(|(site, status)| AdminStatement {
            site,
            via_not_action: false,
            status,
        }),
    );
    out
}

/// `Some(Fail)` when an action value is `*`, `Some(Unknown)` when one cannot
/// be read, `None` otherwise.
fn actions_status(statement: &Statement, catalog: &Catalog) -> Option<Status> {
    let actions = statement.actions.as_ref()?;
    let mut unknown = None;
    for item in &actions.items {
        match ActionPattern::classify(&item.value, catalog) {
            ActionPattern::All => return Some(Status::Fail),
            ActionPattern::Unresolved(reason) => unknown = Some(Status::Unknown(reason)),
            _ => {}
        }
    }
    unknown
}

/// Same question for resources: `*`, `NotResource`, or unknown.
fn every_resource(statement: &Statement, catalog: &Catalog) -> Option<Status> {
    let resources = statement.resources.as_ref()?;
    if resources.negated {
        return Some(Status::Fail);
    }
    let mut unknown = None;
    for item in &resources.items {
        match ResourceScope::of(&item.value, catalog) {
            ResourceScope::Wildcard(Wildcard::All) => return Some(Status::Fail),
            ResourceScope::Unresolved(reason) => unknown = Some(Status::Unknown(reason)),
            _ => {}
        }
    }
    unknown
}
