//! Typed template outputs.

use serde::Serialize;

use crate::cfn::Value;

/// A template output: a value the stack publishes after deployment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    /// The output's logical name.
    #[serde(skip)]
    pub name: String,
    /// What the value is. Default: `-` none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value, usually a reference such as `api.url()`.
    pub value: Value<String>,
    /// A name other stacks can import the value by. Default: `-` not exported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
}

/// The export of an output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    /// The export name, unique per account and region.
    pub name: Value<String>,
}

impl Output {
    /// An output `name` with `value`.
    pub fn new(name: impl Into<String>, value: impl Into<Value<String>>) -> Self {
        Self {
            name: name.into(),
            description: None,
            value: value.into(),
            export: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Exports the value under `name`.
    pub fn export(mut self, name: impl Into<Value<String>>) -> Self {
        self.export = Some(Export { name: name.into() });
        self
    }
}
