//! The variants of a value under the conditions its `Fn::If`s test.
//!
//! CloudFormation picks one side of every `Fn::If` at deploy time, and a
//! condition that depends on a parameter may go either way whatever the
//! default says. So a value is checked once per combination of the
//! conditions it tests: for each consistent combination, a copy with every
//! decided `Fn::If` replaced by its chosen side and `AWS::NoValue` removed.
//! Conditions that are constant (they read no parameter) are not
//! enumerated. Past [`super::ResolveLimits::max_branches`] combinations the
//! remaining conditions stay as `Fn::If` in every variant, for the rule to
//! treat as unknown.

use super::strings::is_no_value;
use super::{Resolver, Tri};
use crate::tree::{Map, Node, Value};

/// One variant of a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The condition values this variant assumes, in the order the
    /// conditions first appear; empty when the value tests none.
    pub assumptions: Vec<(String, bool)>,
    /// The value with the decided `Fn::If`s replaced by their chosen side.
    /// A value that is `AWS::NoValue` in this variant stays
    /// `{"Ref": "AWS::NoValue"}`.
    pub node: Node,
}

impl Branch {
    /// `Name=true, Other=false`, for messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .assumptions
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        parts.join(", ")
    }
}

impl Resolver {
    /// The variants of `node` (see the module doc), ordered like a truth
    /// table: the first condition varies slowest, true before false.
    pub fn branches(&self, node: &Node) -> Vec<Branch> {
        let mut names = Vec::new();
        self.tested_conditions(node, &mut names);
        names.retain(|name| self.condition_assuming(name, &[]) == Tri::Unknown);
        let fit = usize::BITS - 1 - self.limits().max_branches.max(1).leading_zeros();
        names.truncate(fit as usize);
        let mut out = Vec::new();
        for mask in 0..1u64 << names.len() {
            let assumptions: Vec<(String, bool)> = names
                .iter()
                .enumerate()
                .map(|(i, name)| (name.clone(), mask & (1 << (names.len() - 1 - i)) == 0))
                .collect();
            if self.consistent(&assumptions) {
                let node = self.choose(node, &assumptions);
                out.push(Branch { assumptions, node });
            }
        }
        out
    }

    /// The variants of a resource under which it exists: like
    /// [`Resolver::branches`] of its whole object, with its own `Condition`
    /// assumed true (and named, when it may go either way). Empty when the
    /// resource can never be created.
    pub fn resource_branches(&self, resource: &super::Resource<'_>) -> Vec<Branch> {
        let Some(own) = resource.condition else {
            return self.branches(resource.node);
        };
        let free = self.condition_assuming(own, &[]);
        let mut out = Vec::new();
        for mut branch in self.branches(resource.node) {
            match branch.assumptions.iter().find(|(n, _)| n == own) {
                Some((_, false)) => continue,
                Some((_, true)) => {}
                None if free == Tri::Unknown => branch.assumptions.push((own.to_owned(), true)),
                None => {}
            }
            let holds = self.condition_assuming(own, &branch.assumptions) != Tri::False;
            if holds && self.consistent(&branch.assumptions) {
                out.push(branch);
            }
        }
        out
    }

    /// Condition names tested by `Fn::If`s in `node`, first use first.
    fn tested_conditions(&self, node: &Node, names: &mut Vec<String>) {
        if let Some(("Fn::If", arg)) = node.intrinsic() {
            let name = arg
                .as_array()
                .and_then(|a| a.first())
                .and_then(Node::as_str);
            if let Some(name) = name.filter(|n| !names.iter().any(|x| x == n)) {
                names.push(name.to_owned());
            }
        }
        match &node.value {
            Value::Array(items) => items.iter().for_each(|n| self.tested_conditions(n, names)),
            Value::Object(map) => map
                .iter()
                .for_each(|(_, n)| self.tested_conditions(n, names)),
            _ => {}
        }
    }

    fn choose(&self, node: &Node, assumptions: &[(String, bool)]) -> Node {
        self.choose_in(node, assumptions, false)
    }

    /// `keep_no_value` is set for the direct argument of an intrinsic, where
    /// positions matter (an undecided `Fn::If` keeps both of its sides).
    fn choose_in(&self, node: &Node, assumptions: &[(String, bool)], keep_no_value: bool) -> Node {
        if let Some(("Fn::If", arg)) = node.intrinsic() {
            if let Some([condition, then, otherwise]) = arg.as_array() {
                let name = condition.as_str().unwrap_or_default();
                match self.condition_assuming(name, assumptions) {
                    Tri::True => return self.choose_in(then, assumptions, keep_no_value),
                    Tri::False => return self.choose_in(otherwise, assumptions, keep_no_value),
                    Tri::Unknown => {}
                }
            }
        }
        let is_intrinsic = node.intrinsic().is_some();
        let value = match &node.value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|n| self.choose_in(n, assumptions, false))
                    .filter(|n| keep_no_value || !is_no_value(n))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(self.choose_map(map, assumptions, is_intrinsic)),
            other => other.clone(),
        };
        Node::new(value, node.loc)
    }

    fn choose_map(&self, map: &Map, assumptions: &[(String, bool)], intrinsic: bool) -> Map {
        let mut out = Map::new();
        for (key, value) in map.iter() {
            let chosen = self.choose_in(value, assumptions, intrinsic);
            if intrinsic || !is_no_value(&chosen) {
                out.insert(key.clone(), chosen);
            }
        }
        out
    }
}
