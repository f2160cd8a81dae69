//! Wildcard actions in statements that grant: `*`, `service:*`, partial
//! wildcards such as `s3:Get*` (expanded, so each action can be judged) and
//! `NotAction`. Deny statements are never reported: a wildcard there only
//! takes access away.

use crate::sym::Sym;

use super::super::catalog::{AccessLevel, Action, Catalog};
use super::super::policy::Policy;
use super::action::ActionPattern;
use super::site::{Site, Status, grants, structural_unknowns};

/// The kind of wildcard an action value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionWildcard<'c> {
    /// `*`.
    All,
    /// `s3:*`; the service prefix.
    Service(&'static str),
    /// `s3:Get*`: the expanded actions and the highest access level among
    /// them, so a read-only partial wildcard can be told from one that
    /// reaches `PutBucketPolicy`.
    Partial {
        actions: Vec<&'c Action>,
        broadest: AccessLevel,
    },
    /// `NotAction` in a statement that grants: everything except the list.
    NotAction,
    /// An action value that cannot be read (status is unknown).
    Unresolved,
}

/// One wildcard action value in a statement that grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WildcardAction<'c> {
    pub site: Site,
    /// The value as written; `None` for `NotAction` findings.
    pub pattern: Option<Sym>,
    pub kind: ActionWildcard<'c>,
    pub status: Status,
}

/// Every wildcard action value in the policy's `Allow` statements.
pub fn wildcard_actions<'c>(policy: &Policy, catalog: &'c Catalog) -> Vec<WildcardAction<'c>> {
    let mut out = Vec::new();
    for (statement, status) in grants(policy) {
        let Some(actions) = &statement.actions else {
            continue;
        };
        if actions.negated {
            out.push(WildcardAction {
                site: Site::statement(statement),
                pattern: None,
                kind: ActionWildcard::NotAction,
                status: status.clone(),
            });
            continue;
        }
        for item in &actions.items {
            let Some((kind, extra)) = wildcard_kind(ActionPattern::classify(&item.value, catalog))
            else {
                continue;
            };
            out.push(WildcardAction {
                site: Site::item(statement, item),
                pattern: Some(item.value.clone()),
                kind,
                status: extra.map_or_else(|| status.clone(), |s| status.clone().and(s)),
            });
        }
    }
    out.extend(
        structural_unknowns(policy).map(|(site, status)| WildcardAction {
            site,
            pattern: None,
            kind: ActionWildcard::Unresolved,
            status,
        }),
    );
    out
}

fn wildcard_kind(pattern: ActionPattern<'_>) -> Option<(ActionWildcard<'_>, Option<Status>)> {
    let kind = match pattern {
        ActionPattern::All => ActionWildcard::All,
        ActionPattern::Service(service) => ActionWildcard::Service(service.prefix),
        ActionPattern::Partial(actions) => {
            let broadest = actions
                .iter()
                .map(|a| a.access)
                .max()
                .unwrap_or(AccessLevel::List);
            ActionWildcard::Partial { actions, broadest }
        }
        ActionPattern::Unresolved(reason) => {
            return Some((ActionWildcard::Unresolved, Some(Status::Unknown(reason))));
        }
        ActionPattern::Literal(_) | ActionPattern::NotInCatalog(_) => return None,
    };
    Some((kind, None))
}
