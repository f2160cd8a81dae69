//! Evaluating a whole tree as far as the template allows (`decode
//! --resolve`).
//!
//! Parameter defaults, mappings, conditions (with defaults), `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::ToJsonString` and
//! `Fn::Length` are worked out; `AWS::NoValue` removes its key or list
//! element. What depends on something unknown stays an intrinsic with its
//! arguments resolved: references to resources and pseudo parameters,
//! parameters without defaults, imports, `Fn::GetAZs`, `Fn::Cidr`, and
//! `Fn::Base64` (kept so the text stays readable).

use super::strings::{is_no_value, sub_parts};
use super::sub::{Segment, escape, segments};
use super::{Resolver, Tri};
use crate::tree::{Key, Map, Node, Value};

impl Resolver {
    /// `node` with everything evaluable evaluated (see the module doc). A
    /// node that is `AWS::NoValue` itself is returned unchanged.
    pub fn resolve_tree(&self, node: &Node) -> Node {
        self.resolve_in(node, false)
    }

    /// The whole expanded template resolved, without the resources and
    /// outputs whose `Condition` is false with parameter defaults.
    pub fn resolved_template(&self) -> Node {
        let mut root = self.resolve_tree(self.template());
        for section in ["Resources", "Outputs"] {
            if let Some(Value::Object(map)) = root.get_mut(section).map(|n| &mut n.value) {
                let dropped: Vec<String> = map
                    .iter()
                    .filter(|(_, body)| self.excluded(body))
                    .map(|(key, _)| key.name.clone())
                    .collect();
                for name in dropped {
                    map.remove(&name);
                }
            }
        }
        root
    }

    fn excluded(&self, body: &Node) -> bool {
        let condition = body.get("Condition").and_then(Node::as_str);
        condition.is_some_and(|name| self.condition(name) == Tri::False)
    }

    fn resolve_in(&self, node: &Node, keep_no_value: bool) -> Node {
        let Some(_guard) = self.enter() else {
            return node.clone();
        };
        if let Some((name, arg)) = node.intrinsic() {
            if let Some(value) = self.evaluate(name, arg, node) {
                return value;
            }
            let arg = self.resolve_in(arg, true);
            return with_argument(node, arg);
        }
        let value = match &node.value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|n| self.resolve_in(n, false))
                    .filter(|n| keep_no_value || !is_no_value(n))
                    .collect(),
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, value) in map.iter() {
                    let value = self.resolve_in(value, false);
                    if !is_no_value(&value) {
                        out.insert(key.clone(), value);
                    }
                }
                Value::Object(out)
            }
            other => other.clone(),
        };
        Node::new(value, node.loc)
    }

    /// The value of an intrinsic call, or `None` to keep the call.
    fn evaluate(&self, name: &str, arg: &Node, node: &Node) -> Option<Node> {
        match name {
            "Ref" => self.known_parameter(arg.as_str()?, node),
            "Fn::If" => {
                let [condition, then, otherwise] = arg.as_array()? else {
                    return None;
                };
                match self.condition(condition.as_str()?) {
                    Tri::True => Some(self.resolve_in(then, false)),
                    Tri::False => Some(self.resolve_in(otherwise, false)),
                    Tri::Unknown => None,
                }
            }
            "Fn::Sub" => self.resolve_sub(arg, node),
            "Fn::Select" => self.select(arg).ok().map(|n| self.resolve_in(&n, false)),
            "Fn::FindInMap" => self
                .find_in_map(arg)
                .ok()
                .map(|n| self.resolve_in(&n, false)),
            "Fn::Split" => self.literal_list(node),
            "Fn::GetAtt" => self.get_att_names(arg, node),
            "Fn::Join" | "Fn::ToJsonString" => self.literal(node),
            "Fn::Length" => self
                .list(arg)
                .ok()
                .map(|items| Node::new(Value::Number(items.len().to_string()), node.loc)),
            _ => None,
        }
    }

    fn known_parameter(&self, name: &str, node: &Node) -> Option<Node> {
        let param = self.parameter(name).filter(|p| !p.is_ssm())?;
        let default = param.default.as_ref()?;
        match default.as_str() {
            Some(text) if param.is_list() => {
                let items = text.split(',').map(|s| Node::string(s, node.loc)).collect();
                Some(Node::new(Value::Array(items), node.loc))
            }
            _ => Some(Node::new(default.value.clone(), node.loc)),
        }
    }

    fn literal(&self, node: &Node) -> Option<Node> {
        let sym = self.sym(node);
        Some(Node::string(sym.as_literal()?, node.loc))
    }

    fn literal_list(&self, node: &Node) -> Option<Node> {
        let items = self.list(node).ok()?;
        let strings: Option<Vec<Node>> = items.iter().map(|i| self.literal(i)).collect();
        Some(Node::new(Value::Array(strings?), node.loc))
    }

    /// `Fn::GetAtt` with its names worked out (`[!Sub "Log${Name}", Arn]`
    /// inside a `Fn::ForEach`), always in list form.
    fn get_att_names(&self, arg: &Node, node: &Node) -> Option<Node> {
        let names: Vec<Node> = match (&arg.value, arg.as_array()) {
            (Value::String(s), _) => {
                let (r, a) = s.split_once('.')?;
                vec![Node::string(r, arg.loc), Node::string(a, arg.loc)]
            }
            (_, Some([r, a])) => vec![self.literal(r)?, self.literal(a)?],
            _ => return None,
        };
        Some(with_argument(node, Node::new(Value::Array(names), arg.loc)))
    }

    /// Substitutes every variable that is known; a plain string when all are.
    fn resolve_sub(&self, arg: &Node, node: &Node) -> Option<Node> {
        let (template, vars) = sub_parts(arg)?;
        let (mut plain, mut rewritten, mut open) = (String::new(), String::new(), false);
        for segment in segments(template) {
            match segment {
                Segment::Text(text) => {
                    rewritten.push_str(&escape(&text));
                    plain.push_str(&text);
                }
                Segment::Var(name) => match self.sub_var(name, vars).as_literal() {
                    Some(text) => {
                        rewritten.push_str(&escape(text));
                        plain.push_str(text);
                    }
                    None => {
                        open = true;
                        rewritten.push_str(&format!("${{{name}}}"));
                    }
                },
            }
        }
        if !open {
            return Some(Node::string(plain, node.loc));
        }
        let template = Node::string(rewritten, arg.loc);
        let arg = match vars {
            Some(_) => {
                let vars = arg.as_array().and_then(|a| a.get(1))?;
                Node::new(
                    Value::Array(vec![template, self.resolve_in(vars, false)]),
                    arg.loc,
                )
            }
            None => template,
        };
        Some(with_argument(node, arg))
    }
}

/// A copy of the one-key intrinsic `node` with a new argument.
fn with_argument(node: &Node, arg: Node) -> Node {
    let Some((key, _)) = node.as_object().and_then(Map::single) else {
        return node.clone();
    };
    let mut map = Map::new();
    map.insert(
        Key {
            name: key.name.clone(),
            loc: key.loc,
        },
        arg,
    );
    Node::new(Value::Object(map), node.loc)
}
