//! The state one validation run carries: the schema, the module's declarations, the
//! violations found so far, and the reference checks every value goes through.

use std::collections::BTreeSet;

use serde_json::Value;

use super::declared::Declared;
use super::expr::{Step, Traversal, template_references};
use super::schema::{Block, Schema};
use super::suggest::did_you_mean;
use super::template::{Unclosed, parts};
use super::violation::{Sink, ViolationKind};

pub(crate) struct Ctx<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) declared: &'a Declared,
    pub(crate) sink: Sink<'a>,
    /// The iterator names of the `dynamic` blocks being checked: roots, not references.
    pub(crate) iterators: Vec<String>,
}

/// Roots Terraform defines itself; what follows them is not checked.
const BUILTIN_ROOTS: &[&str] = &["path", "terraform", "count", "each", "self"];

impl Ctx<'_> {
    pub(crate) fn report(&mut self, path: &str, kind: ViolationKind, message: String) {
        self.sink.report(path, kind, message);
    }

    /// Checks every reference in every string of `value`.
    pub(crate) fn scan(&mut self, value: &Value, path: &str) {
        match value {
            Value::String(text) => self.scan_template(text, path),
            Value::Array(items) => items.iter().for_each(|item| self.scan(item, path)),
            Value::Object(map) => map.values().for_each(|item| self.scan(item, path)),
            _ => {}
        }
    }

    fn scan_template(&mut self, text: &str, path: &str) {
        if let Err(Unclosed(at)) = parts(text) {
            let message = format!("unclosed template sequence at byte {at} of {text:?}");
            self.report(path, ViolationKind::BadTemplate, message);
            return;
        }
        for traversal in template_references(text) {
            self.check_reference(&traversal, path);
        }
    }

    /// Checks that a reference names something declared and, for resources and data
    /// sources, an attribute or block their type has.
    pub(crate) fn check_reference(&mut self, r: &Traversal, path: &str) {
        let declared = self.declared;
        match r.root.as_str() {
            "var" => self.check_named(r, &declared.variables, "variable", path),
            "local" => self.check_named(r, &declared.locals, "local value", path),
            "module" => self.check_named(r, &declared.modules, "module", path),
            "data" => self.check_data(r, path),
            "ephemeral" => self.check_ephemeral(r, path),
            root if BUILTIN_ROOTS.contains(&root) || self.iterators.iter().any(|i| i == root) => {}
            _ => self.check_resource(r, path),
        }
    }

    fn check_named(&mut self, r: &Traversal, names: &BTreeSet<String>, what: &str, path: &str) {
        let Some(name) = r.attr(0) else { return };
        if !names.contains(name) {
            let message = format!("reference `{}` to undeclared {what} `{name}`", r.render());
            self.report(path, ViolationKind::UndeclaredReference, message);
        }
    }

    fn check_resource(&mut self, r: &Traversal, path: &str) {
        let Some(name) = r.attr(0) else { return };
        if !self.declared.has_resource(&r.root, name) {
            let message = format!(
                "reference `{}` to undeclared resource `{}.{name}`",
                r.render(),
                r.root
            );
            self.report(path, ViolationKind::UndeclaredReference, message);
            return;
        }
        let schema = self.schema.resources.get(&r.root);
        self.check_attribute(r, 1, schema, &r.root, path);
    }

    fn check_ephemeral(&mut self, r: &Traversal, path: &str) {
        let (Some(ty), Some(name)) = (r.attr(0), r.attr(1)) else {
            return;
        };
        if !self.declared.has_ephemeral(ty, name) {
            let message = format!(
                "reference `{}` to undeclared ephemeral resource `ephemeral.{ty}.{name}`",
                r.render()
            );
            self.report(path, ViolationKind::UndeclaredReference, message);
        }
    }

    fn check_data(&mut self, r: &Traversal, path: &str) {
        let (Some(ty), Some(name)) = (r.attr(0), r.attr(1)) else {
            return;
        };
        if !self.declared.has_data(ty, name) {
            let message = format!(
                "reference `{}` to undeclared data source `data.{ty}.{name}`",
                r.render()
            );
            self.report(path, ViolationKind::UndeclaredReference, message);
            return;
        }
        let schema = self.schema.data_sources.get(ty);
        self.check_attribute(r, 2, schema, ty, path);
    }

    /// The first attribute after the instance (skipping a `count`/`for_each` index) must be
    /// one the type has; deeper steps go into nested blocks and objects, left unchecked.
    fn check_attribute(
        &mut self,
        r: &Traversal,
        from: usize,
        schema: Option<&Block>,
        ty: &str,
        path: &str,
    ) {
        let Some(block) = schema else { return };
        let attr = r.steps[from..].iter().find_map(|step| match step {
            Step::Attr(name) => Some(name.as_str()),
            Step::Index => None,
        });
        let Some(attr) = attr else { return };
        if !block.attributes.contains_key(attr) && !block.block_types.contains_key(attr) {
            let hint = did_you_mean(attr, block.names());
            let message = format!(
                "reference `{}`: `{ty}` has no attribute `{attr}`{hint}",
                r.render()
            );
            self.report(path, ViolationKind::UnknownAttribute, message);
        }
    }
}
