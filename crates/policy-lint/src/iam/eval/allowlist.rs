//! Least privilege against an explicit allowlist (control IAM-1): every
//! action a role's policies grant, after wildcard expansion, must be on the
//! list, and every resource it is granted on must be one the list names for
//! that action.
//!
//! Resources are compared by reference: an allowed resource such as
//! `${Table.Arn}/index/*` admits a granted `${Table.Arn}/index/byUser` and
//! the same pattern, never `*` or another table.

use crate::sym::Sym;

use super::super::catalog::{Action, Catalog};
use super::super::policy::{Policy, Statement};
use super::action::ActionPattern;
use super::site::{Site, Status, grants, structural_unknowns};
use super::tokens::covers;

/// The actions a role may hold and where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist {
    entries: Vec<AllowedAction>,
}

/// One allowed action (a literal name, such as `dynamodb:GetItem`) and the
/// resources it may be granted on: any resource, or only those listed (an
/// empty list then admits none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedAction {
    pub action: String,
    pub resources: Vec<Sym>,
    /// True when the action may be granted on any resource.
    pub anywhere: bool,
}

impl Allowlist {
    pub fn new() -> Allowlist {
        Allowlist::default()
    }

    /// Allows `action` on each of `resources` (IAM patterns, possibly with
    /// references); no resources means any resource. Adding an action twice
    /// widens its resources.
    pub fn allow(&mut self, action: &str, resources: impl IntoIterator<Item = Sym>) -> &mut Self {
        let resources: Vec<Sym> = resources.into_iter().collect();
        let anywhere = resources.is_empty();
        self.add(action, resources, anywhere)
    }

    /// Allows `action` only on `resources`; an empty list admits the action
    /// on no resource at all (the template has none it may reach).
    pub fn allow_only(
        &mut self,
        action: &str,
        resources: impl IntoIterator<Item = Sym>,
    ) -> &mut Self {
        self.add(action, resources.into_iter().collect(), false)
    }

    fn add(&mut self, action: &str, resources: Vec<Sym>, anywhere: bool) -> &mut Self {
        match self
            .entries
            .iter_mut()
            .find(|e| e.action.eq_ignore_ascii_case(action))
        {
            Some(entry) => {
                entry.resources.extend(resources);
                entry.anywhere |= anywhere;
            }
            None => self.entries.push(AllowedAction {
                action: action.to_owned(),
                resources,
                anywhere,
            }),
        }
        self
    }

    pub fn entries(&self) -> &[AllowedAction] {
        &self.entries
    }

    fn entry(&self, action: &Action) -> Option<&AllowedAction> {
        self.entries.iter().find(|e| {
            e.action.split_once(':').is_some_and(|(p, n)| {
                p.eq_ignore_ascii_case(action.prefix) && n.eq_ignore_ascii_case(action.name)
            })
        })
    }
}

/// How a grant departs from the allowlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deviation<'c> {
    /// The action value grants these actions, none of them on the list.
    ExtraActions(Vec<&'c Action>),
    /// The action value names nothing in the catalog and is not on the list.
    NotInCatalog(String),
    /// Listed actions granted on a resource the list does not name for them.
    UnexpectedResource {
        resource: Sym,
        actions: Vec<&'c Action>,
    },
    /// `NotAction`: everything but a few actions.
    NotAction,
    /// `NotResource` on listed actions.
    NotResource(Vec<&'c Action>),
    /// A value could not be read; the status says why.
    Unresolved,
}

/// One departure from the allowlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowlistViolation<'c> {
    /// Index of the policy in the slice given to [`allowlist_violations`].
    pub policy: usize,
    pub site: Site,
    pub deviation: Deviation<'c>,
    pub status: Status,
}

