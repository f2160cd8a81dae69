//! The JSON report: the report model as a documented contract, with a JSON
//! Schema generated from the model types.

use super::model::ComplianceReport;

/// Renders the report as pretty-printed JSON with a final newline.
pub fn render_json(report: &ComplianceReport) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}

/// The JSON Schema of [`render_json`]'s output, pretty-printed with a final
/// newline.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ComplianceReport);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
