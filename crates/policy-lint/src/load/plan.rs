//! Terraform plan JSON (`terraform show -json PLANFILE`).
//!
//! A plan lists every resource it would create or keep under
//! `planned_values.root_module` (and `child_modules`, recursively), with its
//! attribute `values`. Values that only exist after apply (ids, ARNs, an
//! attribute computed from another resource) are *absent* there and marked
//! `true` in the matching `resource_changes[].change.after_unknown` tree.
//! Reading `values` alone would make "unknown" look like "not set", so at
//! load time every such value is put back as
//! [`Value::Unknown`]`("known after apply")` — in `planned_values` and in
//! `resource_changes[].change.after` — at the location of its
//! `after_unknown` entry.

use std::collections::HashMap;

use crate::tree::{Key, Loc, Node, Value};

/// The reason given for values a plan cannot know.
pub const KNOWN_AFTER_APPLY: &str = "known after apply";

/// One resource (or data source) a plan would leave in place.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanResource<'a> {
    /// The full address, as the plan writes it: `aws_s3_bucket.site`,
    /// `module.web.aws_s3_bucket.site[0]`.
    pub address: &'a str,
    /// `managed` for resources, `data` for data sources.
    pub mode: &'a str,
    pub type_name: &'a str,
    pub name: &'a str,
    /// `count` or `for_each` key, when the resource has one.
    pub index: Option<&'a Node>,
    /// The module address (`module.web`), `None` in the root module.
    pub module: Option<&'a str>,
    /// Attribute values, with unknowns made explicit.
    pub values: &'a Node,
    /// Where the resource's entry starts in the plan.
    pub loc: Loc,
}

/// The planned resources of a loaded plan, root module first, then child
/// modules depth-first, each in plan order.
pub fn resources(root: &Node) -> Vec<PlanResource<'_>> {
    let mut out = Vec::new();
    if let Some(module) = root.pointer(&["planned_values", "root_module"]) {
        collect(module, &mut out);
    }
    out
}

fn collect<'a>(module: &'a Node, out: &mut Vec<PlanResource<'a>>) {
    let module_address = module.get("address").and_then(Node::as_str);
    for r in module
        .get("resources")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        if let Some(resource) = planned(r, module_address) {
            out.push(resource);
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        collect(child, out);
    }
}

fn planned<'a>(r: &'a Node, module: Option<&'a str>) -> Option<PlanResource<'a>> {
    let text = |k| r.get(k).and_then(Node::as_str);
    Some(PlanResource {
        address: text("address")?,
        mode: text("mode").unwrap_or("managed"),
        type_name: text("type")?,
        name: text("name")?,
        index: r.get("index"),
        module,
        values: r.get("values")?,
        loc: r.loc,
    })
}

/// Makes values known only after apply explicit (see the module doc).
pub(crate) fn apply_after_unknown(root: &mut Node) {
    let unknowns = after_unknown_by_address(root);
    if let Some(changes) = root.get_mut("resource_changes") {
        patch_changes(changes);
    }
    if let Some(module) = root
        .get_mut("planned_values")
        .and_then(|p| p.get_mut("root_module"))
    {
        patch_module(module, &unknowns);
    }
}

fn after_unknown_by_address(root: &Node) -> HashMap<String, Node> {
    let changes = root.get("resource_changes").and_then(Node::as_array);
    let mut map = HashMap::new();
    for change in changes.unwrap_or_default() {
        let address = change.get("address").and_then(Node::as_str);
        let unknown = change.pointer(&["change", "after_unknown"]);
        if let (Some(address), Some(unknown)) = (address, unknown) {
            map.insert(address.to_owned(), unknown.clone());
        }
    }
    map
}

fn patch_changes(changes: &mut Node) {
    let Value::Array(items) = &mut changes.value else {
        return;
    };
    for item in items {
        let Some(change) = item.get_mut("change") else {
            continue;
        };
        let Some(unknown) = change.get("after_unknown").cloned() else {
            continue;
        };
        if let Some(after) = change.get_mut("after") {
            patch(after, &unknown);
        }
    }
}

fn patch_module(module: &mut Node, unknowns: &HashMap<String, Node>) {
    if let Some(Value::Array(resources)) = module.get_mut("resources").map(|r| &mut r.value) {
        for resource in resources {
            patch_resource(resource, unknowns);
        }
    }
    if let Some(Value::Array(children)) = module.get_mut("child_modules").map(|c| &mut c.value) {
        for child in children {
            patch_module(child, unknowns);
        }
    }
}

