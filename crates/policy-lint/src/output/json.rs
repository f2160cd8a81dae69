//! The JSON format: a documented contract, with a schema generated from
//! these types (`policy-lint schema`).

use schemars::JsonSchema;
use serde::Serialize;

use super::{InputError, Report, Summary};
use crate::finding::Finding;
use crate::waivers::WaiverDiagnostic;

/// Bumped when a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;

/// The top-level JSON document.
#[derive(Serialize, JsonSchema)]
pub struct JsonReport<'a> {
    pub format_version: u32,
    pub tool: Tool,
    /// Failures, unknowns and suppressions, sorted by file, position,
    /// resource and rule.
    pub findings: Vec<&'a Finding>,
    /// Inputs that could not be linted.
    pub input_errors: &'a [InputError],
    /// Waivers that matched no finding, or that cover a rule the config
    /// makes unwaivable; absent when there are none.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub waiver_diagnostics: &'a [WaiverDiagnostic],
    pub summary: Summary,
}

#[derive(Serialize, JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// Renders the report as pretty-printed JSON with a final newline.
pub fn render_json(report: &Report) -> String {
    let doc = JsonReport {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "policy-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report.reportable().collect(),
        input_errors: &report.input_errors,
        waiver_diagnostics: &report.waiver_diagnostics,
        summary: report.summary(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        // Serialising plain data structs cannot fail; keep the output valid
        // JSON all the same.
        format!("{{\"error\": \"{e}\"}}")
    });
    text.push('\n');
    text
}
