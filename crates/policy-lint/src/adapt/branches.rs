//! One view of a resource per choice of the conditions its `Fn::If`s test,
//! so rules check both branches and a finding can name the condition values
//! it holds under.

use super::Lookup;
use crate::finding::Assumption;
use crate::tree::{Node, Value};

/// One view of a resource.
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub assumptions: Vec<Assumption>,
    pub node: Node,
}

/// The views of `node`. A view in which the whole resource body is
/// `AWS::NoValue` reads as an empty body.
pub(crate) fn expand(node: &Node, lookup: &dyn Lookup) -> Vec<Variant> {
    lookup
        .variants(node)
        .into_iter()
        .map(|(assumptions, node)| {
            let node = if node.intrinsic().is_some_and(|(name, _)| name == "Ref") {
                Node::new(Value::Null, node.loc)
            } else {
                node
            };
            Variant { assumptions, node }
        })
        .collect()
}