fn patch_resource(resource: &mut Node, unknowns: &HashMap<String, Node>) {
    let address = resource.get("address").and_then(Node::as_str);
    let Some(unknown) = address.and_then(|a| unknowns.get(a)) else {
        return;
    };
    if resource.get("values").is_none() {
        let Value::Object(map) = &mut resource.value else {
            return;
        };
        let loc = unknown.loc;
        map.insert(
            Key {
                name: "values".into(),
                loc,
            },
            Node::new(Value::Object(Default::default()), loc),
        );
    }
    if let Some(values) = resource.get_mut("values") {
        patch(values, unknown);
    }
}

/// Marks the parts of `values` that `unknown` (an `after_unknown` tree)
/// flags with `true`, creating them when the plan left them out.
fn patch(values: &mut Node, unknown: &Node) {
    match &unknown.value {
        Value::Bool(true) => values.value = Value::Unknown(KNOWN_AFTER_APPLY.into()),
        Value::Object(flags) => {
            if !matches!(values.value, Value::Object(_)) {
                values.value = Value::Object(Default::default());
            }
            let Value::Object(map) = &mut values.value else {
                return;
            };
            for (key, flag) in flags.iter().filter(|(_, f)| flags_something(f)) {
                if map.get(&key.name).is_none() {
                    map.insert(key.clone(), Node::new(Value::Null, key.loc));
                }
                if let Some(child) = map.get_mut(&key.name) {
                    patch(child, flag);
                }
            }
        }
        Value::Array(flags) => {
            if !matches!(values.value, Value::Array(_)) {
                values.value = Value::Array(Vec::new());
            }
            let Value::Array(items) = &mut values.value else {
                return;
            };
            for (i, flag) in flags.iter().enumerate().filter(|(_, f)| flags_something(f)) {
                while items.len() <= i {
                    items.push(Node::new(Value::Null, flag.loc));
                }
                patch(&mut items[i], flag);
            }
        }
        _ => {}
    }
}

/// True when an `after_unknown` subtree marks anything as unknown; `false`
/// and empty containers mark nothing and must not create values.
fn flags_something(flag: &Node) -> bool {
    match &flag.value {
        Value::Bool(b) => *b,
        Value::Object(m) => m.iter().any(|(_, f)| flags_something(f)),
        Value::Array(items) => items.iter().any(flags_something),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Format, Limits, load_bytes};
    use std::path::Path;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                   "name": "b", "values": {"bucket": "x", "tags": null, "rules": [{"a": 1}]}}],
    "child_modules": [{"address": "module.m", "resources": [
      {"address": "module.m.aws_sqs_queue.q[0]", "mode": "managed", "type": "aws_sqs_queue",
       "name": "q", "index": 0, "values": {}}]}]
  }},
  "resource_changes": [
    {"address": "aws_s3_bucket.b", "change": {"after": {"bucket": "x"},
     "after_unknown": {"arn": true, "bucket": false, "tags": {}, "rules": [{"b": true}]}}},
    {"address": "module.m.aws_sqs_queue.q[0]", "change": {"after": {},
     "after_unknown": {"policy": true}}}
  ]
}"#;

    #[test]
    fn unknown_after_apply_values_are_explicit() {
        let doc = load_bytes(Path::new("plan.json"), PLAN.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.format, Format::TerraformPlan);
        let all = resources(&doc.root);
        assert_eq!(all.len(), 2);
        let b = &all[0];
        assert_eq!(
            (b.address, b.type_name, b.name, b.module),
            ("aws_s3_bucket.b", "aws_s3_bucket", "b", None)
        );
        let want = serde_json::json!({
            "bucket": "x", "tags": null, "rules": [{"a": 1, "b": {"$unknown": "known after apply"}}],
            "arn": {"$unknown": "known after apply"},
        });
        assert_eq!(b.values.to_json(), want);
        assert_eq!(b.values.get("arn").unwrap().loc.line, 12);
        let q = &all[1];
        assert_eq!(
            (q.address, q.module),
            ("module.m.aws_sqs_queue.q[0]", Some("module.m"))
        );
        assert_eq!(q.index.and_then(Node::as_i64), Some(0));
        assert_eq!(
            q.values.to_json(),
            serde_json::json!({"policy": {"$unknown": "known after apply"}})
        );
        let after = doc
            .root
            .pointer(&["resource_changes"])
            .unwrap()
            .as_array()
            .unwrap()[0]
            .pointer(&["change", "after", "arn"])
            .unwrap();
        assert_eq!(after.value, Value::Unknown(KNOWN_AFTER_APPLY.into()));
    }
}