/// Compares everything `policies` grant with `allowlist`.
pub fn allowlist_violations<'c>(
    policies: &[&Policy],
    allowlist: &Allowlist,
    catalog: &'c Catalog,
) -> Vec<AllowlistViolation<'c>> {
    let mut out = Vec::new();
    for (index, policy) in policies.iter().enumerate() {
        let mut found = Vec::new();
        for (statement, status) in grants(policy) {
            statement_violations(statement, allowlist, catalog, &status, &mut found);
        }
        let unknowns =
            structural_unknowns(policy).map(|(site, status)| (site, Deviation::Unresolved, status));
        found.extend(unknowns);
        let with_index = found
            .into_iter()
            .map(|(site, deviation, status)| AllowlistViolation {
                policy: index,
                site,
                deviation,
                status,
            });
        out.extend(with_index);
    }
    out
}

type Found<'c> = (Site, Deviation<'c>, Status);

fn statement_violations<'c>(
    statement: &Statement,
    allowlist: &Allowlist,
    catalog: &'c Catalog,
    status: &Status,
    out: &mut Vec<Found<'c>>,
) {
    let Some(actions) = &statement.actions else {
        return;
    };
    if actions.negated {
        out.push((
            Site::statement(statement),
            Deviation::NotAction,
            status.clone(),
        ));
        return;
    }
    let mut listed = Vec::new();
    for item in &actions.items {
        let site = Site::item(statement, item);
        match ActionPattern::classify(&item.value, catalog) {
            ActionPattern::Unresolved(reason) => {
                out.push((
                    site,
                    Deviation::Unresolved,
                    status.clone().and(Status::Unknown(reason)),
                ));
            }
            ActionPattern::NotInCatalog(name) => {
                let known = allowlist
                    .entries
                    .iter()
                    .any(|e| e.action.eq_ignore_ascii_case(&name));
                if !known {
                    out.push((site, Deviation::NotInCatalog(name), status.clone()));
                }
            }
            pattern => {
                let (on_list, extra): (Vec<_>, Vec<_>) = pattern
                    .actions(catalog)
                    .into_iter()
                    .partition(|a| allowlist.entry(a).is_some());
                if !extra.is_empty() {
                    out.push((site, Deviation::ExtraActions(extra), status.clone()));
                }
                listed.extend(on_list);
            }
        }
    }
    listed.dedup();
    resource_violations(statement, &listed, allowlist, status, out);
}

fn resource_violations<'c>(
    statement: &Statement,
    listed: &[&'c Action],
    allowlist: &Allowlist,
    status: &Status,
    out: &mut Vec<Found<'c>>,
) {
    let Some(resources) = statement.resources.as_ref().filter(|_| !listed.is_empty()) else {
        return;
    };
    if resources.negated {
        let site = Site {
            loc: resources.loc,
            ..Site::statement(statement)
        };
        out.push((
            site,
            Deviation::NotResource(listed.to_vec()),
            status.clone(),
        ));
        return;
    }
    for item in &resources.items {
        let mut unexpected = Vec::new();
        let mut unknown = None;
        for action in listed {
            let entry = allowlist.entry(action);
            if entry.is_some_and(|e| e.anywhere) {
                continue;
            }
            let allowed = entry.map(|e| e.resources.as_slice()).unwrap_or_default();
            match admits(allowed, &item.value) {
                Ok(true) => {}
                Ok(false) => unexpected.push(*action),
                Err(reason) => unknown = Some(reason),
            }
        }
        let site = Site::item(statement, item);
        let resource = item.value.clone();
        if !unexpected.is_empty() {
            let deviation = Deviation::UnexpectedResource {
                resource,
                actions: unexpected,
            };
            out.push((site, deviation, status.clone()));
        } else if let Some(reason) = unknown {
            let deviation = Deviation::UnexpectedResource {
                resource,
                actions: Vec::new(),
            };
            out.push((site, deviation, status.clone().and(Status::Unknown(reason))));
        }
    }
}

/// Whether one of the allowed patterns covers the granted resource.
fn admits(allowed: &[Sym], granted: &Sym) -> Result<bool, String> {
    if allowed.is_empty() {
        return match granted.unknown_reason() {
            Some(reason) => Err(reason.to_owned()),
            None => Ok(false),
        };
    }
    let mut unknown = None;
    for pattern in allowed {
        match covers(pattern, granted) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(reason) => unknown = Some(reason.to_owned()),
        }
    }
    unknown.map_or(Ok(false), Err)
}
