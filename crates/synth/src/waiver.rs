//! Waivers: a recorded decision to accept a linter finding on one
//! resource, with the reason a person gave.
//!
//! A waiver is written into the resource's `Metadata` under
//! `stackwright.waivers`, so the linter, the compliance report and anyone
//! reading the template see the same decision.

use serde::Serialize;

/// Accepts findings of `rule` on one resource (all of them, or the one
/// named by `detail`, such as `Action::dynamodb:BatchWriteItem`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiver {
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub reason: String,
}

/// Reasons shorter than this say nothing a reviewer can check.
pub const MIN_REASON_CHARS: usize = 20;

impl Waiver {
    /// A waiver of every finding of `rule` on the resource.
    pub fn new(rule: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            detail: None,
            reason: reason.into(),
        }
    }

    /// Narrows the waiver to one finding of the rule.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}
