//! How the policy parser reads template values it cannot interpret itself.
//!
//! A policy inside a template is mostly plain JSON, but any string may be an
//! intrinsic (`!GetAtt Table.Arn`, `${aws_s3_bucket.site.arn}`) and any list
//! or element may be an `Fn::If`. The loaders and resolver own those
//! semantics; they reach this module through the [`Values`] trait. The
//! parser asks for a [`Sym`] for every string leaf and asks whether a node
//! stands for something else ([`Expansion`]) before it looks at its shape.

use std::borrow::Cow;
use std::fmt;

use crate::sym::Sym;
use crate::tree::{Node, Value};

/// A template condition a value depends on: the value exists only when
/// `condition` evaluates to `holds`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guard {
    pub condition: String,
    pub holds: bool,
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.condition, self.holds)
    }
}

/// One thing a node may turn into.
#[derive(Clone, Debug)]
pub struct Branch<'a> {
    /// The condition under which this branch applies, `None` when it always
    /// does (the resolver decided the condition).
    pub guard: Option<Guard>,
    pub node: Cow<'a, Node>,
}

/// What a node stands for before its shape is read.
#[derive(Clone, Debug)]
pub enum Expansion<'a> {
    /// The node is what it looks like.
    AsIs,
    /// The node is replaced by these branches: both arms of an undecided
    /// `Fn::If`, the chosen arm of a decided one, or none at all for
    /// `AWS::NoValue`. In a list every branch contributes its elements.
    Replaced(Vec<Branch<'a>>),
}

/// The resolver as the policy parser sees it.
pub trait Values {
    /// The symbolic string for a scalar: a string (which may hold Terraform
    /// interpolations), an intrinsic object, or an unknown value.
    fn sym(&self, node: &Node) -> Sym;

    /// What `node` stands for; the default takes every node as written.
    fn expand<'a>(&self, node: &'a Node) -> Expansion<'a> {
        let _ = node;
        Expansion::AsIs
    }
}

/// Plain JSON policies: strings are literal text, anything unresolved is
/// unknown. Enough for policies embedded as JSON text, and for tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct LiteralValues;

impl Values for LiteralValues {
    fn sym(&self, node: &Node) -> Sym {
        match &node.value {
            Value::String(s) => Sym::text(s.as_str()),
            Value::Unknown(reason) => Sym::unknown(reason.as_str()),
            _ => match node.intrinsic() {
                Some((name, _)) => Sym::unknown(format!("`{name}` is not resolved here")),
                None => Sym::unknown("not a string"),
            },
        }
    }
}
