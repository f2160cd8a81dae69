//! Privilege escalation in identity policies: actions that let the holder
//! grant itself more than it was given. An action escalates when it is on
//! the curated list ([`super::escalation_list`]), when it is an IAM write or
//! permissions-management action, or when the catalog rates it
//! `Permissions management` in any service.
//!
//! Statements with a `Principal` belong to resource policies, where an
//! action only concerns the resource the policy is attached to; they are
//! left to the public-access checks.

use crate::sym::Sym;

use super::super::catalog::{AccessLevel, Action, Catalog};
use super::super::policy::{Policy, Statement};
use super::action::ActionPattern;
use super::escalation_list::{Danger, EscalationAction, escalation_action};
use super::resource::{ResourceScope, Wildcard};
use super::site::{Site, Status, grants, structural_unknowns};

/// Why an action escalates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscalationReason {
    Curated(&'static EscalationAction),
    /// An IAM action at access level Write or Permissions management.
    IamWrite,
    /// A `Permissions management` action of another service
    /// (`s3:PutBucketPolicy`, `kms:PutKeyPolicy`, `logs:PutResourcePolicy`).
    PermissionsManagement,
}

/// One escalating action and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalatingAction<'c> {
    pub action: &'c Action,
    pub reason: EscalationReason,
}

/// The escalating actions one action value grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation<'c> {
    pub site: Site,
    /// The action value as written; `None` for `NotAction`.
    pub pattern: Option<Sym>,
    /// Empty only when the status is unknown.
    pub actions: Vec<EscalatingAction<'c>>,
    pub status: Status,
}

/// Every action value in the policy's identity `Allow` statements that
/// grants an escalating action.
pub fn privilege_escalation<'c>(policy: &Policy, catalog: &'c Catalog) -> Vec<Escalation<'c>> {
    let mut out = Vec::new();
    for (statement, status) in grants(policy) {
        let Some(actions) = statement
            .actions
            .as_ref()
            .filter(|_| statement.principals.is_none())
        else {
            continue;
        };
        let scope = unscoped(statement, catalog);
        if actions.negated {
            let excluded: Vec<_> = actions
                .items
                .iter()
                .map(|i| ActionPattern::classify(&i.value, catalog))
                .collect();
            let granted = catalog
                .actions()
                .filter(|a| !excluded.iter().any(|p| p.includes(a)));
            let site = Site {
                loc: actions.loc,
                ..Site::statement(statement)
            };
            out.extend(finding(
                site,
                None,
                granted.collect(),
                &scope,
                status.clone(),
            ));
            continue;
        }
        for item in &actions.items {
            let site = Site::item(statement, item);
            let pattern = Some(item.value.clone());
            match ActionPattern::classify(&item.value, catalog) {
                ActionPattern::Unresolved(reason) => out.push(Escalation {
                    site,
                    pattern,
                    actions: Vec::new(),
                    status: status.clone().and(Status::Unknown(reason)),
                }),
                granted => {
                    let granted = granted.actions(catalog);
                    out.extend(finding(site, pattern, granted, &scope, status.clone()));
                }
            }
        }
    }
    out.extend(
        structural_unknowns(policy).map(|(site, status)| Escalation {
            site,
            pattern: None,
            actions: Vec::new(),
            status,
        }),
    );
    out
}

fn finding<'c>(
    site: Site,
    pattern: Option<Sym>,
    granted: Vec<&'c Action>,
    unscoped: &Option<Status>,
    status: Status,
) -> Option<Escalation<'c>> {
    let mut actions = Vec::new();
    let mut pending_scope = false;
    for action in granted {
        let Some(reason) = reason(action) else {
            continue;
        };
        let needs_scope = matches!(reason, EscalationReason::Curated(e) if e.danger == Danger::OnUnscopedResource);
        match (needs_scope, unscoped) {
            (false, _) | (true, Some(Status::Fail)) => {
                actions.push(EscalatingAction { action, reason })
            }
            (true, Some(Status::Unknown(_))) => pending_scope = true,
            (true, None) => {}
        }
    }
    let status = match (actions.is_empty(), pending_scope, unscoped) {
        (false, _, _) => status,
        (true, true, Some(unknown)) => status.and(unknown.clone()),
        (true, _, _) => return None,
    };
    Some(Escalation {
        site,
        pattern,
        actions,
        status,
    })
}

/// IAM writes that act only on the caller's own user, whatever resource a
/// policy names: `iam:ChangePassword` changes the password of the user who
/// calls it (AWS's "let users change their own password" policy grants it),
/// so it cannot raise anyone's privileges.
const SELF_SERVICE: &[&str] = &["ChangePassword"];

/// Why `action` escalates, if it does.
pub fn reason(action: &Action) -> Option<EscalationReason> {
    let self_service = SELF_SERVICE
        .iter()
        .any(|n| n.eq_ignore_ascii_case(action.name));
    if action.prefix.eq_ignore_ascii_case("iam") && self_service {
        return None;
    }
    if let Some(entry) = escalation_action(action.prefix, action.name) {
        return Some(EscalationReason::Curated(entry));
    }
    let is_change = matches!(
        action.access,
        AccessLevel::Write | AccessLevel::PermissionsManagement
    );
    match (action.prefix, action.access) {
        ("iam", _) if is_change => Some(EscalationReason::IamWrite),
        (_, AccessLevel::PermissionsManagement) => Some(EscalationReason::PermissionsManagement),
        _ => None,
    }
}

/// `Some(Fail)` when the statement's resources reach any role (`*`, a
/// wildcard account or resource name, `NotResource`), `Some(Unknown)` when
/// that cannot be told, `None` when they are scoped.
fn unscoped(statement: &Statement, catalog: &Catalog) -> Option<Status> {
    let resources = statement.resources.as_ref()?;
    if resources.negated {
        return Some(Status::Fail);
    }
    let mut unknown = None;
    for item in &resources.items {
        match ResourceScope::of(&item.value, catalog) {
            ResourceScope::Wildcard(
                Wildcard::All | Wildcard::Service | Wildcard::Account | Wildcard::ResourceName,
            ) => return Some(Status::Fail),
            ResourceScope::Unresolved(reason) => unknown = Some(Status::Unknown(reason)),
            _ => {}
        }
    }
    unknown
}
