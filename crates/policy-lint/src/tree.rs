//! The located document tree that every loader produces.
//!
//! CloudFormation JSON and YAML, Terraform JSON and Terraform plan JSON all
//! decode into [`Node`]s: a JSON-shaped value with the line and column where
//! it starts. Short-form YAML tags are already rewritten into their long form
//! (`!Ref X` becomes `{"Ref": "X"}`), so nothing downstream knows which syntax
//! a template was written in.
//!
//! This module deliberately knows nothing about CloudFormation or Terraform
//! semantics; it only stores values and where they came from.

use std::collections::HashMap;
use std::fmt;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value together with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

/// A JSON-shaped value.
///
/// Numbers keep their source text so that huge or precise numbers survive a
/// round trip unchanged; use [`Node::as_f64`] or [`Node::as_i64`] to read them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Map),
    /// A value that exists but cannot be known before deployment, such as a
    /// Terraform plan's "known after apply". Rules must report it as unknown,
    /// never treat it as absent.
    Unknown(String),
}

/// An object key with its own location.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

/// An ordered object. Keys are unique: loaders keep the last of duplicated
/// keys, as CloudFormation does, and report the duplicate separately.
///
/// Objects with more than 16 keys also keep a name index, so
/// that building and reading a `Resources` section of 10,000 entries stays
/// linear; small objects (almost all of them) stay a plain vector.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Key, Node)>,
    index: Option<HashMap<String, usize>>,
}

/// Size above which a [`Map`] keeps a name index.
const INDEXED_FROM: usize = 16;

impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map")
            .field("entries", &self.entries)
            .finish()
    }
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.entries.iter().position(|(k, _)| k.name == name),
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEXED_FROM).then(|| {
            let names = self.entries.iter().enumerate();
            names.map(|(i, (k, _))| (k.name.clone(), i)).collect()
        });
    }

    /// Inserts `node` under `key`, replacing (and returning) an earlier value
    /// of the same name. The replaced entry keeps its position, the key and
    /// value take the new location.
    pub fn insert(&mut self, key: Key, node: Node) -> Option<(Key, Node)> {
        if let Some(at) = self.position(&key.name) {
            return Some(std::mem::replace(&mut self.entries[at], (key, node)));
        }
        match &mut self.index {
            Some(index) => {
                index.insert(key.name.clone(), self.entries.len());
                self.entries.push((key, node));
            }
            None => {
                self.entries.push((key, node));
                if self.entries.len() > INDEXED_FROM {
                    self.reindex();
                }
            }
        }
        None
    }

    pub fn get(&self, name: &str) -> Option<&Node> {
        self.position(name).map(|at| &self.entries[at].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.position(name).map(|at| &mut self.entries[at].1)
    }

    /// Removes `name`, keeping the order of the other entries.
    pub fn remove(&mut self, name: &str) -> Option<(Key, Node)> {
        let at = self.position(name)?;
        let removed = self.entries.remove(at);
        if self.index.is_some() {
            self.reindex();
        }
        Some(removed)
    }

    pub fn get_entry(&self, name: &str) -> Option<(&Key, &Node)> {
        self.position(name).map(|at| {
            let (k, v) = &self.entries[at];
            (k, v)
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The single key of a one-entry object, as intrinsic functions are
    /// written (`{"Fn::GetAtt": [...]}`).
    pub fn single(&self) -> Option<(&Key, &Node)> {
        match self.entries.as_slice() {
            [(k, v)] => Some((k, v)),
            _ => None,
        }
    }
}

impl Node {
    pub fn new(value: Value, loc: Loc) -> Self {
        Self { value, loc }
    }

    pub fn string(s: impl Into<String>, loc: Loc) -> Self {
        Self::new(Value::String(s.into()), loc)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match &self.value {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Looks up `name` when this node is an object.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.as_object().and_then(|m| m.get(name))
    }

    /// Looks up `name` for change when this node is an object.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Object(map) => map.get_mut(name),
            _ => None,
        }
    }

    /// Follows a path of object keys.
    pub fn pointer(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The intrinsic function this node calls, if it is a one-key object whose
    /// key is `Ref`, `Condition` or starts with `Fn::`.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        let (key, arg) = self.as_object()?.single()?;
        let name = key.name.as_str();
        let is_intrinsic = name == "Ref" || name == "Condition" || name.starts_with("Fn::");
        is_intrinsic.then_some((name, arg))
    }

    /// Converts to a `serde_json::Value`, dropping locations. Numbers that do
    /// not fit JSON's number grammar are kept as strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(J::Number)
                .unwrap_or_else(|_| J::String(n.clone())),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(map) => J::Object(
                map.iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Unknown(reason) => serde_json::json!({ "$unknown": reason }),
        }
    }

    /// Builds a tree from a `serde_json::Value`, giving every node `loc`.
    /// Used for values that have no source text, such as built-in defaults.
    pub fn from_json(value: &serde_json::Value, loc: Loc) -> Self {
        use serde_json::Value as J;
        let value = match value {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.to_string()),
            J::String(s) => Value::String(s.clone()),
            J::Array(items) => {
                Value::Array(items.iter().map(|v| Self::from_json(v, loc)).collect())
            }
            J::Object(obj) => {
                let mut map = Map::new();
                for (k, v) in obj {
                    let key = Key {
                        name: k.clone(),
                        loc,
                    };
                    map.insert(key, Self::from_json(v, loc));
                }
                Value::Object(map)
            }
        };
        Self { value, loc }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, line: u32) -> Key {
        Key {
            name: name.to_owned(),
            loc: Loc::new(line, 1),
        }
    }

    #[test]
    fn duplicate_key_keeps_last_value_in_first_position() {
        let mut map = Map::new();
        map.insert(key("A", 1), Node::string("one", Loc::new(1, 4)));
        map.insert(key("B", 2), Node::string("two", Loc::new(2, 4)));
        let old = map.insert(key("A", 3), Node::string("three", Loc::new(3, 4)));
        assert_eq!(
            old.map(|(_, v)| v.as_str().map(str::to_owned)),
            Some(Some("one".into()))
        );
        assert_eq!(map.keys().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(map.get("A").and_then(Node::as_str), Some("three"));
        assert_eq!(map.get_entry("A").map(|(k, _)| k.loc.line), Some(3));
    }

    #[test]
    fn intrinsic_is_recognised_only_on_single_key_objects() {
        let json = serde_json::json!({"Fn::GetAtt": ["Table", "Arn"]});
        let node = Node::from_json(&json, Loc::default());
        assert_eq!(node.intrinsic().map(|(name, _)| name), Some("Fn::GetAtt"));

        let json = serde_json::json!({"Ref": "X", "Other": 1});
        assert!(Node::from_json(&json, Loc::default()).intrinsic().is_none());
    }

    #[test]
    fn json_round_trip_keeps_huge_numbers() {
        let node = Node::new(Value::Number("1e400".into()), Loc::default());
        assert_eq!(node.to_json(), serde_json::json!("1e400"));
    }

    #[test]
    fn large_maps_index_names_and_keep_order() {
        let mut map = Map::new();
        for i in 0..40 {
            map.insert(key(&format!("k{i}"), i), Node::string("v", Loc::default()));
        }
        let old = map.insert(key("k3", 99), Node::string("new", Loc::default()));
        assert_eq!(old.map(|(k, _)| k.loc.line), Some(3));
        assert_eq!(map.get("k3").and_then(Node::as_str), Some("new"));
        assert_eq!(map.get_entry("k3").map(|(k, _)| k.loc.line), Some(99));
        assert!(map.remove("k0").is_some());
        assert_eq!(map.keys().next(), Some("k1"));
        assert_eq!(map.get("k39").and_then(Node::as_str), Some("v"));
        assert!(map.get("k0").is_none());
        for i in 1..30 {
            map.remove(&format!("k{i}"));
        }
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            (30..40).map(|i| format!("k{i}")).collect::<Vec<_>>()
        );
        assert_eq!(map.get("k35").and_then(Node::as_str), Some("v"));
    }
}
