//! Wildcard resources in statements that grant, judged per action: a
//! `Resource: "*"` is only a finding when the statement grants an action
//! that could have been scoped to a resource. Actions with no resource type
//! in the catalog (`xray:PutTraceSegments`, `s3:ListAllMyBuckets`) accept
//! nothing but `*`.

use crate::sym::Sym;

use super::super::catalog::{Action, Catalog};
use super::super::policy::{Elements, Policy, Statement};
use super::action::ActionPattern;
use super::resource::{ResourceScope, Wildcard};
use super::site::{Site, Status, grants, structural_unknowns};

/// One unscoped resource value in a statement that grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WildcardResource<'c> {
    pub site: Site,
    /// The value as written; `None` for `NotResource`.
    pub resource: Option<Sym>,
    /// `None` when the resource value itself is unknown.
    pub wildcard: Option<Wildcard>,
    /// The granted actions that support resource-level scoping.
    pub scopable: Vec<&'c Action>,
    /// Condition keys of the statement, for rules that accept a
    /// condition-scoped statement (`cloudwatch:namespace`, `aws:SourceArn`).
    pub condition_keys: Vec<String>,
    pub status: Status,
}

/// Every unscoped resource in the policy's `Allow` statements that covers
/// at least one scopable action, or that cannot be judged.
pub fn wildcard_resources<'c>(policy: &Policy, catalog: &'c Catalog) -> Vec<WildcardResource<'c>> {
    let mut out = Vec::new();
    for (statement, status) in grants(policy) {
        let Some(resources) = &statement.resources else {
            continue;
        };
        let granted = Granted::of(statement, catalog);
        for (site, resource, scope) in scopes(statement, resources, catalog) {
            let wildcard = match scope {
                ResourceScope::Scoped => continue,
                ResourceScope::Wildcard(w) => Some(w),
                ResourceScope::Unresolved(_) => None,
            };
            let Some(verdict) = granted.verdict(&scope) else {
                continue;
            };
            out.push(WildcardResource {
                site,
                resource,
                wildcard,
                scopable: granted.scopable.clone(),
                condition_keys: statement
                    .conditions
                    .iter()
                    .map(|c| c.key.value.clone())
                    .collect(),
                status: status.clone().and(verdict),
            });
        }
    }
    out.extend(
        structural_unknowns(policy).map(|(site, status)| WildcardResource {
            site,
            resource: None,
            wildcard: None,
            scopable: Vec::new(),
            condition_keys: Vec::new(),
            status,
        }),
    );
    out
}

/// Each resource value with its scope; `NotResource` is one wildcard.
fn scopes(
    statement: &Statement,
    resources: &Elements,
    catalog: &Catalog,
) -> Vec<(Site, Option<Sym>, ResourceScope)> {
    if resources.negated {
        let site = Site {
            loc: resources.loc,
            ..Site::statement(statement)
        };
        return vec![(site, None, ResourceScope::Wildcard(Wildcard::NotResource))];
    }
    let scope = |item: &crate::iam::Item<Sym>| ResourceScope::of(&item.value, catalog);
    let items = resources.items.iter();
    items
        .map(|i| (Site::item(statement, i), Some(i.value.clone()), scope(i)))
        .collect()
}

/// What a statement grants, as far as resource scoping is concerned.
struct Granted<'c> {
    scopable: Vec<&'c Action>,
    /// Why some granted actions cannot be judged.
    unknown: Option<String>,
}

impl<'c> Granted<'c> {
    fn of(statement: &Statement, catalog: &'c Catalog) -> Granted<'c> {
        let mut granted = Granted {
            scopable: Vec::new(),
            unknown: None,
        };
        let Some(actions) = &statement.actions else {
            return granted;
        };
        let patterns = actions
            .items
            .iter()
            .map(|i| ActionPattern::classify(&i.value, catalog));
        let patterns: Vec<_> = patterns.collect();
        if actions.negated {
            // Everything but a short list: judge as every scopable action
            // not excluded.
            let excluded = |a: &&Action| patterns.iter().any(|p| p.includes(a));
            let all = catalog.actions().filter(|a| !a.is_unscopable());
            granted.scopable = all.filter(|a| !excluded(a)).collect();
            return granted;
        }
        for pattern in patterns {
            granted.add(pattern, catalog);
        }
        granted.scopable.sort_by_key(|a| (a.prefix, a.name));
        granted.scopable.dedup();
        granted
    }

    fn add(&mut self, pattern: ActionPattern<'c>, catalog: &'c Catalog) {
        match &pattern {
            ActionPattern::Unresolved(reason) => self.unknown = Some(reason.clone()),
            ActionPattern::NotInCatalog(name) => {
                self.unknown = Some(format!("`{name}` is not in the IAM action catalog"));
            }
            _ => {
                let actions = pattern.actions(catalog).into_iter();
                self.scopable.extend(actions.filter(|a| !a.is_unscopable()));
            }
        }
    }

    /// Fail when a scopable action is granted, unknown when that cannot be
    /// told, nothing when only unscopable actions are granted.
    fn verdict(&self, scope: &ResourceScope) -> Option<Status> {
        if self.scopable.is_empty() && self.unknown.is_none() {
            return None;
        }
        match scope {
            ResourceScope::Unresolved(reason) => Some(Status::Unknown(reason.clone())),
            _ if !self.scopable.is_empty() => Some(Status::Fail),
            _ => self.unknown.clone().map(Status::Unknown),
        }
    }
}
