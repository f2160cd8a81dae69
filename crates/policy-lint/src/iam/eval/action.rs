//! What an `Action` value names: everything, a whole service, a wildcard
//! within a service, one action, or something the catalog does not know.

use crate::sym::Sym;

use super::super::catalog::{Action, Catalog, Service};
use super::super::glob;

/// An `Action` / `NotAction` value read against the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionPattern<'c> {
    /// `*` (or `*:*`): every action of every service.
    All,
    /// `s3:*`: every action of one service.
    Service(&'c Service),
    /// A pattern with `*` or `?` inside a service (`s3:Get*`) or across
    /// services (`*:GetObject`), with what it expands to.
    Partial(Vec<&'c Action>),
    /// One action by name.
    Literal(&'c Action),
    /// A name, or a pattern matching nothing, the catalog does not know:
    /// a typo, or an action newer than the catalog.
    NotInCatalog(String),
    /// The value is not literal text; the reason says why.
    Unresolved(String),
}

impl<'c> ActionPattern<'c> {
    /// Reads one `Action` value.
    pub fn classify(sym: &Sym, catalog: &'c Catalog) -> ActionPattern<'c> {
        let Some(text) = sym.as_literal() else {
            let reason = sym.unknown_reason().map_or_else(
                || format!("action `{sym}` is built from a template value"),
                str::to_owned,
            );
            return ActionPattern::Unresolved(reason);
        };
        classify_text(text.trim(), catalog)
    }

    /// The actions the pattern stands for. Empty for unknown names.
    pub fn actions(&self, catalog: &'c Catalog) -> Vec<&'c Action> {
        match self {
            ActionPattern::All => catalog.actions().collect(),
            ActionPattern::Service(service) => service.actions().iter().collect(),
            ActionPattern::Partial(actions) => actions.clone(),
            ActionPattern::Literal(action) => vec![action],
            ActionPattern::NotInCatalog(_) | ActionPattern::Unresolved(_) => Vec::new(),
        }
    }

    /// True for the patterns that contain a wildcard.
    pub fn is_wildcard(&self) -> bool {
        matches!(
            self,
            ActionPattern::All | ActionPattern::Service(_) | ActionPattern::Partial(_)
        )
    }

    /// Whether `action` is among the actions the pattern stands for.
    pub fn includes(&self, action: &Action) -> bool {
        match self {
            ActionPattern::All => true,
            ActionPattern::Service(service) => service.prefix == action.prefix,
            ActionPattern::Partial(actions) => actions.contains(&action),
            ActionPattern::Literal(literal) => *literal == action,
            ActionPattern::NotInCatalog(_) | ActionPattern::Unresolved(_) => false,
        }
    }
}

fn classify_text<'c>(text: &str, catalog: &'c Catalog) -> ActionPattern<'c> {
    let only_stars = |s: &str| !s.is_empty() && s.bytes().all(|b| b == b'*');
    let (prefix, name) = text.split_once(':').unwrap_or((text, ""));
    if only_stars(text) || (only_stars(prefix) && only_stars(name)) {
        return ActionPattern::All;
    }
    let service = (!glob::has_wildcard(prefix))
        .then(|| catalog.service(prefix))
        .flatten();
    if let Some(service) = service.filter(|_| only_stars(name)) {
        return ActionPattern::Service(service);
    }
    if !glob::has_wildcard(text) {
        return catalog.action(text).map_or_else(
            || ActionPattern::NotInCatalog(text.to_owned()),
            ActionPattern::Literal,
        );
    }
    match catalog.expand(text) {
        expanded if expanded.is_empty() => ActionPattern::NotInCatalog(text.to_owned()),
        expanded => ActionPattern::Partial(expanded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sym::Part;

    fn classify(text: &str) -> ActionPattern<'static> {
        ActionPattern::classify(&Sym::text(text), Catalog::embedded())
    }

    #[test]
    fn kinds_of_action_values() {
        assert_eq!(classify("*"), ActionPattern::All);
        assert_eq!(classify("*:*"), ActionPattern::All);
        assert!(matches!(classify("s3:*"), ActionPattern::Service(s) if s.prefix == "s3"));
        assert!(matches!(classify("S3:**"), ActionPattern::Service(_)));
        assert!(matches!(classify("s3:Get*"), ActionPattern::Partial(a) if a.len() > 30));
        assert!(
            matches!(classify("iam:passrole"), ActionPattern::Literal(a) if a.name == "PassRole")
        );
        assert_eq!(
            classify("s3:GetObjekt"),
            ActionPattern::NotInCatalog("s3:GetObjekt".into())
        );
        assert_eq!(
            classify("nosuch:*"),
            ActionPattern::NotInCatalog("nosuch:*".into())
        );
        assert_eq!(
            classify("s3:Zzz*"),
            ActionPattern::NotInCatalog("s3:Zzz*".into())
        );
        assert_eq!(
            classify("s3GetObject"),
            ActionPattern::NotInCatalog("s3GetObject".into())
        );
    }

    #[test]
    fn template_values_are_unresolved() {
        let built = Sym::from_parts([
            Part::Ref {
                target: "Svc".into(),
                attribute: None,
            },
            Part::Text(":GetObject".into()),
        ]);
        let pattern = ActionPattern::classify(&built, Catalog::embedded());
        assert!(matches!(pattern, ActionPattern::Unresolved(r) if r.contains("${Svc}")));
        let unknown = ActionPattern::classify(&Sym::unknown("no default"), Catalog::embedded());
        assert_eq!(unknown, ActionPattern::Unresolved("no default".into()));
    }
}
