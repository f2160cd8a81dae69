//! [`Lookup`] over a CloudFormation template: parameters, pseudo
//! parameters, references, `Fn::Sub`, `Fn::Join`, `Fn::Select`,
//! `Fn::FindInMap`, and conditions whose inputs are literals or parameter
//! defaults.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::Lookup;
use crate::sym::{Part, Sym};
use crate::tree::{Node, Value};

/// Conditions nest; a cycle or a very deep chain is undecided, not a hang.
const MAX_CONDITION_DEPTH: usize = 32;

/// Resolves values inside one CloudFormation template.
pub struct TemplateLookup<'t> {
    root: &'t Node,
    conditions: RefCell<BTreeMap<String, Option<bool>>>,
}

impl<'t> TemplateLookup<'t> {
    pub fn new(root: &'t Node) -> Self {
        Self {
            root,
            conditions: RefCell::new(BTreeMap::new()),
        }
    }

    fn parameter(&self, name: &str) -> Option<&'t Node> {
        self.root.pointer(&["Parameters", name])
    }

    /// A parameter's default, or an unknown value naming the parameter when
    /// it has none: the deployer chooses it, so no rule may guess.
    fn parameter_value(&self, name: &str, at: &Node) -> Option<Node> {
        let param = self.parameter(name)?;
        Some(match param.get("Default") {
            Some(default) => self.value(default),
            None => Node::new(
                Value::Unknown(format!("parameter `{name}` has no default")),
                at.loc,
            ),
        })
    }

    fn is_resource(&self, name: &str) -> bool {
        self.root.pointer(&["Resources", name]).is_some()
    }

    fn ref_sym(&self, name: &str) -> Sym {
        if name.starts_with("AWS::") {
            return Sym::from_parts([Part::Pseudo(name.to_owned())]);
        }
        if let Some(param) = self.parameter(name) {
            return match param.get("Default") {
                Some(default) => self.sym(default),
                None => Sym::unknown(format!("parameter `{name}` has no default")),
            };
        }
        if self.is_resource(name) {
            return Sym::reference(name, None);
        }
        Sym::unknown(format!("`{name}` is neither a parameter nor a resource"))
    }

    fn sub(&self, arg: &Node) -> Sym {
        let (text, vars) = match &arg.value {
            Value::String(s) => (s.as_str(), None),
            Value::Array(items) => match items.as_slice() {
                [
                    Node {
                        value: Value::String(s),
                        ..
                    },
                    vars,
                ] => (s.as_str(), vars.as_object()),
                _ => return Sym::unknown("`Fn::Sub` takes a string or [string, variables]"),
            },
            _ => return Sym::unknown("`Fn::Sub` takes a string or [string, variables]"),
        };
        let mut out = Sym::default();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push(Part::Text(rest[..start].to_owned()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push(Part::Text(rest[start..].to_owned()));
                return out;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push(Part::Text(format!("${{{literal}}}")));
            } else if let Some(value) = vars.and_then(|v| v.get(name)) {
                out.extend(self.sym(value));
            } else if let Some((res, attr)) = name.split_once('.') {
                out.extend(self.getatt(res, attr));
            } else {
                out.extend(self.ref_sym(name));
            }
            rest = &after[end + 1..];
        }
        out.push(Part::Text(rest.to_owned()));
        out
    }

    fn getatt(&self, resource: &str, attribute: &str) -> Sym {
        if self.is_resource(resource) {
            Sym::reference(resource, Some(attribute))
        } else {
            Sym::unknown(format!(
                "`Fn::GetAtt` names `{resource}`, which is not a resource"
            ))
        }
    }

    fn getatt_arg(&self, arg: &Node) -> Sym {
        match &arg.value {
            Value::String(s) => match s.split_once('.') {
                Some((res, attr)) => self.getatt(res, attr),
                None => Sym::unknown("`Fn::GetAtt` needs a resource and an attribute"),
            },
            Value::Array(items) => match items.as_slice() {
                [res, attr] => match (res.as_str(), self.value(attr).as_str()) {
                    (Some(res), Some(attr)) => self.getatt(res, attr),
                    _ => Sym::unknown("`Fn::GetAtt` attribute does not resolve"),
                },
                _ => Sym::unknown("`Fn::GetAtt` needs a resource and an attribute"),
            },
            _ => Sym::unknown("`Fn::GetAtt` needs a resource and an attribute"),
        }
    }

    fn join(&self, arg: &Node) -> Sym {
        let Some([sep, list]) = arg.as_array() else {
            return Sym::unknown("`Fn::Join` takes [separator, list]");
        };
        let (Some(sep), list) = (sep.as_str(), self.value(list)) else {
            return Sym::unknown("`Fn::Join` separator is not a string");
        };
        let Some(items) = list.as_array() else {
            return Sym::unknown("`Fn::Join` list does not resolve");
        };
        let mut out = Sym::default();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(Part::Text(sep.to_owned()));
            }
            out.extend(self.sym(item));
        }
        out
    }

    fn select(&self, arg: &Node) -> Option<Node> {
        let [index, list] = arg.as_array()? else {
            return None;
        };
        let index = self.value(index);
        let index: usize = match &index.value {
            Value::Number(n) | Value::String(n) => n.parse().ok()?,
            _ => return None,
        };
        let list = self.value(list);
        list.as_array()?.get(index).map(|n| self.value(n))
    }

    fn find_in_map(&self, arg: &Node) -> Option<Node> {
        let items = arg.as_array()?;
        let [map, top, second, ..] = items else {
            return None;
        };
        let key = |n: &Node| self.sym(n).as_literal().map(str::to_owned);
        let found = self
            .root
            .pointer(&["Mappings", &key(map)?, &key(top)?, &key(second)?]);
        match found {
            Some(node) => Some(self.value(node)),
            // The `DefaultValue` form of AWS::LanguageExtensions.
            None => items
                .get(3)
                .and_then(|d| d.get("DefaultValue"))
                .map(|n| self.value(n)),
        }
    }

    fn eval_condition(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > MAX_CONDITION_DEPTH {
            return None;
        }
        let (name, arg) = node.intrinsic()?;
        let args = arg.as_array();
        match name {
            "Condition" => self.named_condition(arg.as_str()?, depth + 1),
            "Fn::Not" => Some(!self.eval_condition(args?.first()?, depth + 1)?),
            "Fn::And" => fold(args?, |c| self.eval_condition(c, depth + 1), true),
            "Fn::Or" => fold(args?, |c| self.eval_condition(c, depth + 1), false),
            "Fn::Equals" => {
                let [a, b] = args? else { return None };
                let (a, b) = (self.sym(a), self.sym(b));
                Some(a.as_literal()? == b.as_literal()?)
            }
            _ => None,
        }
    }

    fn named_condition(&self, name: &str, depth: usize) -> Option<bool> {
        if let Some(known) = self.conditions.borrow().get(name) {
            return *known;
        }
        // Mark as undecided while evaluating, so a cycle ends.
        self.conditions.borrow_mut().insert(name.to_owned(), None);
        let value = self
            .root
            .pointer(&["Conditions", name])
            .and_then(|c| self.eval_condition(c, depth));
        self.conditions.borrow_mut().insert(name.to_owned(), value);
        value
    }
}

