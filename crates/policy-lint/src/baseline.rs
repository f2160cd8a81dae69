//! Baselines: the findings a repository already had when it adopted the
//! linter, so that CI gates only new ones.
//!
//! `--write-baseline FILE` records every failure and unknown of a run;
//! `--baseline FILE` turns the findings it lists into `suppressed` ones with
//! the waiver text `in baseline FILE`. An entry is keyed by rule, file,
//! resource and granular detail, never by line or message, so editing a
//! template around a finding, or rewording a message in a new release, keeps
//! it baselined. Waived findings are not recorded: their waiver already
//! says why they are accepted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Status};
use crate::output::{Report, display_path};

/// The start of a baselined finding's waiver text; the SARIF output
/// reports such a suppression as `external` rather than `inSource`.
pub const REASON_PREFIX: &str = "in baseline ";

/// Bumped when the file's shape changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// The findings a repository accepted when it adopted the linter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub format_version: u32,
    /// Sorted, without duplicates.
    pub findings: BTreeSet<Entry>,
}

/// What identifies a finding across edits to its template.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// `/`-separated, relative to the directory the linter ran in.
    pub file: String,
    /// Logical ID or Terraform address; empty for the template itself.
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A baseline file that cannot be read or is not a baseline.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline `{}`: {cause}", .path.display())]
    Unreadable {
        path: PathBuf,
        /// In the message, not a `source`: a chain printout names it once.
        cause: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a policy-lint baseline: {message}", .path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: baseline format version {found} is not supported (expected {FORMAT_VERSION})", .path.display())]
    UnsupportedVersion { path: PathBuf, found: u32 },
}

impl Entry {
    fn of(finding: &Finding, root: &Path) -> Self {
        Self {
            rule: finding.rule.to_owned(),
            file: display_path(&finding.file, root),
            resource: finding.resource.clone(),
            detail: finding.detail.clone(),
        }
    }
}

fn gates(finding: &Finding) -> bool {
    matches!(finding.status, Status::Fail | Status::Unknown)
}

impl Baseline {
    /// The failures and unknowns of `report`, files relative to `root`.
    pub fn from_report(report: &Report, root: &Path) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            findings: report
                .findings
                .iter()
                .filter(|f| gates(f))
                .map(|f| Entry::of(f, root))
                .collect(),
        }
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads the baseline at `path`.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|cause| BaselineError::Unreadable {
            path: path.to_path_buf(),
            cause,
        })?;
        Self::parse(path, &text)
    }

    /// Parses baseline text read from `path` (named in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Self, BaselineError> {
        let baseline: Self = serde_json::from_str(text).map_err(|e| BaselineError::Malformed {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        if baseline.format_version != FORMAT_VERSION {
            return Err(BaselineError::UnsupportedVersion {
                path: path.to_path_buf(),
                found: baseline.format_version,
            });
        }
        Ok(baseline)
    }

    /// Suppresses the failures and unknowns of `report` that the baseline
    /// lists, with the waiver text `in baseline LABEL`. Returns the entries
    /// that matched nothing: findings fixed since, which the baseline can
    /// drop.
    pub fn apply(&self, report: &mut Report, root: &Path, label: &str) -> Vec<&Entry> {
        let mut used = BTreeSet::new();
        for finding in report.findings.iter_mut().filter(|f| gates(f)) {
            if let Some(entry) = self.findings.get(&Entry::of(finding, root)) {
                finding.status = Status::Suppressed;
                finding.waiver = Some(format!("{REASON_PREFIX}{label}"));
                used.insert(entry);
            }
        }
        self.findings.iter().filter(|e| !used.contains(e)).collect()
    }
}

/// serde_json ends its messages with " at line L column C"; the position is
/// given in front instead.
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
        .to_owned()
}
