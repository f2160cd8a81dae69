//! Terraform plans (`terraform show -json`) in the form of a
//! configuration.
//!
//! A plan holds evaluated values, not templates, and it leaves out what
//! Terraform learns only on apply. Three things bring it into the form of
//! a configuration:
//! - literal strings are escaped (`${` → `$${`), so an IAM policy variable
//!   such as `${aws:username}` stays text;
//! - a value known only after apply whose configuration expression refers
//!   to exactly one resource (or one of its attributes) becomes that
//!   reference (`${aws_s3_bucket.site.id}`), which is how a public-access
//!   block in a plan finds its bucket; other unknown values keep their
//!   reason, with the references added;
//! - a value known only after apply that the configuration does not set at
//!   all is a computed attribute (the aws provider computes `versioning`,
//!   `tags_all`, `arn`, …): it is dropped, so the service default applies
//!   as it does for a configuration.
//!
//! A plan does not record `lifecycle.prevent_destroy`, so retention is
//! unknown for plans.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use super::source::{Provider, Source, TfResource, Variable};
use super::template;
use crate::load::plan;
use crate::model::Observed;
use crate::tree::{Loc, Map, Node, Value};

/// Reads a plan (`terraform show -json`).
pub(crate) fn from_plan(root: &Node) -> Source<'_> {
    let config = Config::new(root);
    let planned = plan::resources(root);
    let mut known: BTreeSet<String> = planned.iter().map(|r| r.address.to_owned()).collect();
    let prior = prior_data(root, &known);
    known.extend(prior.iter().map(|r| r.address.to_owned()));
    let mut source = Source::default();
    for r in planned.iter().chain(&prior) {
        let resource = plan_resource(r, &config, &known);
        if r.mode == "data" {
            source.data.push(resource);
        } else {
            source.resources.push(resource);
        }
    }
    source.variables = config.variables();
    source.outputs = config.outputs();
    source.providers = config.providers();
    source.indexed()
}

fn plan_resource<'a>(
    r: &plan::PlanResource<'a>,
    config: &Config<'a>,
    known: &BTreeSet<String>,
) -> TfResource<'a> {
    let base = strip_keys(r.address);
    let conf = config.resources.get(&base).copied();
    let cx = Reconcile {
        module: r.module.map(|m| format!("{m}.")).unwrap_or_default(),
        instance: r.index.map(instance_key).unwrap_or_default(),
        known,
    };
    let body = cx.reconcile(
        r.values,
        conf.and_then(|c| c.get("expressions")),
        conf.is_some(),
    );
    let key = conf
        .and_then(|c| c.get("provider_config_key"))
        .and_then(Node::as_str)
        .map(|k| k.rsplit(':').next().unwrap_or(k).to_owned());
    TfResource {
        address: r.address.to_owned(),
        ty: r.type_name,
        body: Cow::Owned(body),
        loc: r.loc,
        provider: key
            .unwrap_or_else(|| r.type_name.split('_').next().unwrap_or_default().to_owned()),
        retained: Observed::unknown(
            "a plan does not record `lifecycle.prevent_destroy`",
            format!("{}.lifecycle.prevent_destroy", r.address),
            r.loc,
        ),
    }
}

/// `[0]` or `["key"]` for a plan's instance key.
fn instance_key(index: &Node) -> String {
    match &index.value {
        Value::Number(n) => format!("[{n}]"),
        Value::String(s) => format!("[{s:?}]"),
        _ => String::new(),
    }
}

/// An address without instance keys: `module.a["x"].aws_s3_bucket.b[0]` →
/// `module.a.aws_s3_bucket.b`, as the configuration names it.
fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Data sources read while planning sit in the prior state only.
fn prior_data<'a>(root: &'a Node, planned: &BTreeSet<String>) -> Vec<plan::PlanResource<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = root
        .pointer(&["prior_state", "values", "root_module"])
        .into_iter()
        .collect();
    while let Some(module) = stack.pop() {
        let module_address = module.get("address").and_then(Node::as_str);
        for r in module
            .get("resources")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            let text = |k| r.get(k).and_then(Node::as_str);
            let (Some(address), Some(ty), Some(name), Some(values)) =
                (text("address"), text("type"), text("name"), r.get("values"))
            else {
                continue;
            };
            if text("mode") == Some("data") && !planned.contains(address) {
                out.push(plan::PlanResource {
                    address,
                    mode: "data",
                    type_name: ty,
                    name,
                    index: r.get("index"),
                    module: module_address,
                    values,
                    loc: r.loc,
                });
            }
        }
        stack.extend(
            module
                .get("child_modules")
                .and_then(Node::as_array)
                .unwrap_or_default(),
        );
    }
    out
}

