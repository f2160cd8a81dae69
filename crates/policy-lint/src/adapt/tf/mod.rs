//! Terraform JSON and Terraform plan JSON → model.

use crate::load::Document;
use crate::model::{Model, SourceFormat};

/// Reads a Terraform configuration or plan into the model.
pub fn adapt(doc: &Document) -> Model {
    let format = if doc.format == crate::load::Format::TerraformPlan {
        SourceFormat::TerraformPlan
    } else {
        SourceFormat::Terraform
    };
    Model::new(doc.path.clone(), format)
}
