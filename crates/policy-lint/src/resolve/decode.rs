//! `decode FILE [--resolve]`: a template as the linter reads it, as
//! canonical JSON.
//!
//! Short-form YAML tags come out in long form, key order is the file's,
//! numbers keep their text, and a value known only after apply is
//! `{"$unknown": "<reason>"}`. With `resolve`, a CloudFormation template is
//! printed after `Fn::ForEach` expansion and [`Resolver::resolved_template`]
//! (references, mappings and conditions worked out with parameter
//! defaults); a Terraform file is printed as loaded.

use std::path::Path;

use super::Resolver;
use crate::load::{Limits, LoadError, load_file};

/// Loads `path` and returns it as canonical JSON (see the module doc).
pub fn decode(path: &Path, resolve: bool, limits: &Limits) -> Result<serde_json::Value, LoadError> {
    let doc = load_file(path, limits)?;
    if resolve && doc.format.is_cloudformation() {
        return Ok(Resolver::new(&doc).resolved_template().to_json());
    }
    Ok(doc.root.to_json())
}
