//! A small CloudFormation resolver for the IAM unit tests: enough of `Ref`,
//! `Fn::GetAtt`, `Fn::Sub`, `Fn::Join` and `Fn::If` to write the cases from
//! `../shared/cases` as JSON. The real resolver lives in `crate::resolve`.

use std::borrow::Cow;

use crate::sym::{Part, Sym};
use crate::tree::{Loc, Node, Value};

use super::policy::Policy;
use super::values::{Branch, Expansion, Guard, Values};

pub(crate) struct Cfn;

impl Values for Cfn {
    fn sym(&self, node: &Node) -> Sym {
        if let Some(s) = node.as_str() {
            return Sym::text(s);
        }
        match node.intrinsic() {
            Some(("Ref", arg)) => reference(arg.as_str().unwrap_or_default()),
            Some(("Fn::GetAtt", arg)) => get_att(arg),
            Some(("Fn::Sub", arg)) => sub(arg.as_str().unwrap_or_default()),
            Some(("Fn::Join", arg)) => self.join(arg),
            Some((name, _)) => Sym::unknown(format!("`{name}` not supported by the test resolver")),
            None => Sym::unknown("not a string"),
        }
    }

    fn expand<'a>(&self, node: &'a Node) -> Expansion<'a> {
        match node.intrinsic() {
            Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue") => {
                Expansion::Replaced(Vec::new())
            }
            Some(("Fn::If", arg)) => {
                let Some([cond, yes, no]) = arg.as_array() else {
                    return Expansion::AsIs;
                };
                let condition = cond.as_str().unwrap_or_default().to_owned();
                let arm = |holds, node| Branch {
                    guard: Some(Guard {
                        condition: condition.clone(),
                        holds,
                    }),
                    node: Cow::Borrowed(node),
                };
                Expansion::Replaced(vec![arm(true, yes), arm(false, no)])
            }
            _ => Expansion::AsIs,
        }
    }
}

impl Cfn {
    fn join(&self, arg: &Node) -> Sym {
        let Some([sep, list]) = arg.as_array() else {
            return Sym::unknown("bad Fn::Join");
        };
        let sep = sep.as_str().unwrap_or_default();
        let mut out = Sym::default();
        for (i, item) in list.as_array().unwrap_or_default().iter().enumerate() {
            if i > 0 {
                out.push(Part::Text(sep.to_owned()));
            }
            out.extend(self.sym(item));
        }
        out
    }
}

fn reference(name: &str) -> Sym {
    if name.starts_with("AWS::") {
        Sym::from_parts([Part::Pseudo(name.to_owned())])
    } else if let Some(param) = name.strip_prefix("Param") {
        Sym::unknown(format!("parameter `Param{param}` has no default"))
    } else {
        Sym::reference(name, None)
    }
}

fn get_att(arg: &Node) -> Sym {
    let (target, attr) = match (arg.as_str(), arg.as_array()) {
        (Some(dotted), _) => dotted.split_once('.').unwrap_or((dotted, "")),
        (_, Some([t, a])) => (
            t.as_str().unwrap_or_default(),
            a.as_str().unwrap_or_default(),
        ),
        _ => return Sym::unknown("bad Fn::GetAtt"),
    };
    Sym::reference(target, Some(attr))
}

fn sub(template: &str) -> Sym {
    let mut out = Sym::default();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push(Part::Text(rest[..start].to_owned()));
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + end];
        out.extend(match name.split_once('.') {
            Some((target, attr)) => Sym::reference(target, Some(attr)),
            None => reference(name),
        });
        rest = &rest[start + end + 1..];
    }
    out.push(Part::Text(rest.to_owned()));
    out
}

/// Builds a node tree from JSON, giving each node a distinct line so tests
/// can check that locations are kept.
pub(crate) fn node(json: &serde_json::Value) -> Node {
    let mut line = 0;
    numbered(json, &mut line)
}

fn numbered(json: &serde_json::Value, line: &mut u32) -> Node {
    *line += 1;
    let loc = Loc::new(*line, 1);
    match json {
        serde_json::Value::Array(items) => {
            let items = items.iter().map(|v| numbered(v, line)).collect();
            Node::new(Value::Array(items), loc)
        }
        serde_json::Value::Object(obj) => {
            let mut map = crate::tree::Map::new();
            for (k, v) in obj {
                let key = crate::tree::Key {
                    name: k.clone(),
                    loc: Loc::new(*line + 1, 1),
                };
                map.insert(key, numbered(v, line));
            }
            Node::new(Value::Object(map), loc)
        }
        other => Node::from_json(other, loc),
    }
}

/// Parses a policy written as JSON with CloudFormation intrinsics.
pub(crate) fn policy(json: serde_json::Value) -> Policy {
    Policy::parse(&node(&json), &Cfn)
}

/// A policy document with the given statements.
pub(crate) fn statements(statements: serde_json::Value) -> Policy {
    policy(serde_json::json!({"Version": "2012-10-17", "Statement": statements}))
}
