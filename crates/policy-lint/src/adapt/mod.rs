//! Adapters: from a loaded document to the format-neutral model.
//!
//! Adapters read values through [`Lookup`], which answers "what is this
//! value, as far as the template says?" for intrinsics and interpolations.
//! They never mutate the document.

pub(crate) mod branches;
pub mod cfn;
mod lookup;
pub(crate) mod policy_json;
pub(crate) mod read;
pub mod tf;
pub(crate) mod values;

use crate::finding::Assumption;
use crate::sym::Sym;
use crate::tree::Node;

/// Resolution of template values, as far as the template allows.
pub trait Lookup {
    /// A string-valued expression as a symbolic string.
    fn sym(&self, node: &Node) -> Sym;

    /// The value an expression evaluates to, when it evaluates to a literal
    /// (a parameter default, a mapping entry, a decided `Fn::If`); otherwise
    /// the expression with what can be evaluated evaluated.
    fn value(&self, node: &Node) -> Node;

    /// The value of a named condition, when the template decides it.
    fn condition(&self, name: &str) -> Option<bool>;

    /// The views of `node` under each combination of the conditions its
    /// `Fn::If`s test, with the condition values each assumes. The default
    /// is one view, as written.
    fn variants(&self, node: &Node) -> Vec<(Vec<Assumption>, Node)> {
        vec![(Vec::new(), node.clone())]
    }
}
