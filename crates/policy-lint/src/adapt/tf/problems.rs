//! Input problems of a Terraform configuration that Terraform itself would
//! refuse, reported under TPL-1: a template whose `${` or `%{` is never
//! closed. (A policy argument that is not JSON is found where policies are
//! read.)

use super::Cx;
use super::template;
use crate::model::Problem;
use crate::tree::{Node, Value};

pub(super) fn collect(cx: &Cx<'_, '_>) {
    for r in cx.source.resources.iter().chain(&cx.source.data) {
        walk(cx, &r.address, &r.body, &r.address);
    }
    for (name, value) in &cx.source.outputs {
        walk(
            cx,
            &format!("output.{name}"),
            value,
            &format!("output.{name}.value"),
        );
    }
}

fn walk(cx: &Cx<'_, '_>, owner: &str, node: &Node, path: &str) {
    match &node.value {
        Value::String(text) => {
            if let Err(unclosed) = template::pieces(text) {
                let opening = text.get(unclosed.at..unclosed.at + 2).unwrap_or("${");
                cx.problems.borrow_mut().push(Problem {
                    resource: owner.to_owned(),
                    message: format!("`{path}`: the template's `{opening}` is never closed"),
                    loc: node.loc,
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(cx, owner, item, &format!("{path}[{i}]"));
            }
        }
        Value::Object(map) => {
            for (key, child) in map.iter().filter(|(k, _)| k.name != "//") {
                walk(cx, owner, child, &format!("{path}.{}", key.name));
            }
        }
        _ => {}
    }
}
