//! Action names the catalog does not know: usually a typo, which makes an
//! `Allow` useless and, worse, a `Deny` silently ineffective.

use crate::sym::Sym;

use super::super::catalog::Catalog;
use super::super::policy::{Effect, Policy};
use super::action::ActionPattern;
use super::site::Site;

/// An action value that names nothing in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAction {
    pub site: Site,
    pub action: Sym,
    pub effect: Effect,
    /// Whether the service prefix itself is known; when it is, the action
    /// name is most likely misspelt.
    pub service_known: bool,
}

/// Every action value, in any statement, that the catalog does not know.
pub fn unknown_actions(policy: &Policy, catalog: &Catalog) -> Vec<UnknownAction> {
    let mut out = Vec::new();
    for statement in &policy.statements {
        let Some(actions) = &statement.actions else {
            continue;
        };
        for item in &actions.items {
            let ActionPattern::NotInCatalog(text) = ActionPattern::classify(&item.value, catalog)
            else {
                continue;
            };
            let prefix = text.split_once(':').map_or("", |(p, _)| p);
            out.push(UnknownAction {
                site: Site::item(statement, item),
                action: item.value.clone(),
                effect: statement.effect.value.clone(),
                service_known: catalog.service(prefix).is_some(),
            });
        }
    }
    out
}
