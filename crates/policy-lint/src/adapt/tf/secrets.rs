//! Plain-text values where a secret could hide: resource, provider and
//! module arguments under secret-sounding names or shaped like known
//! credentials, variable defaults (`sensitive = true` hides a default from
//! output, not from the file, like `NoEcho`), and literal outputs.
//!
//! Strings with interpolations are skipped: `"${var.db_password}"` is how
//! a secret should arrive.

use super::Cx;
use super::template;
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

pub(super) fn collect(cx: &Cx<'_, '_>, model: &mut Model) {
    for r in &cx.source.resources {
        Scan::new(cx, &r.address, r.ty, true).node(model, &r.body, &r.address);
    }
    for p in &cx.source.providers {
        let id = format!("provider.{}", p.key);
        Scan::new(cx, &id, "provider", true).node(model, &p.body, &id);
    }
    for (address, body) in &cx.source.modules {
        Scan::new(cx, address, "module", true).node(model, body, address);
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
        // Variable defaults are literal values, not templates.
        let (Value::String(text) | Value::Number(text)) = &default.value else {
            Scan::new(cx, &id, "variable", false).node(model, default, &path);
            continue;
        };
        model.secret_candidates.push(SecretCandidate {
            owner: id,
            owner_type: "variable".to_owned(),
            name: v.name.to_owned(),
            value: text.clone(),
            path,
            loc: default.loc,
            no_echo: v.sensitive,
        });
    }
}

fn outputs(cx: &Cx<'_, '_>, model: &mut Model) {
    for (name, value) in &cx.source.outputs {
        // Only literals: a reference names a value, it does not hold one.
        let literal = value.as_str().filter(|t| !template::is_dynamic(t));
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

/// A walk over the values one owner holds, for string leaves that could
/// be credentials.
struct Scan<'c, 'x, 'a, 'o> {
    cx: &'c Cx<'x, 'a>,
    owner: &'o str,
    owner_type: &'o str,
    /// Whether strings are templates (arguments) or literal (defaults).
    templates: bool,
}

impl<'c, 'x, 'a, 'o> Scan<'c, 'x, 'a, 'o> {
    fn new(cx: &'c Cx<'x, 'a>, owner: &'o str, owner_type: &'o str, templates: bool) -> Self {
        Self {
            cx,
            owner,
            owner_type,
            templates,
        }
    }

    fn node(&self, model: &mut Model, node: &Node, path: &str) {
        match &node.value {
            Value::Object(map) => {
                for (key, child) in map.iter() {
                    if path == self.owner && META.contains(&key.name.as_str()) {
                        continue;
                    }
                    self.child(model, &key.name, child, format!("{path}.{}", key.name));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.child(model, "", item, format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }

    fn child(&self, model: &mut Model, name: &str, child: &Node, path: String) {
        let Value::String(text) = &child.value else {
            return self.node(model, child, &path);
        };
        let text = match self.templates {
            false => text.clone(),
            true if template::is_dynamic(text) => return,
            true => match self.cx.lookup.sym(child).as_literal() {
                Some(literal) => literal.to_owned(),
                None => return,
            },
        };
        if secrets::secret_name(name) || secrets::classify(name, &text).is_some() {
            model.secret_candidates.push(SecretCandidate {
                owner: self.owner.to_owned(),
                owner_type: self.owner_type.to_owned(),
                name: name.to_owned(),
                value: text,
                path,
                loc: child.loc,
                no_echo: false,
            });
        }
    }
}
