//! The compliance report as data: the one structure every renderer reads and
//! the JSON format serialises (its schema is generated from these types).
//!
//! The model is built once by [`super::build`]; renderers never recompute a
//! status, so Markdown, HTML, JSON and CSV cannot disagree.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{Assumption, Severity, Status};
use crate::output::InputError;
use crate::waivers::{WaiverDiagnostic, WaiverRecord};

/// Bumped when a field of the JSON report changes meaning or disappears.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// A compliance report: which controls of the security model hold for the
/// templates read, and the evidence for each.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ComplianceReport {
    pub format_version: u32,
    pub header: Header,
    pub summary: Summary,
    /// Every control of the catalogue, in catalogue order; controls that
    /// findings name but the catalogue lacks come last.
    pub controls: Vec<ControlSection>,
    /// The traceability matrix: every resource with the controls checked on
    /// it, sorted by file and resource.
    pub resources: Vec<ResourceRow>,
    /// Inputs that could not be read at all; nothing in them was checked.
    pub input_errors: Vec<InputError>,
    /// The register of exceptions: every failure or unknown a waiver
    /// covers, whether it suppressed it or not (expired, unwaivable rule),
    /// in file and resource order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverEntry>,
    /// Waivers that matched nothing, or that cover an unwaivable rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiver_diagnostics: Vec<WaiverDiagnostic>,
}

/// One waived (or no longer waived) finding, with who decided and why.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct WaiverEntry {
    pub rule: String,
    pub control: String,
    pub resource: String,
    pub resource_type: String,
    /// The part of the finding the waiver names (`Action::s3:*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// `suppressed` when the waiver applies; `fail` or `unknown` when it
    /// does not (see `waiver.refused`).
    pub status: Status,
    pub message: String,
    /// Where the finding is.
    pub file: PathBuf,
    pub line: u32,
    /// The waiver: source, location, reason, approver, ticket, expiry.
    pub waiver: WaiverRecord,
}

/// What was checked, with what, and when.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Header {
    /// The stacks the templates belong to.
    pub stacks: Vec<String>,
    pub inputs: Vec<InputFile>,
    /// The commit of the repository the inputs sit in, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    pub tool: Tool,
    pub ruleset: Ruleset,
    /// RFC 3339 UTC time; `SOURCE_DATE_EPOCH` when set, so that the same
    /// input gives the same bytes.
    pub generated_at: String,
}

/// An input template and the digest of the exact bytes that were checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InputFile {
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The rule set that judged the templates.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Ruleset {
    /// `sha256:` and the first 16 hex digits of the digest of every rule's
    /// metadata; it changes whenever a rule is added, removed or restated.
    pub version: String,
    /// How many rules the set holds.
    pub rules: usize,
}

/// Counts for the top of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub controls: ControlCounts,
    /// Evaluations per severity, one entry for each of error, warning, info.
    pub findings: Vec<SeverityCounts>,
    /// How many resources were checked.
    pub resources: usize,
}

/// How many controls ended in each status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ControlCounts {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub waived: usize,
    pub unknown: usize,
    pub manual: usize,
    pub not_applicable: usize,
}

/// Evaluations of rules of one severity, by outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SeverityCounts {
    pub severity: Severity,
    pub failed: usize,
    pub unknown: usize,
    pub waived: usize,
    pub passed: usize,
}

/// The verdict on a control (or on one resource for one control).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// At least one check failed and no waiver covers it.
    Failed,
    /// No check failed, but at least one could not be decided.
    Unknown,
    /// Every failure is covered by a waiver with a reason.
    Waived,
    /// Every check passed.
    Passed,
    /// Nothing in the templates is of a kind the control's rules check.
    NotApplicable,
    /// A person decides the control; see the reviewer guidance.
    Manual,
}

impl ControlStatus {
    /// The label renderers print.
    pub fn label(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Unknown => "unknown",
            Self::Waived => "waived",
            Self::Passed => "passed",
            Self::NotApplicable => "not applicable",
            Self::Manual => "manual",
        }
    }

    /// The status of a set of evaluations: a failure wins, then an unknown
    /// (an undecided check says less than a waived one), then a waiver.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Self {
        let mut status = Self::NotApplicable;
        for s in statuses {
            let this = match s {
                Status::Fail => Self::Failed,
                Status::Unknown => Self::Unknown,
                Status::Suppressed => Self::Waived,
                Status::Pass => Self::Passed,
            };
            status = status.min(this);
        }
        status
    }
}

/// How a control is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    Machine,
    Manual,
}

/// One control with its verdict and the evidence behind it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ControlSection {
    /// Stable control ID, such as `S3-1`.
    pub id: String,
    /// The section of the security model the control belongs to.
    pub group: String,
    pub title: String,
    pub check: CheckKind,
    pub status: ControlStatus,
    /// What a reviewer looks at, for a manual control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_guidance: Option<String>,
    /// The rules that decide the control.
    pub rules: Vec<RuleRef>,
    /// The resources the rules looked at: failures first, then unknowns,
    /// waivers and passes.
    pub evidence: Vec<ResourceEvidence>,
}

/// A rule, with the peer-tool IDs a reviewer can cross-check it against.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RuleRef {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cdk_nag: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkov: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_hub: Vec<String>,
}

/// What the rules of one control saw on one resource.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ResourceEvidence {
    /// CloudFormation logical ID or Terraform address; empty for a finding
    /// about the template as a whole.
    pub resource: String,
    pub resource_type: String,
    pub file: PathBuf,
    /// The verdict for this control on this resource.
    pub status: ControlStatus,
    pub items: Vec<Evidence>,
}

/// One evaluation of one rule: what was looked at, what was seen, and the
/// outcome.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Evidence {
    pub rule: String,
    pub severity: Severity,
    pub status: Status,
    /// What the rule concluded; for an unknown, what it could not resolve.
    pub message: String,
    /// The property the evidence sits at (`Properties.BucketEncryption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value the rule saw, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    /// The granular part of a multi-part finding (`Action::s3:*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    /// Condition values the evaluation holds under; empty when it holds
    /// whatever the conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Assumption>,
    /// The waiver's reason, for a waived failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<String>,
    /// The waiver that covers the evaluation, with its reviewer's details
    /// and, when it did not apply, why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_record: Option<WaiverRecord>,
}

/// One row of the traceability matrix.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ResourceRow {
    pub resource: String,
    pub resource_type: String,
    pub file: PathBuf,
    /// The worst verdict over the resource's controls.
    pub status: ControlStatus,
    /// The controls checked on the resource, in catalogue order.
    pub controls: Vec<ControlCell>,
}

/// One control's verdict on one resource.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ControlCell {
    pub control: String,
    pub status: ControlStatus,
}