/// The `configuration` section of a plan.
struct Config<'a> {
    /// Resource configurations by address without instance keys.
    resources: HashMap<String, &'a Node>,
    root: Option<&'a Node>,
    providers: Option<&'a Node>,
}

impl<'a> Config<'a> {
    fn new(plan: &'a Node) -> Self {
        let root = plan.pointer(&["configuration", "root_module"]);
        let mut resources = HashMap::new();
        let mut stack: Vec<(String, &Node)> =
            root.map(|r| (String::new(), r)).into_iter().collect();
        while let Some((prefix, module)) = stack.pop() {
            for r in module
                .get("resources")
                .and_then(Node::as_array)
                .unwrap_or_default()
            {
                if let Some(address) = r.get("address").and_then(Node::as_str) {
                    resources.insert(format!("{prefix}{address}"), r);
                }
            }
            for (key, call) in module
                .get("module_calls")
                .and_then(Node::as_object)
                .into_iter()
                .flat_map(|m| m.iter())
            {
                if let Some(child) = call.get("module") {
                    stack.push((format!("{prefix}module.{}.", key.name), child));
                }
            }
        }
        Self {
            resources,
            root,
            providers: plan.pointer(&["configuration", "provider_config"]),
        }
    }

    fn variables(&self) -> Vec<Variable<'a>> {
        let vars = self
            .root
            .and_then(|r| r.get("variables"))
            .and_then(Node::as_object);
        vars.into_iter()
            .flat_map(|m| m.iter())
            .map(|(key, v)| Variable {
                name: &key.name,
                default: v.get("default"),
                sensitive: v.get("sensitive").and_then(Node::as_bool) == Some(true),
                // A plan records each variable's value, not its validation.
                one_name: false,
            })
            .collect()
    }

    fn outputs(&self) -> Vec<(String, Cow<'a, Node>)> {
        let outputs = self
            .root
            .and_then(|r| r.get("outputs"))
            .and_then(Node::as_object);
        outputs
            .into_iter()
            .flat_map(|m| m.iter())
            .filter_map(|(key, o)| {
                let value = o.pointer(&["expression", "constant_value"])?;
                Some((key.name.clone(), Cow::Owned(escaped(value))))
            })
            .collect()
    }

    fn providers(&self) -> Vec<Provider<'a>> {
        let providers = self.providers.and_then(Node::as_object);
        providers
            .into_iter()
            .flat_map(|m| m.iter())
            .map(|(key, p)| Provider {
                key: key.name.clone(),
                body: Cow::Owned(
                    p.get("expressions")
                        .map(expressions_body)
                        .unwrap_or_else(|| empty(p.loc)),
                ),
            })
            .collect()
    }
}

fn empty(loc: Loc) -> Node {
    Node::new(Value::Object(Map::new()), loc)
}

/// A body from configuration expressions: constants as they are, nested
/// blocks recursively, references as unknown values.
fn expressions_body(exprs: &Node) -> Node {
    let mut out = Map::new();
    for (key, expr) in exprs.as_object().into_iter().flat_map(|m| m.iter()) {
        let value = match &expr.value {
            Value::Array(blocks) => Node::new(
                Value::Array(blocks.iter().map(expressions_body).collect()),
                expr.loc,
            ),
            _ => match expr.get("constant_value") {
                Some(v) => escaped(v),
                None => Node::new(
                    Value::Unknown(depends_on("known only when Terraform runs", expr)),
                    expr.loc,
                ),
            },
        };
        out.insert(key.clone(), value);
    }
    Node::new(Value::Object(out), exprs.loc)
}

/// Literal values in template form.
fn escaped(node: &Node) -> Node {
    let value = match &node.value {
        Value::String(s) => Value::String(template::escape(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(escaped).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map.iter().filter(|(_, c)| c.value != Value::Null) {
                out.insert(key.clone(), escaped(child));
            }
            Value::Object(out)
        }
        other => other.clone(),
    };
    Node::new(value, node.loc)
}

/// `reason (from a.b, c.d)` for a value whose expression has references.
fn depends_on(reason: &str, expr: &Node) -> String {
    let refs = references(expr);
    if refs.is_empty() {
        reason.to_owned()
    } else {
        format!("{reason} (from `{}`)", refs.join("`, `"))
    }
}

fn references(expr: &Node) -> Vec<&str> {
    let mut out: Vec<&str> = expr
        .get("references")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    out.dedup();
    out
}

/// Brings one plan resource's values into configuration form.
struct Reconcile<'k> {
    /// `module.web.` for resources in a module; references are relative.
    module: String,
    /// The resource's own instance key, to pick the same instance of a
    /// counted resource it refers to.
    instance: String,
    known: &'k BTreeSet<String>,
}

