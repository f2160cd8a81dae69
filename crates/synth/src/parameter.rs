//! Typed template parameters.

use serde::Serialize;

use crate::cfn::{Intrinsic, Value};

/// The CloudFormation type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParameterType {
    /// A string.
    String,
    /// A number.
    Number,
    /// A comma-separated list of strings.
    #[serde(rename = "CommaDelimitedList")]
    CommaDelimitedList,
}

/// A template parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    /// The parameter's logical name.
    #[serde(skip)]
    pub name: String,
    /// The parameter type.
    #[serde(rename = "Type")]
    pub kind: ParameterType,
    /// What the parameter is for. Default: `-` none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value used when none is passed. Default: `-` the parameter is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// A regular expression the value must match. Default: `-` any value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// The message shown when `allowed_pattern` does not match. Default: `-` CloudFormation's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
    /// Hides the value in the console and API (for secrets passed at deploy time).
    /// Default: `false`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_echo: bool,
}

impl Parameter {
    /// A required string parameter.
    pub fn string(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: ParameterType::String,
            description: None,
            default: None,
            allowed_pattern: None,
            constraint_description: None,
            no_echo: false,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the default value.
    pub fn default_value(mut self, value: impl Into<String>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// Constrains the value to a pattern, with the message shown on a mismatch.
    pub fn allowed_pattern(
        mut self,
        pattern: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.allowed_pattern = Some(pattern.into());
        self.constraint_description = Some(message.into());
        self
    }
}

/// A reference to a declared parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterRef {
    name: String,
}

impl ParameterRef {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
        }
    }

    /// The parameter's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `{"Ref": name}`: the parameter's value.
    pub fn value(&self) -> Value<String> {
        Intrinsic::reference(&self.name).into()
    }
}
