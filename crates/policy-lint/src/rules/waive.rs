//! Applying waivers: a failure or unknown that a waiver with a reason
//! covers becomes `suppressed`, keeping the reason for the report.

use crate::finding::{Finding, Status};
use crate::model::{Model, Waiver};
use crate::rules;

/// Marks the findings the model's waivers cover.
pub(crate) fn apply(model: &Model, findings: &mut [Finding]) {
    for finding in findings.iter_mut() {
        if !matches!(finding.status, Status::Fail | Status::Unknown) {
            continue;
        }
        let waiver = model
            .resource(&finding.resource)
            .flat_map(|r| &r.waivers)
            .find(|w| covers(w, finding));
        if let Some(waiver) = waiver {
            finding.status = Status::Suppressed;
            finding.waiver = Some(waiver.reason.clone());
        }
    }
}

/// Peer checks that match one part of a rule, not all of it: checkov has a
/// check per Block Public Access setting where S3001 has one finding per
/// setting, so skipping `CKV_AWS_53` must waive `BlockPublicAcls` only.
const PEER_DETAILS: &[(&str, &str)] = &[
    ("CKV_AWS_53", "BlockPublicAcls"),
    ("CKV_AWS_54", "BlockPublicPolicy"),
    ("CKV_AWS_55", "IgnorePublicAcls"),
    ("CKV_AWS_56", "RestrictPublicBuckets"),
];

/// A waiver covers a finding when it names the rule (by our ID or a peer
/// tool's ID the rule maps to) and, if it is granular, the finding's detail.
fn covers(waiver: &Waiver, finding: &Finding) -> bool {
    let peer_detail = PEER_DETAILS
        .iter()
        .find(|(peer, _)| *peer == waiver.rule)
        .map(|(_, detail)| *detail);
    if let (None, Some(part)) = (&waiver.detail, peer_detail) {
        if finding.detail.as_deref() != Some(part) {
            return false;
        }
    }
    let names_rule = waiver.rule == finding.rule
        || rules::find(finding.rule).is_some_and(|rule| {
            rule.meta.cdk_nag.contains(&waiver.rule.as_str())
                || rule.meta.checkov.contains(&waiver.rule.as_str())
        });
    let detail_matches = match (&waiver.detail, &finding.detail) {
        (None, _) => true,
        (Some(w), Some(f)) => w == f || w.strip_suffix('*').is_some_and(|p| f.starts_with(p)),
        (Some(_), None) => false,
    };
    names_rule && detail_matches
}