impl Reconcile<'_> {
    /// `configured`: whether the configuration sets this part at all.
    fn reconcile(&self, values: &Node, exprs: Option<&Node>, configured: bool) -> Node {
        let Value::Object(map) = &values.value else {
            return escaped(values);
        };
        let mut out = Map::new();
        for (key, child) in map.iter().filter(|(_, c)| c.value != Value::Null) {
            let expr = exprs.and_then(|e| e.get(&key.name));
            let value = match (&child.value, expr) {
                (Value::Unknown(_), None) if configured => continue,
                (Value::Unknown(reason), Some(expr)) => match self.reference(expr) {
                    Some(reference) => Value::String(format!("${{{reference}}}")),
                    None => Value::Unknown(depends_on(reason, expr)),
                },
                (
                    Value::Array(items),
                    Some(Node {
                        value: Value::Array(blocks),
                        ..
                    }),
                ) => Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.reconcile(item, blocks.get(i), true))
                        .collect(),
                ),
                (Value::Array(items), None) => Value::Array(
                    items
                        .iter()
                        .map(|item| self.reconcile(item, None, configured))
                        .collect(),
                ),
                _ => escaped(child).value,
            };
            out.insert(key.clone(), Node::new(value, child.loc));
        }
        Node::new(Value::Object(out), values.loc)
    }

    /// The one resource attribute an expression refers to, as an address
    /// the plan knows.
    fn reference(&self, expr: &Node) -> Option<String> {
        let refs: Vec<&str> = references(expr)
            .into_iter()
            .filter(|r| {
                !["var.", "local.", "count.", "each.", "path."]
                    .iter()
                    .any(|p| r.starts_with(p))
            })
            .collect();
        let object = refs.iter().copied().min_by_key(|r| r.len())?;
        let same_object = |r: &&str| {
            r.strip_prefix(object)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        };
        if object.starts_with("module.") || !refs.iter().all(same_object) {
            return None;
        }
        let attrs: BTreeSet<&str> = refs
            .iter()
            .filter_map(|r| r.strip_prefix(object)?.strip_prefix('.'))
            .collect();
        let target = self.instance_of(&format!("{}{object}", self.module))?;
        match attrs.into_iter().collect::<Vec<_>>()[..] {
            [] => Some(target),
            [attr] => Some(format!("{target}.{attr}")),
            _ => None,
        }
    }

    fn instance_of(&self, object: &str) -> Option<String> {
        if self.known.contains(object) {
            return Some(object.to_owned());
        }
        let same = format!("{object}{}", self.instance);
        if self.known.contains(&same) {
            return Some(same);
        }
        let prefix = format!("{object}[");
        let mut instances = self.known.iter().filter(|a| a.starts_with(&prefix));
        match (instances.next(), instances.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, load_bytes};
    use std::path::Path;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
     "values": {"bucket": "x", "policy": "{\"Resource\": \"arn:aws:s3:::x/${aws:username}\"}"}},
    {"address": "aws_s3_bucket_public_access_block.b", "mode": "managed",
     "type": "aws_s3_bucket_public_access_block", "name": "b",
     "values": {"block_public_acls": true}}
  ]}},
  "resource_changes": [
    {"address": "aws_s3_bucket.b", "change": {"after_unknown": {"arn": true, "versioning": true}}},
    {"address": "aws_s3_bucket_public_access_block.b",
     "change": {"after_unknown": {"bucket": true, "id": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
     "expressions": {"bucket": {"constant_value": "x"}}},
    {"address": "aws_s3_bucket_public_access_block.b", "mode": "managed",
     "type": "aws_s3_bucket_public_access_block", "name": "b",
     "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]},
                     "block_public_acls": {"constant_value": true}}}
  ]}}
}"#;

    #[test]
    fn plans_take_configuration_form() {
        let doc = load_bytes(Path::new("p.json"), PLAN.as_bytes(), &Limits::default()).unwrap();
        let source = from_plan(&doc.root);
        let bucket = &source.resources[0];
        assert_eq!(
            bucket.body.to_json(),
            serde_json::json!({"bucket": "x", "policy": "{\"Resource\": \"arn:aws:s3:::x/$${aws:username}\"}"}),
            "computed attributes the configuration does not set are dropped, literals escaped"
        );
        let pab = &source.resources[1];
        assert_eq!(
            pab.body.get("bucket").and_then(Node::as_str),
            Some("${aws_s3_bucket.b.id}")
        );
        assert!(pab.body.get("id").is_none());
        assert!(pab.retained.unknown_reason().is_some());
    }

    #[test]
    fn instance_keys_are_stripped_for_the_configuration() {
        assert_eq!(
            strip_keys(r#"module.a["x]"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
    }
}
