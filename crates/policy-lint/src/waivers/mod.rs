//! Waivers: decisions to accept a finding, with the reason a person gave.
//!
//! They come from two places: a resource's template `Metadata` (read by the
//! CloudFormation adapter into [`crate::model::Waiver`]) and reviewed waiver
//! files (`policy-lint.waivers.toml`, read by [`file`]). [`apply`] matches
//! both against a document's findings, honouring expiry dates and the
//! rules the config makes unwaivable, and reports waivers that matched
//! nothing.

mod apply;
pub mod date;
pub mod file;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

pub(crate) use apply::{Applied, apply, file_diagnostics, normalize};
pub use date::Date;
pub use file::{FileWaiver, WaiverFileError};

use crate::finding::Severity;

/// Where a waiver was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WaiverSource {
    /// The resource's template `Metadata` (ours, cdk-nag's or checkov's key).
    Metadata,
    /// A reviewed waiver file.
    File,
}

impl WaiverSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metadata => "metadata",
            Self::File => "waiver file",
        }
    }
}

/// Why a waiver that covers a finding does not suppress it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Refusal {
    /// Its `expires` date has passed.
    Expired,
    /// The config makes the rule (or its severity) unwaivable.
    Unwaivable,
}

/// The waiver that covers a finding, as every output shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WaiverRecord {
    pub source: WaiverSource,
    /// The file the waiver is written in (the template, or the waiver file)
    /// and where.
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The last day the waiver applies, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Why the waiver does not suppress the finding; absent when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
}

impl WaiverRecord {
    /// One line for text outputs: why the waiver did not apply, or the
    /// reason and the reviewer's details when it did.
    pub fn describe(&self) -> String {
        self.describe_at(&self.file.display().to_string())
    }

    /// [`Self::describe`], naming the waiver's file as `file` (CI formats
    /// name files relative to the checkout).
    pub fn describe_at(&self, file: &str) -> String {
        let mut text = match self.refused {
            Some(Refusal::Expired) => format!(
                "waiver expired on {}: {}",
                self.expires.as_deref().unwrap_or("?"),
                self.reason
            ),
            Some(Refusal::Unwaivable) => {
                format!(
                    "waiver refused, the rule is unwaivable by config: {}",
                    self.reason
                )
            }
            None => self.reason.clone(),
        };
        let extras: Vec<String> = [
            ("approver", &self.approver),
            ("ticket", &self.ticket),
            ("expires", &self.expires),
        ]
        .into_iter()
        // An expired waiver's date is already in the text.
        .filter(|(key, _)| self.refused != Some(Refusal::Expired) || *key != "expires")
        .filter_map(|(key, value)| value.as_ref().map(|v| format!("{key} {v}")))
        .collect();
        if !extras.is_empty() {
            text.push_str(&format!(" ({})", extras.join(", ")));
        }
        text.push_str(&format!(
            " [{} {file}:{}:{}]",
            self.source.as_str(),
            self.line,
            self.column
        ));
        text
    }
}

/// What is wrong with a waiver itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticKind {
    /// It matched no failure or unknown: the finding is fixed, or the
    /// waiver names the wrong rule, resource or detail.
    Unused,
    /// It covers a finding of a rule the config makes unwaivable.
    Unwaivable,
}

impl DiagnosticKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unused => "unused",
            Self::Unwaivable => "unwaivable",
        }
    }
}

/// A diagnostic about a waiver, located where the waiver is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct WaiverDiagnostic {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub kind: DiagnosticKind,
    /// `warning`, or `error` for an unused waiver under `fail-on-unused`.
    pub severity: Severity,
    pub source: WaiverSource,
    /// The rule the waiver names.
    pub rule: String,
    /// The resource the waiver is for.
    pub resource: String,
    pub message: String,
}
