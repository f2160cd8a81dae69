//! Plain-text values where a secret could hide: resource, provider and
//! module arguments under secret-sounding names or shaped like known
//! credentials, variable defaults (`sensitive = true` hides a default from
//! output, not from the file, like `NoEcho`), and literal outputs.
//!
//! Strings with interpolations are skipped: `"${var.db_password}"` is how
//! a secret should arrive.

use super::Cx;
use crate::adapt::Lookup;
use crate::model::{Model, SecretCandidate};
use crate::secrets;
use crate::tree::{Node, Value};

/// Arguments that configure Terraform itself, not the resource.
const META: &[&str] = &[
    "//",
    "depends_on",
    "lifecycle",
    "provider",
    "count",
    "for_each",
];

/// Who holds the values being scanned.
struct Owner<'o> {
    id: &'o str,
    ty: &'o str,
}

pub(super) fn collect(cx: &Cx<'_, '_>, model: &mut Model) {
    for r in &cx.source.resources {
        let owner = Owner {
            id: &r.address,
            ty: r.ty,
        };
        scan(cx, model, &owner, &r.body, &r.address, true);
    }
    for p in &cx.source.providers {
        let id = format!("provider.{}", p.key);
        scan(
            cx,
            model,
            &Owner {
                id: &id,
                ty: "provider",
            },
            &p.body,
            &id,
            true,
        );
    }
    for (address, body) in &cx.source.modules {
        scan(
            cx,
            model,
            &Owner {
                id: address,
                ty: "module",
            },
            body,
            address,
            true,
        );
    }
    variables(cx, model);
    outputs(cx, model);
}

fn variables(cx: &Cx<'_, '_>, model: &mut Model) {
    for v in &cx.source.variables {
        let Some(default) = v.default else {
            continue;
        };
        let id = format!("var.{}", v.name);
        let path = format!("variable.{}.default", v.name);
        match &default.value {
            // Variable defaults are literal values, not templates.
            Value::String(text) | Value::Number(text) => {
                model.secret_candidates.push(SecretCandidate {
                    owner: id,
                    owner_type: "variable".to_owned(),
                    name: v.name.to_owned(),
                    value: text.clone(),
                    path,
                    loc: default.loc,
                    no_echo: v.sensitive,
                })
            }
            _ => scan(
                cx,
                model,
                &Owner {
                    id: &id,
                    ty: "variable",
                },
                default,
                &path,
                false,
            ),
        }
    }
}

fn outputs(cx: &Cx<'_, '_>, model: &mut Model) {
    for (name, value) in &cx.source.outputs {
        // Only literals: a reference names a value, it does not hold one.
        let literal = value.as_str().filter(|t| !super::template::is_dynamic(t));
        let Some(text) = literal.and_then(|_| cx.text(value)) else {
            continue;
        };
        model.secret_candidates.push(SecretCandidate {
            owner: format!("output.{name}"),
            owner_type: "output".to_owned(),
            name: name.clone(),
            value: text,
            path: format!("output.{name}.value"),
            loc: value.loc,
            no_echo: false,
        });
    }
}

/// String leaves that could be credentials. `templates`: whether strings
/// are templates (resource arguments) or literal (variable defaults).
fn scan(
    cx: &Cx<'_, '_>,
    model: &mut Model,
    owner: &Owner<'_>,
    node: &Node,
    path: &str,
    templates: bool,
) {
    let mut visit = |name: &str, child: &Node, child_path: String| {
        let text = match &child.value {
            Value::String(s) if !templates => Some(s.clone()),
            Value::String(s) if !super::template::is_dynamic(s) => {
                cx.lookup.sym(child).as_literal().map(str::to_owned)
            }
            _ => None,
        };
        match text {
            Some(text)
                if secrets::secret_name(name) || secrets::classify(name, &text).is_some() =>
            {
                model.secret_candidates.push(SecretCandidate {
                    owner: owner.id.to_owned(),
                    owner_type: owner.ty.to_owned(),
                    name: name.to_owned(),
                    value: text,
                    path: child_path,
                    loc: child.loc,
                    no_echo: false,
                });
            }
            Some(_) => {}
            None if !matches!(child.value, Value::String(_)) => {
                scan(cx, model, owner, child, &child_path, templates);
            }
            None => {}
        }
    };
    match &node.value {
        Value::Object(map) => {
            for (key, child) in map.iter() {
                if path == owner.id && META.contains(&key.name.as_str()) {
                    continue;
                }
                visit(&key.name, child, format!("{path}.{}", key.name));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                visit("", item, format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}
