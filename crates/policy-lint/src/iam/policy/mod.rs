//! A located model of an IAM policy document: identity policies, resource
//! policies (bucket, key, topic, queue) and role trust policies alike.
//!
//! [`Policy::parse`] reads a [`Node`] the way IAM reads JSON: a single
//! string or a list wherever a list is allowed, element names matched
//! without regard to case (with a [`Problem`] for the odd spelling), and a
//! bad shape recorded as a [`Problem`] instead of failing. Every string is a
//! [`Sym`], so a reference to a table's `Arn` stays that reference, and every
//! value keeps its location and the template conditions ([`Guard`]s) it
//! depends on.
//!
//! The model only records what is written; [`super::eval`] decides what it
//! means.

mod condition;
mod parse;
mod principal;
mod problem;

use crate::sym::Sym;
use crate::tree::{Loc, Node};

pub use condition::{Condition, Operator, SetQualifier, Test};
pub use principal::{Principal, PrincipalKind, Principals};
pub use problem::Problem;

use super::values::{Guard, Values};

/// A value from the policy with where it was written and the template
/// conditions under which it exists.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<T> {
    pub value: T,
    pub loc: Loc,
    pub guards: Vec<Guard>,
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub version: Option<Item<Sym>>,
    pub statements: Vec<Statement>,
    /// Parts of the document whose structure cannot be known, such as a
    /// `Statement` list taken from a parameter. Analyses report them as
    /// unknown.
    pub unknowns: Vec<Item<String>>,
    pub problems: Vec<Problem>,
    pub loc: Loc,
}

/// `Allow` or `Deny`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Not a literal `Allow` or `Deny`; the reason says why.
    Unknown(String),
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Clone, Debug, PartialEq)]
pub struct Elements {
    /// True for the `Not…` form: the statement applies to everything *except*
    /// the listed values.
    pub negated: bool,
    pub items: Vec<Item<Sym>>,
    pub loc: Loc,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Position among the policy's statements, counting both arms of a
    /// conditional statement.
    pub index: usize,
    pub sid: Option<Item<Sym>>,
    pub effect: Item<Effect>,
    /// `None` only when the statement has neither form (a [`Problem`]).
    pub actions: Option<Elements>,
    /// `None` in trust policies and other statements without a resource.
    pub resources: Option<Elements>,
    /// `None` in identity policies.
    pub principals: Option<Principals>,
    pub conditions: Vec<Condition>,
    /// Template conditions under which the statement exists at all.
    pub guards: Vec<Guard>,
    pub loc: Loc,
}

impl Policy {
    /// Reads a policy document. Never fails: whatever cannot be read is in
    /// [`Policy::problems`] or [`Policy::unknowns`].
    pub fn parse(node: &Node, values: &dyn Values) -> Policy {
        parse::policy(node, values)
    }

    /// Reads a policy given as JSON text, as Terraform writes
    /// `assume_role_policy` and `policy`. Every value gets the location
    /// `loc` of the string that held the text; strings still pass through
    /// `values`, so `${…}` interpolations inside the JSON are resolved.
    pub fn parse_json_text(text: &str, loc: Loc, values: &dyn Values) -> Policy {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => parse::policy(&Node::from_json(&json, loc), values),
            Err(err) => Policy {
                version: None,
                statements: Vec::new(),
                unknowns: Vec::new(),
                problems: vec![Problem::InvalidJson {
                    message: err.to_string(),
                    loc,
                }],
                loc,
            },
        }
    }

    /// The statements whose effect is `Allow`.
    pub fn allows(&self) -> impl Iterator<Item = &Statement> {
        self.statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
    }

    /// The statements whose effect is `Deny`.
    pub fn denies(&self) -> impl Iterator<Item = &Statement> {
        self.statements
            .iter()
            .filter(|s| s.effect.value == Effect::Deny)
    }
}

impl Statement {
    /// The `Sid` as literal text, when it is one.
    pub fn sid_text(&self) -> Option<&str> {
        self.sid.as_ref().and_then(|s| s.value.as_literal())
    }

    /// The conditions on `key` (condition keys ignore case).
    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> {
        self.conditions
            .iter()
            .filter(move |c| c.key.value.eq_ignore_ascii_case(key))
    }
}

#[cfg(test)]
mod tests;
