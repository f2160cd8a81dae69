//! [`Lookup`] for CloudFormation, on the template [`Resolver`].

use super::Lookup;
use crate::finding::Assumption;
use crate::resolve::Resolver;
use crate::sym::Sym;
use crate::tree::Node;

impl Lookup for Resolver {
    fn sym(&self, node: &Node) -> Sym {
        Resolver::sym(self, node)
    }

    fn value(&self, node: &Node) -> Node {
        self.resolve_tree(node)
    }

    fn condition(&self, name: &str) -> Option<bool> {
        Resolver::condition(self, name).known()
    }

    fn variants(&self, node: &Node) -> Vec<(Vec<Assumption>, Node)> {
        self.branches(node)
            .into_iter()
            .map(|branch| {
                let assumptions = branch
                    .assumptions
                    .into_iter()
                    .map(|(condition, value)| Assumption { condition, value })
                    .collect();
                (assumptions, branch.node)
            })
            .collect()
    }
}
