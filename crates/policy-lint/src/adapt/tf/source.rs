//! One view of a Terraform JSON configuration and a Terraform plan: the
//! resources, data sources, variables, locals, outputs and providers the
//! adapter reads, with bodies in template form (see [`super::planned`] for
//! how a plan gets there), and the helpers that read nested blocks however
//! they are written.

use std::borrow::Cow;
use std::collections::HashMap;

use super::lookup::TfLookup;
use crate::load::terraform;
use crate::model::Observed;
use crate::tree::{Loc, Map, Node, Value};

/// A resource or data source block.
#[derive(Clone, Debug)]
pub(crate) struct TfResource<'a> {
    /// `aws_s3_bucket.site`; in plans the full address with modules and
    /// instance keys. Data sources start with `data.`.
    pub address: String,
    pub ty: &'a str,
    pub body: Cow<'a, Node>,
    pub loc: Loc,
    /// The provider configuration it uses: `aws`, or `aws.east` with an alias.
    pub provider: String,
    pub retained: Observed<bool>,
}

/// A `variable` block.
#[derive(Clone, Debug)]
pub(crate) struct Variable<'a> {
    pub name: &'a str,
    pub default: Option<&'a Node>,
    pub sensitive: bool,
    /// A `validation` proves every value one name free of IAM wildcards.
    pub one_name: bool,
}

/// A provider configuration (`aws`, `aws.east`).
#[derive(Clone, Debug)]
pub(crate) struct Provider<'a> {
    pub key: String,
    pub body: Cow<'a, Node>,
}

/// Everything the adapter reads from one document.
#[derive(Debug, Default)]
pub(crate) struct Source<'a> {
    pub resources: Vec<TfResource<'a>>,
    pub data: Vec<TfResource<'a>>,
    pub variables: Vec<Variable<'a>>,
    pub locals: Vec<(&'a str, &'a Node)>,
    /// Output name and value.
    pub outputs: Vec<(String, Cow<'a, Node>)>,
    pub providers: Vec<Provider<'a>>,
    /// `module` blocks: address and body (their arguments can hold secrets).
    pub modules: Vec<(String, &'a Node)>,
    data_index: HashMap<String, usize>,
}

impl<'a> Source<'a> {
    /// The lookup that resolves this document's values.
    pub(crate) fn lookup(&self) -> TfLookup<'a> {
        let variables = self.variables.iter().map(|v| (v.name, v.default)).collect();
        let locals = self.locals.iter().copied().collect();
        let addresses = self
            .resources
            .iter()
            .chain(&self.data)
            .map(|r| r.address.clone())
            .collect();
        let one_name = self
            .variables
            .iter()
            .filter(|v| v.one_name && v.default.is_none())
            .map(|v| v.name)
            .collect();
        TfLookup::new(variables, locals, addresses).with_one_name(one_name)
    }

    pub(crate) fn data_source(&self, address: &str) -> Option<&TfResource<'a>> {
        self.data_index.get(address).map(|&i| &self.data[i])
    }

    /// Indexes the data sources once they are all read.
    pub(crate) fn indexed(mut self) -> Self {
        self.data_index = self
            .data
            .iter()
            .enumerate()
            .map(|(i, d)| (d.address.clone(), i))
            .collect();
        self
    }
}

const DESTROYED_BY_DEFAULT: &str = "Terraform destroys resources with the configuration";

/// Reads a Terraform JSON configuration.
pub(crate) fn from_config(root: &Node) -> Source<'_> {
    Source {
        resources: instances(terraform::resources(root)),
        data: instances(terraform::data_sources(root)),
        variables: named(terraform::variables(root)).map(variable).collect(),
        locals: named(terraform::locals(root))
            .map(|b| (b.name, b.body))
            .collect(),
        outputs: named(terraform::outputs(root))
            .filter_map(|b| Some((b.name.to_owned(), Cow::Borrowed(b.body.get("value")?))))
            .collect(),
        providers: terraform::providers(root)
            .into_iter()
            .map(provider)
            .collect(),
        modules: named(terraform::modules(root))
            .map(|b| (b.address, b.body))
            .collect(),
        data_index: HashMap::new(),
    }
    .indexed()
}

