//! Expanding `Fn::ForEach` (the `AWS::LanguageExtensions` transform).
//!
//! ```yaml
//! Fn::ForEach::LogGroups:
//!   - Name                      # identifier
//!   - [Alpha, Beta]             # collection
//!   - LogGroup${Name}: {…}      # fragment: output key → value
//! ```
//!
//! The loop key is replaced by one copy of the fragment per element. In the
//! copies `${Name}` and `&{Name}` (the element without non-alphanumeric
//! characters) are substituted in keys and in `Fn::Sub` templates, and
//! `{"Ref": "Name"}` becomes the element, as CloudFormation does. Loops
//! nest, and may appear in any mapping (`Resources`, `Outputs`,
//! `Conditions`, inside properties). A collection that cannot be known
//! leaves the loop in place and is reported; copies are bounded by
//! [`super::ResolveLimits::max_foreach_items`].

use super::Resolver;
use crate::load::{Diagnostic, DiagnosticKind};
use crate::tree::{Key, Map, Node, Value};

const PREFIX: &str = "Fn::ForEach::";

pub(crate) fn expand(resolver: &Resolver, root: &Node) -> (Node, Vec<Diagnostic>) {
    let mut expander = Expander {
        resolver,
        copies: 0,
        diagnostics: Vec::new(),
    };
    let node = expander.node(root);
    (node, expander.diagnostics)
}

struct Expander<'a> {
    resolver: &'a Resolver,
    copies: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Expander<'_> {
    fn node(&mut self, node: &Node) -> Node {
        let value = match &node.value {
            Value::Array(items) => Value::Array(items.iter().map(|n| self.node(n)).collect()),
            Value::Object(map) => Value::Object(self.object(map)),
            other => other.clone(),
        };
        Node::new(value, node.loc)
    }

    fn object(&mut self, map: &Map) -> Map {
        let mut out = Map::new();
        for (key, value) in map.iter() {
            let entries = match key.name.strip_prefix(PREFIX) {
                Some(_) => self.expand_loop(key, value),
                None => None,
            };
            match entries {
                Some(entries) => {
                    for (k, v) in entries.iter() {
                        self.insert(&mut out, k.clone(), v.clone());
                    }
                }
                None => {
                    let value = self.node(value);
                    self.insert(&mut out, key.clone(), value);
                }
            }
        }
        out
    }

    fn insert(&mut self, map: &mut Map, key: Key, value: Node) {
        let (name, loc) = (key.name.clone(), key.loc);
        if map.insert(key, value).is_some() {
            self.report(
                DiagnosticKind::DuplicateKey,
                format!("`Fn::ForEach` makes key `{name}` twice; the last value is used"),
                loc,
            );
        }
    }

    fn report(&mut self, kind: DiagnosticKind, message: String, loc: crate::tree::Loc) {
        self.diagnostics.push(Diagnostic::new(kind, message, loc));
    }

    /// The expanded entries of one loop, or `None` to keep it as written.
    fn expand_loop(&mut self, key: &Key, value: &Node) -> Option<Map> {
        let Some([identifier, collection, fragment]) = value.as_array() else {
            let message = format!(
                "`{}` needs an identifier, a collection and a fragment",
                key.name
            );
            self.report(DiagnosticKind::InvalidIntrinsic, message, key.loc);
            return None;
        };
        let (Some(identifier), Some(fragment)) = (identifier.as_str(), fragment.as_object()) else {
            let message = format!(
                "`{}` needs a string identifier and a mapping fragment",
                key.name
            );
            self.report(DiagnosticKind::InvalidIntrinsic, message, key.loc);
            return None;
        };
        let items = self.items(key, collection)?;
        let mut copies = Map::new();
        for item in &items {
            for (k, v) in fragment.iter() {
                let k = Key {
                    name: replace_identifier(&k.name, identifier, item),
                    loc: k.loc,
                };
                copies.insert(k, substitute(v, identifier, item));
            }
        }
        Some(self.object(&copies))
    }

    fn items(&mut self, key: &Key, collection: &Node) -> Option<Vec<String>> {
        let items = match self.resolver.list(collection) {
            Ok(items) => items,
            Err(reason) => {
                let message = format!("`{}` collection cannot be expanded: {reason}", key.name);
                self.report(DiagnosticKind::Unresolvable, message, collection.loc);
                return None;
            }
        };
        let mut texts = Vec::with_capacity(items.len());
        for item in &items {
            match self.resolver.sym(item).as_literal() {
                Some(text) => texts.push(text.to_owned()),
                None => {
                    let message =
                        format!("`{}` collection has an element that is not known", key.name);
                    self.report(DiagnosticKind::Unresolvable, message, item.loc);
                    return None;
                }
            }
        }
        self.copies += texts.len();
        if self.copies > self.resolver.limits().max_foreach_items {
            let limit = self.resolver.limits().max_foreach_items;
            let message = format!(
                "`Fn::ForEach` makes more than {limit} copies; `{}` is not expanded",
                key.name
            );
            self.report(DiagnosticKind::Unresolvable, message, key.loc);
            return None;
        }
        Some(texts)
    }
}

/// Replaces `${identifier}` and `&{identifier}` in `text`.
fn replace_identifier(text: &str, identifier: &str, item: &str) -> String {
    let alphanumeric: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    text.replace(&format!("${{{identifier}}}"), item)
        .replace(&format!("&{{{identifier}}}"), &alphanumeric)
}

/// A copy of `node` with the loop variable substituted (see the module doc).
fn substitute(node: &Node, identifier: &str, item: &str) -> Node {
    if let Some((name, arg)) = node.intrinsic() {
        match name {
            "Ref" if arg.as_str() == Some(identifier) => return Node::string(item, node.loc),
            "Fn::Sub" => return wrap(name, node, substitute_sub(arg, identifier, item)),
            _ => {}
        }
    }
    let value = match &node.value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|n| substitute(n, identifier, item))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                let key = Key {
                    name: replace_identifier(&k.name, identifier, item),
                    loc: k.loc,
                };
                out.insert(key, substitute(v, identifier, item));
            }
            Value::Object(out)
        }
        other => other.clone(),
    };
    Node::new(value, node.loc)
}

fn substitute_sub(arg: &Node, identifier: &str, item: &str) -> Node {
    match &arg.value {
        Value::String(s) => Node::string(replace_identifier(s, identifier, item), arg.loc),
        Value::Array(parts) => {
            let shadowed = parts.get(1).and_then(|vars| vars.get(identifier)).is_some();
            let parts = parts
                .iter()
                .enumerate()
                .map(|(i, part)| match (i, &part.value) {
                    (0, Value::String(s)) if !shadowed => {
                        Node::string(replace_identifier(s, identifier, item), part.loc)
                    }
                    _ => substitute(part, identifier, item),
                });
            Node::new(Value::Array(parts.collect()), arg.loc)
        }
        _ => substitute(arg, identifier, item),
    }
}

fn wrap(name: &str, original: &Node, arg: Node) -> Node {
    let key_loc = original
        .as_object()
        .and_then(Map::single)
        .map_or(original.loc, |(k, _)| k.loc);
    let mut map = Map::new();
    map.insert(
        Key {
            name: name.to_owned(),
            loc: key_loc,
        },
        arg,
    );
    Node::new(Value::Object(map), original.loc)
}
