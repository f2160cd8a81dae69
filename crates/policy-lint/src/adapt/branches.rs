//! Expansion of `Fn::If` into one view of a resource per condition choice.
//!
//! A resource whose properties depend on conditions the template cannot
//! decide is read once per combination, so a rule checks both branches and
//! its finding names the condition values it holds under. Conditions the
//! template decides are applied directly.

use std::collections::BTreeSet;

use super::Lookup;
use crate::finding::Assumption;
use crate::tree::{Map, Node, Value};

/// One view of a resource.
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub assumptions: Vec<Assumption>,
    pub node: Node,
}

/// The views of `node` for every choice of its undecided conditions. With
/// more than `max_conditions` of them, one view is returned in which the
/// undecided `Fn::If`s stay as they are (their values read as unknown).
pub(crate) fn expand(node: &Node, lookup: &dyn Lookup, max_conditions: usize) -> Vec<Variant> {
    let mut names = BTreeSet::new();
    collect_conditions(node, &mut names);
    let undecided: Vec<String> = names
        .into_iter()
        .filter(|name| lookup.condition(name).is_none())
        .collect();
    if undecided.is_empty() || undecided.len() > max_conditions {
        let node = choose(node, &|name| lookup.condition(name)).unwrap_or_else(|| null(node));
        return vec![Variant {
            assumptions: Vec::new(),
            node,
        }];
    }
    (0..1u32 << undecided.len())
        .map(|bits| {
            let assumptions: Vec<Assumption> = undecided
                .iter()
                .enumerate()
                .map(|(i, name)| Assumption {
                    condition: name.clone(),
                    value: bits & (1 << i) == 0,
                })
                .collect();
            let decide = |name: &str| {
                lookup.condition(name).or_else(|| {
                    assumptions
                        .iter()
                        .find(|a| a.condition == name)
                        .map(|a| a.value)
                })
            };
            let node = choose(node, &decide).unwrap_or_else(|| null(node));
            Variant { assumptions, node }
        })
        .collect()
}

fn null(node: &Node) -> Node {
    Node::new(Value::Null, node.loc)
}

fn collect_conditions(node: &Node, out: &mut BTreeSet<String>) {
    if let Some(("Fn::If", arg)) = node.intrinsic() {
        if let Some(name) = arg
            .as_array()
            .and_then(|a| a.first())
            .and_then(Node::as_str)
        {
            out.insert(name.to_owned());
        }
    }
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| collect_conditions(n, out)),
        Value::Object(map) => map.iter().for_each(|(_, n)| collect_conditions(n, out)),
        _ => {}
    }
}

/// Rewrites `node` with every decidable `Fn::If` replaced by its chosen
/// branch. `None` means the node is `AWS::NoValue` and disappears.
fn choose(node: &Node, decide: &dyn Fn(&str) -> Option<bool>) -> Option<Node> {
    if is_no_value(node) {
        return None;
    }
    if let Some(("Fn::If", arg)) = node.intrinsic() {
        if let Some([cond, yes, no]) = arg.as_array() {
            if let Some(value) = cond.as_str().and_then(decide) {
                return choose(if value { yes } else { no }, decide);
            }
        }
    }
    let value = match &node.value {
        Value::Array(items) => {
            Value::Array(items.iter().filter_map(|n| choose(n, decide)).collect())
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map.iter() {
                if let Some(child) = choose(child, decide) {
                    out.insert(key.clone(), child);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    };
    Some(Node::new(value, node.loc))
}

fn is_no_value(node: &Node) -> bool {
    matches!(node.intrinsic(), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
}
