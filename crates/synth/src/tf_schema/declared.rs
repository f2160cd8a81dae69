//! What a configuration declares (resources, data sources, variables, locals, modules),
//! gathered from every file of the module before any reference is checked.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The names a module's files declare.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    pub(crate) resources: BTreeMap<String, BTreeSet<String>>,
    pub(crate) data: BTreeMap<String, BTreeSet<String>>,
    /// Ephemeral resources (Terraform 1.10+), by type.
    pub(crate) ephemeral: BTreeMap<String, BTreeSet<String>>,
    pub(crate) variables: BTreeSet<String>,
    pub(crate) locals: BTreeSet<String>,
    pub(crate) modules: BTreeSet<String>,
}

impl Declared {
    pub(crate) fn collect<'v>(docs: impl IntoIterator<Item = &'v Value>) -> Declared {
        let mut declared = Declared::default();
        for doc in docs {
            declared.add(doc);
        }
        declared
    }

    fn add(&mut self, doc: &Value) {
        for (key, value) in doc.as_object().into_iter().flatten() {
            match key.as_str() {
                "resource" => add_typed(&mut self.resources, value),
                "data" => add_typed(&mut self.data, value),
                "ephemeral" => add_typed(&mut self.ephemeral, value),
                "variable" => self.variables.extend(names(value)),
                "locals" => self.locals.extend(names(value)),
                "module" => self.modules.extend(names(value)),
                _ => {}
            }
        }
    }

    pub(crate) fn has_resource(&self, ty: &str, name: &str) -> bool {
        self.resources
            .get(ty)
            .is_some_and(|names| names.contains(name))
    }

    pub(crate) fn has_data(&self, ty: &str, name: &str) -> bool {
        self.data.get(ty).is_some_and(|names| names.contains(name))
    }

    pub(crate) fn has_ephemeral(&self, ty: &str, name: &str) -> bool {
        self.ephemeral
            .get(ty)
            .is_some_and(|names| names.contains(name))
    }
}

fn add_typed(into: &mut BTreeMap<String, BTreeSet<String>>, value: &Value) {
    for (ty, by_name) in labelled(value) {
        into.entry(ty.to_owned())
            .or_default()
            .extend(names(by_name));
    }
}

fn names(value: &Value) -> impl Iterator<Item = String> + '_ {
    labelled(value).into_iter().map(|(name, _)| name.to_owned())
}

/// The entries of a label level: Terraform JSON allows an object, or an array of objects
/// whose entries are merged. `//` keys are comments.
pub(crate) fn labelled(value: &Value) -> Vec<(&str, &Value)> {
    let objects: Vec<&serde_json::Map<String, Value>> = match value {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    objects
        .into_iter()
        .flat_map(|map| map.iter())
        .filter(|(key, _)| key.as_str() != "//")
        .map(|(key, value)| (key.as_str(), value))
        .collect()
}
