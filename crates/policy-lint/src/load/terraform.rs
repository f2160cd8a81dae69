//! Terraform JSON configuration (`*.tf.json`): the blocks that rules and
//! the resolver need, with their addresses.
//!
//! Terraform's JSON syntax lets every level of a labelled block be an
//! object or an array of objects (`"resource": [{"aws_s3_bucket": {…}}]`);
//! both spellings are read. The loaded tree itself is the file as written;
//! `${…}` interpolations are left to [`crate::resolve::terraform`].

use crate::tree::{Loc, Map, Node};

/// Which top-level block a [`Block`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Resource,
    Data,
    Variable,
    Local,
    Output,
    Provider,
    Module,
}

/// One named block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block<'a> {
    pub kind: BlockKind,
    /// How Terraform refers to it: `aws_s3_bucket.site`,
    /// `data.aws_iam_policy_document.trust`, `var.stage`, `local.tags`,
    /// `output.url`, `module.web`, `provider.aws` or `provider.aws.east`
    /// (with its `alias`).
    pub address: String,
    /// The resource or data source type, or the provider name.
    pub type_name: Option<&'a str>,
    pub name: &'a str,
    /// The block's body (a local's value for [`BlockKind::Local`]).
    pub body: &'a Node,
    /// Where the block's name is written.
    pub loc: Loc,
}

/// `resource.<type>.<name>` blocks, addressed `type.name`.
pub fn resources(root: &Node) -> Vec<Block<'_>> {
    typed(root, "resource", BlockKind::Resource, "")
}

/// `data.<type>.<name>` blocks, addressed `data.type.name`.
pub fn data_sources(root: &Node) -> Vec<Block<'_>> {
    typed(root, "data", BlockKind::Data, "data.")
}

/// `variable.<name>` blocks, addressed `var.name`.
pub fn variables(root: &Node) -> Vec<Block<'_>> {
    named(root, "variable", BlockKind::Variable, "var.")
}

/// Every local value, addressed `local.name`.
pub fn locals(root: &Node) -> Vec<Block<'_>> {
    named(root, "locals", BlockKind::Local, "local.")
}

/// `output.<name>` blocks, addressed `output.name`.
pub fn outputs(root: &Node) -> Vec<Block<'_>> {
    named(root, "output", BlockKind::Output, "output.")
}

/// `module.<name>` blocks, addressed `module.name`.
pub fn modules(root: &Node) -> Vec<Block<'_>> {
    named(root, "module", BlockKind::Module, "module.")
}

/// `provider.<name>` blocks, one per configuration (an `alias` gives
/// `provider.name.alias`).
pub fn providers(root: &Node) -> Vec<Block<'_>> {
    named(root, "provider", BlockKind::Provider, "provider.")
        .into_iter()
        .map(|mut block| {
            block.type_name = Some(block.name);
            if let Some(alias) = block.body.get("alias").and_then(Node::as_str) {
                block.address = format!("provider.{}.{alias}", block.name);
            }
            block
        })
        .collect()
}

/// The `default_tags { tags = … }` of a provider block, when set.
pub fn default_tags<'a>(provider: &Block<'a>) -> Option<&'a Node> {
    objects(provider.body.get("default_tags")?)
        .into_iter()
        .find_map(|m| m.get("tags"))
}

/// The objects a block level holds: the object itself, or each object of
/// an array.
fn objects(node: &Node) -> Vec<&Map> {
    match node.as_array() {
        Some(items) => items.iter().filter_map(Node::as_object).collect(),
        None => node.as_object().into_iter().collect(),
    }
}

fn named<'a>(root: &'a Node, key: &str, kind: BlockKind, prefix: &str) -> Vec<Block<'a>> {
    let Some(level) = root.get(key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for map in objects(level) {
        for (name, body) in map.iter() {
            for body in bodies(body, kind) {
                out.push(Block {
                    kind,
                    address: format!("{prefix}{}", name.name),
                    type_name: None,
                    name: &name.name,
                    body,
                    loc: name.loc,
                });
            }
        }
    }
    out
}

/// A block body may itself be written as an array of bodies; a local's value
/// is taken as it is.
fn bodies(body: &Node, kind: BlockKind) -> Vec<&Node> {
    match (kind, body.as_array()) {
        (BlockKind::Local, _) | (_, None) => vec![body],
        (_, Some(items)) => items.iter().filter(|n| n.as_object().is_some()).collect(),
    }
}

fn typed<'a>(root: &'a Node, key: &str, kind: BlockKind, prefix: &str) -> Vec<Block<'a>> {
    let Some(level) = root.get(key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for types in objects(level) {
        for (type_name, by_name) in types.iter() {
            for names in objects(by_name) {
                for (name, body) in names.iter() {
                    for body in bodies(body, kind) {
                        out.push(Block {
                            kind,
                            address: format!("{prefix}{}.{}", type_name.name, name.name),
                            type_name: Some(&type_name.name),
                            name: &name.name,
                            body,
                            loc: name.loc,
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Format, Limits, load_bytes};
    use std::path::Path;

    const TF: &str = r#"{
  "provider": {"aws": [{"region": "eu-west-1", "default_tags": {"tags": {"app": "x"}}},
                       {"alias": "east", "region": "us-east-1"}]},
  "variable": {"stage": {"default": "dev"}},
  "locals": [{"a": 1}, {"b": [1, 2]}],
  "resource": {"aws_s3_bucket": {"site": {"bucket": "b"}},
               "aws_iam_role": [{"r": {"name": "n"}}]},
  "data": {"aws_iam_policy_document": {"trust": {}}},
  "output": {"url": {"value": "${aws_s3_bucket.site.arn}"}},
  "module": {"web": {"source": "./web"}}
}"#;

    fn addresses(blocks: Vec<Block<'_>>) -> Vec<String> {
        blocks.into_iter().map(|b| b.address).collect()
    }

    #[test]
    fn blocks_are_enumerated_with_addresses() {
        let doc = load_bytes(Path::new("main.tf.json"), TF.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.format, Format::TerraformJson);
        let root = &doc.root;
        let res = resources(root);
        assert_eq!(res[0].type_name, Some("aws_s3_bucket"));
        assert_eq!(res[0].loc, Loc::new(6, 34));
        assert_eq!(addresses(res), ["aws_s3_bucket.site", "aws_iam_role.r"]);
        assert_eq!(
            addresses(data_sources(root)),
            ["data.aws_iam_policy_document.trust"]
        );
        assert_eq!(addresses(variables(root)), ["var.stage"]);
        assert_eq!(addresses(locals(root)), ["local.a", "local.b"]);
        assert_eq!(addresses(outputs(root)), ["output.url"]);
        assert_eq!(addresses(modules(root)), ["module.web"]);
        let providers = providers(root);
        assert_eq!(providers[1].address, "provider.aws.east");
        let tags = default_tags(&providers[0]).unwrap();
        assert_eq!(tags.to_json(), serde_json::json!({"app": "x"}));
        assert!(default_tags(&providers[1]).is_none());
    }
}
