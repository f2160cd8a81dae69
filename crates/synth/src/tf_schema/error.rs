//! The error a schema data file can fail to load with.

use thiserror::Error;

/// Why a provider schema file could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The text is not JSON of the expected layout.
    #[error("provider schema is malformed at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// What serde found wrong there.
        message: String,
    },
    /// A `type` is not a Terraform type in the JSON encoding of `terraform providers schema`.
    #[error("provider schema has an unknown type `{found}`")]
    UnknownType {
        /// The offending JSON, rendered.
        found: String,
    },
    /// The file has no schema for `registry.terraform.io/hashicorp/aws`.
    #[error("provider schema has no entry for `{source_address}`")]
    MissingProvider {
        /// The provider source address looked for.
        source_address: String,
    },
}

impl From<serde_json::Error> for SchemaError {
    fn from(err: serde_json::Error) -> Self {
        SchemaError::Malformed {
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }
}
