//! IAM policy analysis: the embedded action catalog, a located model of
//! policy documents, and the evaluations the IAM, public-access and TLS rules
//! are built on.
//!
//! Nothing here knows CloudFormation or Terraform: policy values arrive as
//! [`Sym`](crate::sym::Sym)s through the [`Values`] trait, so references such
//! as a table's `Arn` stay references and unknowable values stay unknown.

pub mod catalog;
pub mod eval;
pub mod glob;
pub mod policy;
pub mod values;

#[cfg(test)]
pub(crate) mod testing;

pub use catalog::{AccessLevel, Action, Catalog};
pub use policy::{Condition, Effect, Elements, Item, Policy, Principal, PrincipalKind, Statement};
pub use values::{Guard, LiteralValues, Values};
