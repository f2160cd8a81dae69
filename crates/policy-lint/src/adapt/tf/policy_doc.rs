//! Policy documents in the JSON policy shape, from however Terraform
//! writes them: a JSON string (located at the string), `jsonencode(…)` of
//! an object, a reference to an `aws_iam_policy_document` data source
//! (built from its `statement` blocks and its source and override
//! documents), or a variable or local holding one of those (a local is read
//! as written, so a `jsonencode(…)` in it keeps its structure).
//!
//! The strings in a document stay templates: `"${aws_s3_bucket.site.arn}/*"`
//! is read with the lookup like every other value. Anything that cannot be
//! read is unknown with the reason; a policy string that is not JSON at all
//! is an input problem.

use super::Cx;
use super::expr::{self, Expr};
use super::lookup::not_literal_reason;
use super::source::{TfResource, blocks};
use super::template;
use crate::adapt::Lookup;
pub(crate) use crate::adapt::policy_json::Doc;
use crate::adapt::policy_json::parse_text;
use crate::sym::Part;
use crate::tree::{Key, Loc, Map, Node, Value};

/// Documents made of documents nest; past this depth they are unknown.
const MAX_NESTING: usize = 8;

/// The document a policy argument holds.
pub(crate) fn document(cx: &Cx<'_, '_>, node: &Node) -> Doc {
    document_at(cx, node, 0)
}

fn document_at(cx: &Cx<'_, '_>, node: &Node, depth: usize) -> Doc {
    if depth > MAX_NESTING {
        return Doc::Unknown("policy documents refer to each other too deeply".to_owned());
    }
    match &node.value {
        Value::Unknown(reason) => Doc::Unknown(reason.clone()),
        Value::Object(_) => Doc::Known(node.clone()),
        Value::String(text) => match template::single_interpolation(text) {
            Some(e) => from_expression(cx, &expr::parse(e), node, depth),
            None => parse_json(text, node.loc),
        },
        _ => Doc::Invalid("a policy must be a JSON string".to_owned()),
    }
}

fn from_expression(cx: &Cx<'_, '_>, e: &Expr<'_>, node: &Node, depth: usize) -> Doc {
    if let Expr::Call("jsonencode", args) = e {
        if let [arg] = args.as_slice() {
            return Doc::Known(cx.lookup.eval(arg, node.loc));
        }
    }
    // A local is read as the document it holds, not evaluated first: a
    // `jsonencode(…)` with references in it has no literal value, but it
    // has a structure.
    if let Expr::Traversal(steps) = e {
        if let Some(written) = cx.lookup.local_as_written(steps) {
            return document_at(cx, written, depth + 1);
        }
    }
    let sym = cx.lookup.sym(node);
    if let [
        Part::Ref {
            target,
            attribute: Some(attr),
        },
    ] = sym.parts()
    {
        if target.contains("data.") && (attr == "json" || attr == "minified_json") {
            return data_document(cx, target, depth);
        }
    }
    let value = cx.lookup.expand(node);
    match &value.value {
        Value::Unknown(reason) => Doc::Unknown(reason.clone()),
        Value::String(t) if template::single_interpolation(t).is_some() => {
            Doc::Unknown(not_literal_reason(&cx.lookup.sym(&value)))
        }
        _ => document_at(cx, &value, depth + 1),
    }
}

fn parse_json(text: &str, loc: Loc) -> Doc {
    match parse_text(text, loc) {
        Ok(doc) => Doc::Known(doc),
        Err(_) if template::is_dynamic(text) => {
            Doc::Unknown("the policy JSON is assembled from expressions".to_owned())
        }
        Err(message) => Doc::Invalid(message),
    }
}

fn data_document(cx: &Cx<'_, '_>, address: &str, depth: usize) -> Doc {
    let Some(data) = cx.source.data_source(address) else {
        return Doc::Unknown(format!("`{address}` is not declared here"));
    };
    if data.ty != "aws_iam_policy_document" {
        return Doc::Unknown(format!("`{address}` is read only when Terraform runs"));
    }
    // A plan may already hold the rendered document.
    if let Some(json) = data.body.get("json") {
        return document_at(cx, json, depth + 1);
    }
    build(cx, data, depth)
}

/// The document an `aws_iam_policy_document` data source renders.
fn build(cx: &Cx<'_, '_>, data: &TfResource<'_>, depth: usize) -> Doc {
    let body = &data.body;
    let mut statements = Vec::new();
    for source in documents(cx, body, "source_policy_documents", "source_json") {
        match document_at(cx, &source, depth + 1) {
            Doc::Known(doc) => statements.extend(statements_of(&doc)),
            Doc::Unknown(reason) => {
                return Doc::Unknown(format!("a source document is unknown: {reason}"));
            }
            invalid @ Doc::Invalid(_) => return invalid,
        }
    }
    for block in blocks(body, "statement") {
        merge_by_sid(&mut statements, statement(cx, block));
    }
    for over in documents(cx, body, "override_policy_documents", "override_json") {
        match document_at(cx, &over, depth + 1) {
            Doc::Known(doc) => statements_of(&doc)
                .into_iter()
                .for_each(|s| merge_by_sid(&mut statements, s)),
            Doc::Unknown(reason) => {
                return Doc::Unknown(format!("an override document is unknown: {reason}"));
            }
            invalid @ Doc::Invalid(_) => return invalid,
        }
    }
    let loc = data.loc;
    let version = body
        .get("version")
        .cloned()
        .unwrap_or_else(|| Node::string("2012-10-17", loc));
    let mut entries = vec![("Version", version)];
    entries.extend(body.get("policy_id").map(|id| ("Id", id.clone())));
    entries.push(("Statement", Node::new(Value::Array(statements), loc)));
    Doc::Known(object(entries, loc))
}