/// Named blocks without the `//` comments.
fn named(blocks: Vec<terraform::Block<'_>>) -> impl Iterator<Item = terraform::Block<'_>> {
    blocks.into_iter().filter(|b| b.name != "//")
}

/// Resource or data blocks, without comments and blocks Terraform creates
/// no instance of.
fn instances(all: Vec<terraform::Block<'_>>) -> Vec<TfResource<'_>> {
    let skip = |b: &terraform::Block<'_>| {
        b.name == "//" || b.type_name == Some("//") || creates_nothing(b.body)
    };
    all.into_iter().filter(|b| !skip(b)).map(resource).collect()
}

fn resource(b: terraform::Block<'_>) -> TfResource<'_> {
    TfResource {
        retained: prevent_destroy(&b.address, b.body, b.loc),
        provider: provider_of(b.body, b.type_name.unwrap_or_default()),
        address: b.address,
        ty: b.type_name.unwrap_or_default(),
        body: without_nulls(b.body),
        loc: b.loc,
    }
}

fn variable(b: terraform::Block<'_>) -> Variable<'_> {
    Variable {
        name: b.name,
        default: b.body.get("default"),
        sensitive: b.body.get("sensitive").and_then(Node::as_bool) == Some(true),
        one_name: b
            .body
            .get("validation")
            .is_some_and(|v| crate::resolve::terraform::validates_name(v, b.name)),
    }
}

fn provider(b: terraform::Block<'_>) -> Provider<'_> {
    Provider {
        key: b.address.trim_start_matches("provider.").to_owned(),
        body: Cow::Borrowed(b.body),
    }
}

/// `count = 0` or `for_each = {}` written as literals.
fn creates_nothing(body: &Node) -> bool {
    let count = body.get("count").map(|c| &c.value);
    let zero = matches!(count, Some(Value::Number(n) | Value::String(n)) if n == "0");
    let empty = match body.get("for_each").map(|f| &f.value) {
        Some(Value::Object(map)) => map.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        _ => false,
    };
    zero || empty
}

/// `lifecycle { prevent_destroy = true }`.
fn prevent_destroy(address: &str, body: &Node, loc: Loc) -> Observed<bool> {
    let path = format!("{address}.lifecycle.prevent_destroy");
    let flag = blocks(body, "lifecycle")
        .into_iter()
        .find_map(|l| l.get("prevent_destroy"));
    match flag {
        None => Observed::default(false, DESTROYED_BY_DEFAULT, path, loc),
        Some(n) => match (n.as_bool(), n.as_str()) {
            (Some(b), _) => Observed::set(b, path, n.loc),
            (_, Some("true")) => Observed::set(true, path, n.loc),
            (_, Some("false")) => Observed::set(false, path, n.loc),
            _ => Observed::unknown("`prevent_destroy` must be a literal boolean", path, n.loc),
        },
    }
}

/// The provider configuration a block names, or the default one of its
/// type's provider (`aws` for `aws_s3_bucket`).
fn provider_of(body: &Node, ty: &str) -> String {
    match body.get("provider").and_then(Node::as_str) {
        Some(p) => p.trim_start_matches("${").trim_end_matches('}').to_owned(),
        None => ty.split('_').next().unwrap_or_default().to_owned(),
    }
}

/// The blocks of a nested block type: Terraform JSON writes one block as an
/// object or several as an array; plans always use arrays.
pub(crate) fn blocks<'n>(body: &'n Node, key: &str) -> Vec<&'n Node> {
    match body.get(key).map(|n| &n.value) {
        Some(Value::Array(items)) => items.iter().filter(|n| n.as_object().is_some()).collect(),
        Some(Value::Object(_)) => body.get(key).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The blocks of a nested block type with their paths (`rule[1]` when the
/// file writes a list, `rule` when it writes one object).
pub(crate) fn blocks_at<'n>(body: &'n Node, key: &str, path: &str) -> Vec<(&'n Node, String)> {
    match body.get(key).map(|n| (n, &n.value)) {
        Some((_, Value::Array(items))) => items
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_object().is_some())
            .map(|(i, n)| (n, format!("{path}.{key}[{i}]")))
            .collect(),
        Some((node, Value::Object(_))) => vec![(node, format!("{path}.{key}"))],
        _ => Vec::new(),
    }
}

/// The first block of a nested block type and its path (`rule[0]` when the
/// file writes a list, `rule` when it writes one object).
pub(crate) fn first_block<'n>(body: &'n Node, key: &str, path: &str) -> Option<(&'n Node, String)> {
    blocks_at(body, key, path).into_iter().next()
}

/// Follows a chain of nested blocks (the first of each), returning the
/// innermost block and its path.
pub(crate) fn follow<'n>(body: &'n Node, keys: &[&str], path: &str) -> Option<(&'n Node, String)> {
    let mut current = (body, path.to_owned());
    for key in keys {
        current = first_block(current.0, key, &current.1)?;
    }
    Some(current)
}

/// Terraform treats an argument set to `null` as not set; plans write every
/// unset argument that way. Object entries holding `null` are dropped.
fn without_nulls(node: &Node) -> Cow<'_, Node> {
    if !has_null_entry(node) {
        return Cow::Borrowed(node);
    }
    let value = match &node.value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|n| without_nulls(n).into_owned())
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map.iter().filter(|(_, c)| c.value != Value::Null) {
                out.insert(key.clone(), without_nulls(child).into_owned());
            }
            Value::Object(out)
        }
        other => other.clone(),
    };
    Cow::Owned(Node::new(value, node.loc))
}

fn has_null_entry(node: &Node) -> bool {
    match &node.value {
        Value::Array(items) => items.iter().any(has_null_entry),
        Value::Object(map) => map
            .iter()
            .any(|(_, c)| c.value == Value::Null || has_null_entry(c)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_objects_or_lists_of_objects() {
        let body = Node::from_json(
            &serde_json::json!({"one": {"a": 1}, "many": [{"a": 1}, 2, {"a": 3}], "x": 1}),
            Loc::default(),
        );
        let paths = |key| {
            blocks_at(&body, key, "r")
                .into_iter()
                .map(|(_, p)| p)
                .collect::<Vec<_>>()
        };
        assert_eq!(paths("one"), ["r.one"]);
        assert_eq!(paths("many"), ["r.many[0]", "r.many[2]"]);
        assert!(paths("x").is_empty());
        let nested = Node::from_json(&serde_json::json!({"a": [{"b": {"c": 1}}]}), Loc::default());
        assert_eq!(
            follow(&nested, &["a", "b"], "r").map(|(_, p)| p).as_deref(),
            Some("r.a[0].b")
        );
    }

    #[test]
    fn nulls_are_not_set() {
        let body = Node::from_json(
            &serde_json::json!({"a": null, "b": [{"c": null, "d": 1}]}),
            Loc::default(),
        );
        assert_eq!(
            without_nulls(&body).to_json(),
            serde_json::json!({"b": [{"d": 1}]})
        );
    }
}
