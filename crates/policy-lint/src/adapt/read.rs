//! Typed reads of property values into [`Observed`] values, shared by the
//! CloudFormation and Terraform adapters.
//!
//! CloudFormation accepts `"true"` for a boolean and `"30"` for a number, so
//! reads accept both; anything else (an intrinsic that does not resolve, a
//! list where a scalar belongs) is unknown with a reason, never a guess.

use std::collections::BTreeMap;

use crate::adapt::Lookup;
use crate::model::Observed;
use crate::sym::Sym;
use crate::tree::{Node, Value};

/// Reads values through a resolver.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    resolver: &'a dyn Lookup,
    /// Where the resource starts: absent values point here.
    resource_loc: crate::tree::Loc,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(resolver: &'a dyn Lookup, resource_loc: crate::tree::Loc) -> Self {
        Self {
            resolver,
            resource_loc,
        }
    }

    pub(crate) fn resolver(&self) -> &'a dyn Lookup {
        self.resolver
    }

    /// Follows `keys` from `props`; absent when any step is missing.
    pub(crate) fn bool(&self, props: &Node, keys: &[&str], path: &str) -> Observed<bool> {
        self.scalar(props, keys, path, |text| {
            match text.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }
        })
    }

    pub(crate) fn int(&self, props: &Node, keys: &[&str], path: &str) -> Observed<i64> {
        self.scalar(props, keys, path, |text| {
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().map(|f| f as i64))
        })
    }

    pub(crate) fn float(&self, props: &Node, keys: &[&str], path: &str) -> Observed<f64> {
        self.scalar(props, keys, path, |text| text.parse::<f64>().ok())
    }

    pub(crate) fn string(&self, props: &Node, keys: &[&str], path: &str) -> Observed<String> {
        self.scalar(props, keys, path, |text| Some(text.to_owned()))
    }

    /// A string-valued property as a symbolic string (references kept).
    pub(crate) fn sym(&self, props: &Node, keys: &[&str], path: &str) -> Observed<Sym> {
        let full = join_path(path, keys);
        match props.pointer(keys) {
            None => Observed::absent(full, self.resource_loc),
            Some(node) => self.sym_of(node, full),
        }
    }

    pub(crate) fn sym_of(&self, node: &Node, path: String) -> Observed<Sym> {
        let sym = self.resolver.sym(node);
        match sym.unknown_reason() {
            Some(reason) if sym.parts().len() == 1 => Observed::unknown(reason, path, node.loc),
            _ => Observed::set(sym, path, node.loc),
        }
    }

    /// A list of strings; unknown if the list or any item cannot be read.
    pub(crate) fn strings(&self, props: &Node, keys: &[&str], path: &str) -> Observed<Vec<String>> {
        let full = join_path(path, keys);
        let Some(node) = props.pointer(keys) else {
            return Observed::absent(full, self.resource_loc);
        };
        let node = self.resolver.value(node);
        let Some(items) = node.as_array() else {
            return match literal_text(&node) {
                Some(text) => Observed::set(vec![text], full, node.loc),
                None => Observed::unknown(self.unreadable(&node), full, node.loc),
            };
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let item = self.resolver.value(item);
            match literal_text(&item) {
                Some(text) => out.push(text),
                None => return Observed::unknown(self.unreadable(&item), full, item.loc),
            }
        }
        Observed::set(out, full, node.loc)
    }

    /// Tags in either the `[{Key, Value}]` or the `{key: value}` form.
    pub(crate) fn tags(&self, node: &Node, path: &str) -> Observed<BTreeMap<String, String>> {
        let node = self.resolver.value(node);
        let mut tags = BTreeMap::new();
        if let Some(items) = node.as_array() {
            for item in items {
                let key = item.get("Key").map(|k| self.resolver.sym(k));
                let value = item.get("Value").map(|v| self.resolver.sym(v));
                if let Some(key) = key.as_ref().and_then(Sym::as_literal) {
                    let value = value.map(|v| v.to_string()).unwrap_or_default();
                    tags.insert(key.to_owned(), value);
                }
            }
        } else if let Some(map) = node.as_object() {
            for (key, value) in map.iter() {
                tags.insert(key.name.clone(), self.resolver.sym(value).to_string());
            }
        } else {
            return Observed::unknown(self.unreadable(&node), path, node.loc);
        }
        Observed::set(tags, path, node.loc)
    }

    fn scalar<T>(
        &self,
        props: &Node,
        keys: &[&str],
        path: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Observed<T> {
        let full = join_path(path, keys);
        let Some(node) = props.pointer(keys) else {
            return Observed::absent(full, self.resource_loc);
        };
        let resolved = self.resolver.value(node);
        match literal_text(&resolved) {
            Some(text) => match parse(&text) {
                Some(value) => Observed::set(value, full, node.loc),
                None => Observed::unknown(format!("unexpected value `{text}`"), full, node.loc),
            },
            None => Observed::unknown(self.unreadable(&resolved), full, node.loc),
        }
    }
}

impl Reader<'_> {
    /// Why a value that stayed an intrinsic cannot be read: the resolver's
    /// own reason (`parameter `Days` has no default`) when it has one.
    pub(crate) fn unreadable(&self, node: &Node) -> String {
        if node.intrinsic().is_some() {
            if let Some(reason) = self.resolver.sym(node).unknown_reason() {
                return reason.to_owned();
            }
        }
        describe_unreadable(node)
    }
}

/// A scalar's text: strings, numbers and booleans alike.
pub(crate) fn literal_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Why a value could not be read, for an unknown finding.
pub(crate) fn describe_unreadable(node: &Node) -> String {
    match &node.value {
        Value::Unknown(reason) => reason.clone(),
        Value::Null => "the value is null".to_owned(),
        Value::Array(_) => "a list where a single value belongs".to_owned(),
        Value::Object(_) => match node.intrinsic() {
            Some((name, _)) => format!("`{name}` does not resolve to a value"),
            None => "an object where a single value belongs".to_owned(),
        },
        _ => "the value cannot be read".to_owned(),
    }
}

fn join_path(prefix: &str, keys: &[&str]) -> String {
    let mut path = prefix.to_owned();
    for key in keys {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    }
    path
}