/// The documents of a list argument and of its legacy single-string form.
fn documents(cx: &Cx<'_, '_>, body: &Node, list: &str, single: &str) -> Vec<Node> {
    let mut out = Vec::new();
    if let Some(items) = body.get(list).map(|n| cx.lookup.expand(n)) {
        match items.value {
            Value::Array(items) => out.extend(items),
            _ => out.push(items),
        }
    }
    out.extend(body.get(single).cloned());
    out
}

fn statements_of(doc: &Node) -> Vec<Node> {
    match doc.get("Statement").map(|s| &s.value) {
        Some(Value::Array(items)) => items.clone(),
        Some(_) => doc.get("Statement").cloned().into_iter().collect(),
        None => Vec::new(),
    }
}

/// Adds a statement; one with the `Sid` of an earlier one replaces it.
fn merge_by_sid(statements: &mut Vec<Node>, statement: Node) {
    let sid = |s: &Node| {
        s.get("Sid")
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let new_sid = sid(&statement);
    match statements
        .iter_mut()
        .find(|s| new_sid.is_some() && sid(s) == new_sid)
    {
        Some(slot) => *slot = statement,
        None => statements.push(statement),
    }
}

/// One `statement` block in the JSON policy shape.
fn statement(cx: &Cx<'_, '_>, block: &Node) -> Node {
    let loc = block.loc;
    let mut entries = Vec::new();
    entries.extend(
        block
            .get("sid")
            .filter(|s| s.as_str() != Some(""))
            .map(|s| ("Sid", s.clone())),
    );
    let effect = block
        .get("effect")
        .cloned()
        .unwrap_or_else(|| Node::string("Allow", loc));
    entries.push(("Effect", effect));
    for (arg, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        entries.extend(block.get(arg).map(|n| (key, cx.lookup.expand(n))));
    }
    for (arg, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let principals = blocks(block, arg);
        if !principals.is_empty() {
            entries.push((key, principal(cx, &principals, loc)));
        }
    }
    let conditions = blocks(block, "condition");
    if !conditions.is_empty() {
        entries.push(("Condition", condition(cx, &conditions, loc)));
    }
    object(entries, loc)
}

/// `principals { type = "AWS", identifiers = [...] }` blocks as
/// `{"AWS": [...]}`; the type `*` is the JSON `"*"`.
fn principal(cx: &Cx<'_, '_>, blocks: &[&Node], loc: Loc) -> Node {
    let mut map = Map::new();
    for block in blocks {
        let ty = text(cx, block, "type");
        if ty == "*" {
            return Node::string("*", block.loc);
        }
        let ids = items(cx, block.get("identifiers"));
        append(&mut map, ty, ids, block.loc);
    }
    Node::new(Value::Object(map), loc)
}

/// `condition { test, variable, values }` blocks as
/// `{"test": {"variable": [values]}}`.
fn condition(cx: &Cx<'_, '_>, blocks: &[&Node], loc: Loc) -> Node {
    let mut map = Map::new();
    for block in blocks {
        let test = text(cx, block, "test");
        let mut inner = map
            .get(&test)
            .and_then(Node::as_object)
            .cloned()
            .unwrap_or_default();
        append(
            &mut inner,
            text(cx, block, "variable"),
            items(cx, block.get("values")),
            block.loc,
        );
        map.insert(
            Key {
                name: test,
                loc: block.loc,
            },
            Node::new(Value::Object(inner), block.loc),
        );
    }
    Node::new(Value::Object(map), loc)
}

fn text(cx: &Cx<'_, '_>, block: &Node, key: &str) -> String {
    block
        .get(key)
        .map(|n| cx.lookup.sym(n).to_string())
        .unwrap_or_default()
}

/// The items of a list argument (a single value counts as one item).
fn items(cx: &Cx<'_, '_>, node: Option<&Node>) -> Vec<Node> {
    match node.map(|n| cx.lookup.expand(n)) {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => items,
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

/// Adds `values` to the list under `key`, creating it.
fn append(map: &mut Map, key: String, values: Vec<Node>, loc: Loc) {
    let mut list = map
        .get(&key)
        .and_then(Node::as_array)
        .map(<[Node]>::to_vec)
        .unwrap_or_default();
    list.extend(values);
    map.insert(Key { name: key, loc }, Node::new(Value::Array(list), loc));
}

/// An object with keys at `loc`.
pub(crate) fn object<'k>(entries: impl IntoIterator<Item = (&'k str, Node)>, loc: Loc) -> Node {
    let mut map = Map::new();
    for (name, node) in entries {
        map.insert(
            Key {
                name: name.to_owned(),
                loc,
            },
            node,
        );
    }
    Node::new(Value::Object(map), loc)
}
