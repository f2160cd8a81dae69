//! What a rule says about one resource: the evaluation record shared by every
//! output format and the compliance report.
//!
//! Rules record passes as well as failures. Output formats for CI show only
//! failures, unknowns and suppressions; the compliance report also uses the
//! passes as evidence that a control holds.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::tree::Loc;
use crate::waivers::WaiverRecord;

/// How much a failed check matters.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The outcome of one check on one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource satisfies the check; kept as evidence for the report.
    Pass,
    /// The resource breaks the rule.
    Fail,
    /// The linter could not decide, and says why in the message.
    Unknown,
    /// A failure that a waiver with a reason accepts.
    Suppressed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
            Self::Suppressed => "suppressed",
        }
    }
}

/// A condition value under which a finding holds (`IsProd = false`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub struct Assumption {
    pub condition: String,
    pub value: bool,
}

/// One check of one rule on one resource.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable rule ID, such as `S3001`.
    pub rule: &'static str,
    /// Control ID from the control catalogue, such as `S3-1`.
    pub control: &'static str,
    pub severity: Severity,
    pub status: Status,
    /// CloudFormation logical ID or Terraform address.
    pub resource: String,
    /// The resource type as written (`AWS::S3::Bucket`, `aws_s3_bucket`).
    pub resource_type: String,
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// Where in the resource the evidence sits (`Properties.BucketEncryption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value the rule saw, rendered as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    /// The granular part of a multi-part finding (`Action::s3:*`), which a
    /// waiver can name on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Condition values under which the finding holds; empty when it holds
    /// whatever the conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Assumption>,
    /// Why the finding is suppressed, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<String>,
    /// The waiver that covers the finding: where it is written, its reason,
    /// approver, ticket and expiry, and, when it did not suppress the
    /// finding (expired, unwaivable rule), why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_record: Option<WaiverRecord>,
}

impl Finding {
    pub fn loc(&self) -> Loc {
        Loc::new(self.line, self.column)
    }

    /// Sort key: file, position, resource, rule, detail.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            self.line,
            self.column,
            &self.resource,
            self.rule,
            &self.detail,
            &self.message,
        )
    }

    /// True for the statuses CI output shows.
    pub fn is_reportable(&self) -> bool {
        self.status != Status::Pass
    }
}
