//! The state of one CloudFormation resource being translated: its properties, consumed one by
//! one, and the helpers every translator uses.
//!
//! Translators take each property they understand; [`Res::finish`] then refuses any property
//! left over, so a setting the translator does not know is an error naming the resource and the
//! property, never a setting silently missing from the Terraform output.

use serde_json::{Map, Value as Json};

use super::expr::{Exprs, unsupported};
use crate::error::Result;

/// One Terraform resource block to write: type, name, body.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) ty: &'static str,
    pub(crate) name: String,
    pub(crate) body: Map<String, Json>,
}

impl Block {
    pub(crate) fn new(ty: &'static str, name: impl Into<String>) -> Self {
        Self {
            ty,
            name: name.into(),
            body: Map::new(),
        }
    }

    /// `aws_x.name`, for references and `depends_on`.
    pub(crate) fn address(&self) -> String {
        format!("{}.{}", self.ty, self.name)
    }

    /// `${aws_x.name.attr}`
    pub(crate) fn attr(&self, attr: &str) -> Json {
        Json::String(format!("${{{}.{}.{attr}}}", self.ty, self.name))
    }

    pub(crate) fn set(&mut self, key: &str, value: impl Into<Json>) {
        self.body.insert(key.to_owned(), value.into());
    }
}

/// A resource under translation.
pub(crate) struct Res<'a> {
    pub(crate) x: &'a Exprs,
    /// The full construct path, for messages.
    pub(crate) path: String,
    /// The resource's Terraform name.
    pub(crate) name: String,
    /// The tags the resource carries beyond the provider's `default_tags`.
    pub(crate) tags: Map<String, Json>,
    props: Map<String, Json>,
}

impl<'a> Res<'a> {
    pub(crate) fn new(x: &'a Exprs, path: String, name: String, props: Map<String, Json>) -> Self {
        Self {
            x,
            path,
            name,
            tags: Map::new(),
            props,
        }
    }

    /// Takes a property out of the resource.
    pub(crate) fn take(&mut self, key: &str) -> Option<Json> {
        self.props.remove(key)
    }

    /// Translates property `cfn` into argument `tf` of `block`, when it is set.
    pub(crate) fn copy(&mut self, block: &mut Block, tf: &str, cfn: &str) -> Result<()> {
        if let Some(value) = self.take(cfn) {
            let value = self.value(&value)?;
            block.set(tf, value);
        }
        Ok(())
    }

    /// [`Res::copy`] for several (tf, cfn) pairs.
    pub(crate) fn copy_all(&mut self, block: &mut Block, pairs: &[(&str, &str)]) -> Result<()> {
        for (tf, cfn) in pairs {
            self.copy(block, tf, cfn)?;
        }
        Ok(())
    }

    /// Translates property `cfn`, a policy document, into the JSON string argument `tf`.
    pub(crate) fn policy(&mut self, block: &mut Block, tf: &str, cfn: &str) -> Result<()> {
        if let Some(document) = self.take(cfn) {
            let text = self.x.policy(&self.path, &document)?;
            block.set(tf, text);
        }
        Ok(())
    }

    pub(crate) fn value(&self, value: &Json) -> Result<Json> {
        self.x.value(&self.path, value)
    }

    /// A nested CloudFormation object as a Terraform block of the named (tf, cfn) fields;
    /// any other field is an error.
    pub(crate) fn nested(&self, what: &str, value: &Json, fields: &[(&str, &str)]) -> Result<Json> {
        let Some(object) = value.as_object() else {
            return Err(self.error(&format!("`{what}` is not an object")));
        };
        let mut out = Map::new();
        for (key, item) in object {
            let Some((tf, _)) = fields.iter().find(|(_, cfn)| cfn == key) else {
                return Err(self.error(&format!("`{what}.{key}` has no Terraform translation")));
            };
            out.insert((*tf).to_owned(), self.value(item)?);
        }
        Ok(Json::Object(out))
    }

    /// [`Res::nested`] over every item of a list.
    pub(crate) fn nested_list(
        &self,
        what: &str,
        value: &Json,
        fields: &[(&str, &str)],
    ) -> Result<Json> {
        let Some(items) = value.as_array() else {
            return Err(self.error(&format!("`{what}` is not a list")));
        };
        items
            .iter()
            .map(|item| self.nested(what, item, fields))
            .collect::<Result<Vec<_>>>()
            .map(Json::Array)
    }

    /// Adds `tags` to `block` when the resource has tags of its own.
    pub(crate) fn tag(&self, block: &mut Block) {
        if !self.tags.is_empty() {
            block.set("tags", Json::Object(self.tags.clone()));
        }
    }

    pub(crate) fn error(&self, reason: &str) -> crate::error::SynthError {
        unsupported(&self.path, reason)
    }

    /// Refuses properties no translator step took.
    pub(crate) fn finish(self) -> Result<()> {
        match self.props.keys().next() {
            Some(key) => Err(unsupported(
                &self.path,
                &format!("property `{key}` has no Terraform translation"),
            )),
            None => Ok(()),
        }
    }
}
