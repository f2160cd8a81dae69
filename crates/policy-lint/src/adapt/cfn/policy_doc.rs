//! Policy documents as CloudFormation writes them. A `Json`-typed property
//! takes an object or the same document as JSON text, so a string is read
//! as the document it holds (located at the string), and so is an
//! intrinsic that resolves to one (`Fn::Join` of literals, a parameter
//! default). JSON text built from values known only at deploy time is
//! unknown; text that is not a JSON object, or a value that is neither an
//! object nor a string, cannot be a policy.
//!
//! An `Fn::If` keeps its shape with each arm read this way, so the policy
//! parser still sees both arms under their conditions.

use super::ResourceCx;
use crate::adapt::policy_json::{Doc, parse_text};
use crate::tree::{Node, Value};

/// `Fn::If`s nested deeper than this are left for the policy parser.
const MAX_NESTING: usize = 8;

/// The document `node` holds, as the IAM policy parser reads it; a value
/// that cannot be a policy is passed to `report` and is unknown.
pub(super) fn in_place(cx: &ResourceCx<'_>, node: &Node, report: &mut dyn FnMut(&str)) -> Node {
    in_place_at(cx, node, report, 0)
}

fn in_place_at(
    cx: &ResourceCx<'_>,
    node: &Node,
    report: &mut dyn FnMut(&str),
    depth: usize,
) -> Node {
    if let Some(("Fn::If", arg)) = node.intrinsic() {
        if let Some([cond, yes, no]) = arg.as_array().filter(|_| depth < MAX_NESTING) {
            let arms = vec![
                cond.clone(),
                in_place_at(cx, yes, report, depth + 1),
                in_place_at(cx, no, report, depth + 1),
            ];
            let mut rebuilt = node.clone();
            if let Value::Object(map) = &mut rebuilt.value {
                if let Some(slot) = map.get_mut("Fn::If") {
                    *slot = Node::new(Value::Array(arms), arg.loc);
                }
            }
            return rebuilt;
        }
    }
    document(cx, node).into_node(node.loc, |message| report(message))
}

/// What one value (not an `Fn::If`) holds.
fn document(cx: &ResourceCx<'_>, node: &Node) -> Doc {
    match (&node.value, node.intrinsic()) {
        (Value::Object(_), None) => Doc::Known(node.clone()),
        // The parser drops a document that is not there.
        (_, Some(("Ref", arg))) if arg.as_str() == Some("AWS::NoValue") => Doc::Known(node.clone()),
        (_, Some((name, _))) => resolved(cx, name, node),
        (Value::String(text), _) => text_document(text, node),
        (Value::Unknown(reason), _) => Doc::Unknown(reason.clone()),
        _ => Doc::Invalid("a policy must be a JSON object or a string holding one".to_owned()),
    }
}

/// An intrinsic in place of the document: read what it resolves to.
fn resolved(cx: &ResourceCx<'_>, name: &str, node: &Node) -> Doc {
    let value = cx.reader.resolver().value(node);
    match (&value.value, value.intrinsic()) {
        (Value::Object(_), None) => Doc::Known(value),
        (Value::String(text), _) => text_document(text, node),
        (Value::Unknown(reason), _) => Doc::Unknown(reason.clone()),
        _ => match cx.reader.resolver().sym(&value).unknown_reason() {
            Some(reason) => Doc::Unknown(format!("the policy JSON cannot be read: {reason}")),
            None => Doc::Unknown(format!(
                "the policy JSON comes from `{name}` and is known only when the stack deploys"
            )),
        },
    }
}

/// JSON text, located at the node that held it.
fn text_document(text: &str, at: &Node) -> Doc {
    match parse_text(text, at.loc) {
        Ok(doc) => Doc::Known(doc),
        Err(message) => Doc::Invalid(message),
    }
}
