//! Output formats. Each format is a small renderer in its own file; all of
//! them render the same [`Report`].

mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use github::render_github;
pub use human::render_human;
pub use json::{FORMAT_VERSION, JsonReport, render_json};
pub use junit::render_junit;
pub use sarif::render_sarif;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{Finding, Severity, Status};
use crate::waivers::WaiverDiagnostic;

/// An input that could not be linted at all (unreadable, not a template,
/// malformed). The other inputs are still linted.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct InputError {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Everything one run of the linter found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every evaluation, passes included, sorted.
    pub findings: Vec<Finding>,
    pub input_errors: Vec<InputError>,
    /// The files that were linted, with their source text (for snippets).
    pub sources: BTreeMap<PathBuf, String>,
    /// Waivers that matched nothing, or that cover an unwaivable rule.
    pub waiver_diagnostics: Vec<WaiverDiagnostic>,
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub unknown: usize,
    pub suppressed: usize,
    pub passed: usize,
    pub input_errors: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.sources.len(),
            input_errors: self.input_errors.len(),
            ..Summary::default()
        };
        for finding in &self.findings {
            match (finding.status, finding.severity) {
                (Status::Pass, _) => summary.passed += 1,
                (Status::Unknown, _) => summary.unknown += 1,
                (Status::Suppressed, _) => summary.suppressed += 1,
                (Status::Fail, Severity::Error) => summary.errors += 1,
                (Status::Fail, Severity::Warning) => summary.warnings += 1,
                (Status::Fail, Severity::Info) => summary.infos += 1,
            }
        }
        summary
    }

    /// The findings CI output shows: failures, unknowns and suppressions.
    pub fn reportable(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_reportable())
    }

    /// True when a failure (or an unknown, which must be resolved or waived
    /// like a failure) reaches `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f.status, Status::Fail | Status::Unknown) && f.severity >= threshold)
            || self
                .waiver_diagnostics
                .iter()
                .any(|d| d.severity >= threshold)
    }
}

/// `path` relative to `root` when it lies inside `root`, else `path` as
/// given. CI formats name files relative to the checkout so that links work
/// on any machine.
pub fn relative_to<'a>(path: &'a Path, root: &Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}

/// The path as written in CI formats: relative to `root` where possible,
/// `/`-separated, without `./`.
pub fn display_path(path: &Path, root: &Path) -> String {
    let parts: Vec<String> = relative_to(path, root)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/")
}