/// `And`/`Or` with short-circuiting: one decisive operand decides even when
/// others are unknown.
fn fold(items: &[Node], eval: impl Fn(&Node) -> Option<bool>, identity: bool) -> Option<bool> {
    let mut all_known = true;
    for item in items {
        match eval(item) {
            Some(v) if v != identity => return Some(v),
            Some(_) => {}
            None => all_known = false,
        }
    }
    all_known.then_some(identity)
}

impl Lookup for TemplateLookup<'_> {
    fn sym(&self, node: &Node) -> Sym {
        match &node.value {
            Value::String(s) => return Sym::text(s.clone()),
            Value::Number(n) => return Sym::text(n.clone()),
            Value::Bool(b) => return Sym::text(b.to_string()),
            Value::Unknown(reason) => return Sym::unknown(reason.clone()),
            _ => {}
        }
        let Some((name, arg)) = node.intrinsic() else {
            return Sym::unknown("a list or object where a string belongs");
        };
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.ref_sym(target),
                None => Sym::unknown("`Ref` takes a name"),
            },
            "Fn::GetAtt" => self.getatt_arg(arg),
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => self.join(arg),
            "Fn::ImportValue" => Sym::unknown("`Fn::ImportValue` is known only after deployment"),
            _ => {
                let value = self.value(node);
                if value.intrinsic().is_some() || value == *node {
                    Sym::unknown(format!("`{name}` cannot be resolved statically"))
                } else {
                    self.sym(&value)
                }
            }
        }
    }

    fn value(&self, node: &Node) -> Node {
        let Some((name, arg)) = node.intrinsic() else {
            return node.clone();
        };
        let resolved = match name {
            "Ref" => arg.as_str().and_then(|p| self.parameter_value(p, node)),
            "Fn::ImportValue" => Some(Node::new(
                Value::Unknown("`Fn::ImportValue` is known only after deployment".to_owned()),
                node.loc,
            )),
            "Fn::Select" => self.select(arg),
            "Fn::FindInMap" => self.find_in_map(arg),
            "Fn::If" => match arg.as_array() {
                Some([cond, yes, no]) => cond
                    .as_str()
                    .and_then(|c| self.condition(c))
                    .map(|v| self.value(if v { yes } else { no })),
                _ => None,
            },
            "Fn::Sub" | "Fn::Join" => {
                let sym = self.sym(node);
                sym.as_literal().map(|s| Node::string(s, node.loc))
            }
            _ => None,
        };
        resolved.unwrap_or_else(|| node.clone())
    }

    fn condition(&self, name: &str) -> Option<bool> {
        self.named_condition(name, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Loc;

    fn lookup_for(json: serde_json::Value) -> Node {
        Node::from_json(&json, Loc::default())
    }

    #[test]
    fn sub_resolves_references_attributes_and_escapes() {
        let root = lookup_for(serde_json::json!({
            "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
            "Resources": {"Table": {"Type": "AWS::DynamoDB::Table"}}
        }));
        let lookup = TemplateLookup::new(&root);
        let node = Node::from_json(
            &serde_json::json!({"Fn::Sub": "${Table.Arn}/index/*-${Env}-${!Literal}-${AWS::Region}"}),
            Loc::default(),
        );
        assert_eq!(
            lookup.sym(&node).to_string(),
            "${Table.Arn}/index/*-dev-${Literal}-${AWS::Region}"
        );
    }

    #[test]
    fn conditions_decide_from_parameter_defaults_and_stay_open_otherwise() {
        let root = lookup_for(serde_json::json!({
            "Parameters": {
                "Env": {"Type": "String", "Default": "prod"},
                "Free": {"Type": "String"}
            },
            "Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "IsFree": {"Fn::Equals": [{"Ref": "Free"}, "yes"]},
                "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsFree"}]},
                "Loop": {"Fn::Not": [{"Condition": "Loop"}]}
            }
        }));
        let lookup = TemplateLookup::new(&root);
        assert_eq!(lookup.condition("IsProd"), Some(true));
        assert_eq!(lookup.condition("IsFree"), None);
        assert_eq!(lookup.condition("Either"), Some(true));
        assert_eq!(lookup.condition("Loop"), None);
    }

    #[test]
    fn values_the_template_cannot_know_are_unknown_with_the_reason() {
        let root = lookup_for(serde_json::json!({"Parameters": {"Free": {"Type": "String"}}}));
        let lookup = TemplateLookup::new(&root);
        let value = |json| lookup.value(&Node::from_json(&json, Loc::default())).value;
        assert_eq!(
            value(serde_json::json!({"Ref": "Free"})),
            Value::Unknown("parameter `Free` has no default".to_owned())
        );
        assert!(matches!(
            value(serde_json::json!({"Fn::ImportValue": "shared-arn"})),
            Value::Unknown(_)
        ));
    }
}
