//! Matching waivers to findings: a failure or unknown that an active waiver
//! covers becomes `suppressed`; one whose only waivers expired, or whose
//! rule the config makes unwaivable, still fails and says why.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use super::{DiagnosticKind, FileWaiver, Refusal, WaiverDiagnostic, WaiverRecord, WaiverSource};
use crate::config::WaiverPolicy;
use crate::finding::{Finding, Severity, Status};
use crate::model::Model;
use crate::rules;
use crate::waivers::Date;

/// What applying waivers to one document found out about the waivers.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Diagnostics about the template's own metadata waivers.
    pub diagnostics: Vec<WaiverDiagnostic>,
    /// Indices of the file waivers that covered a finding.
    pub used: BTreeSet<usize>,
    /// Indices of the file waivers that covered a finding of an unwaivable
    /// rule.
    pub unwaivable: BTreeSet<usize>,
}

/// One waiver of either source, as matching sees it.
struct Candidate {
    rule: String,
    resource: String,
    detail: Option<String>,
    /// Limits a file waiver to one template (normalized, absolute).
    template: Option<PathBuf>,
    record: WaiverRecord,
    expires: Option<crate::waivers::Date>,
    /// The file waiver's index, for a waiver from a waiver file.
    index: Option<usize>,
}

/// Applies the model's metadata waivers and `file_waivers` to `findings`.
pub(crate) fn apply(
    model: &Model,
    findings: &mut [Finding],
    policy: &WaiverPolicy,
    file_waivers: &[FileWaiver],
    today: Date,
) -> Applied {
    let mut candidates = metadata_candidates(model);
    candidates.extend(
        file_waivers
            .iter()
            .enumerate()
            .map(|(i, w)| file_candidate(i, w)),
    );
    let document = normalize(&model.file);
    let mut marks = vec![Mark::default(); candidates.len()];
    for finding in findings.iter_mut() {
        if matches!(finding.status, Status::Fail | Status::Unknown) {
            judge(finding, &candidates, &mut marks, &document, policy, today);
        }
    }
    if model.format != crate::model::SourceFormat::CloudFormation {
        share_copies(&candidates, &mut marks);
    }
    summarize(&candidates, &marks, policy, today)
}

/// A construct that becomes several Terraform resources (a role and its inline policies, a
/// bucket and its settings) carries its metadata waivers on each of them: one decision, so a
/// copy counts as used when any copy with the same rule, detail and record was used.
fn share_copies(candidates: &[Candidate], marks: &mut [Mark]) {
    let decision = |c: &Candidate| {
        let r = &c.record;
        (
            c.rule.clone(),
            c.detail.clone(),
            r.reason.clone(),
            r.approver.clone(),
            r.ticket.clone(),
            r.expires.clone(),
        )
    };
    let used: BTreeSet<_> = candidates
        .iter()
        .zip(marks.iter())
        .filter(|(c, m)| c.index.is_none() && m.used)
        .map(|(c, _)| decision(c))
        .collect();
    for (candidate, mark) in candidates.iter().zip(marks.iter_mut()) {
        if candidate.index.is_none() && used.contains(&decision(candidate)) {
            mark.used = true;
        }
    }
}

/// What became of one candidate over a document's findings.
#[derive(Clone, Copy, Debug, Default)]
struct Mark {
    used: bool,
    unwaivable: bool,
}

/// Applies the waivers covering one failure or unknown: the first active
/// one suppresses it, unless the rule is unwaivable; when all have expired,
/// the first is recorded as expired.
fn judge(
    finding: &mut Finding,
    candidates: &[Candidate],
    marks: &mut [Mark],
    document: &Path,
    policy: &WaiverPolicy,
    today: Date,
) {
    let covering: Vec<usize> = (0..candidates.len())
        .filter(|&i| covers(&candidates[i], finding, document))
        .collect();
    for &i in &covering {
        marks[i].used = true;
    }
    let active = covering
        .iter()
        .copied()
        .find(|&i| candidates[i].expires.is_none_or(|e| e >= today));
    let Some(chosen) = active.or_else(|| covering.first().copied()) else {
        return;
    };
    let mut record = candidates[chosen].record.clone();
    if active.is_none() {
        record.refused = Some(Refusal::Expired);
    } else if policy.is_unwaivable(finding.rule, finding.severity) {
        record.refused = Some(Refusal::Unwaivable);
        marks[chosen].unwaivable = true;
    } else {
        finding.status = Status::Suppressed;
        finding.waiver = Some(record.reason.clone());
    }
    finding.waiver_record = Some(record);
}

/// File waivers' marks for the run to gather; metadata waivers' diagnostics
/// now, since their document is the whole of their scope.
fn summarize(
    candidates: &[Candidate],
    marks: &[Mark],
    policy: &WaiverPolicy,
    today: Date,
) -> Applied {
    let mut applied = Applied::default();
    for (candidate, mark) in candidates.iter().zip(marks) {
        if let Some(index) = candidate.index {
            if mark.used {
                applied.used.insert(index);
            }
            if mark.unwaivable {
                applied.unwaivable.insert(index);
            }
            continue;
        }
        if !mark.used {
            applied.diagnostics.push(unused(candidate, policy, today));
        }
        if mark.unwaivable {
            applied.diagnostics.push(refused(candidate));
        }
    }
    applied
}

/// Diagnostics for the file waivers after a whole run: those that matched
/// nothing, when the run linted the template they name (a waiver naming no
/// template is judged only when `judge_unscoped`), and those refused as
/// unwaivable.
pub(crate) fn file_diagnostics(
    file_waivers: &[FileWaiver],
    used: &BTreeSet<usize>,
    unwaivable: &BTreeSet<usize>,
    linted: &BTreeSet<PathBuf>,
    judge_unscoped: bool,
    policy: &WaiverPolicy,
    today: Date,
) -> Vec<WaiverDiagnostic> {
    let mut out = Vec::new();
    for (i, waiver) in file_waivers.iter().enumerate() {
        let candidate = file_candidate(i, waiver);
        let judged = match &candidate.template {
            Some(template) => linted.contains(template),
            None => judge_unscoped,
        };
        if judged && !used.contains(&i) {
            out.push(unused(&candidate, policy, today));
        }
        if unwaivable.contains(&i) {
            out.push(refused(&candidate));
        }
    }
    out
}

fn unused(candidate: &Candidate, policy: &WaiverPolicy, today: Date) -> WaiverDiagnostic {
    let expired = candidate
        .expires
        .filter(|date| *date < today)
        .map(|date| format!(" (it expired on {date})"))
        .unwrap_or_default();
    let what = describe(candidate);
    diagnostic(
        candidate,
        DiagnosticKind::Unused,
        policy.unused_severity(),
        format!("the waiver of {what} matched no failure or unknown{expired}: remove it"),
    )
}

fn refused(candidate: &Candidate) -> WaiverDiagnostic {
    let what = describe(candidate);
    diagnostic(
        candidate,
        DiagnosticKind::Unwaivable,
        Severity::Warning,
        format!(
            "the waiver of {what} does not apply: the config makes rule `{}` unwaivable",
            candidate.rule
        ),
    )
}

fn describe(candidate: &Candidate) -> String {
    let mut text = format!("`{}` on `{}`", candidate.rule, candidate.resource);
    if let Some(detail) = &candidate.detail {
        text.push_str(&format!(" for `{detail}`"));
    }
    text
}

fn diagnostic(
    candidate: &Candidate,
    kind: DiagnosticKind,
    severity: Severity,
    message: String,
) -> WaiverDiagnostic {
    WaiverDiagnostic {
        file: candidate.record.file.clone(),
        line: candidate.record.line,
        column: candidate.record.column,
        kind,
        severity,
        source: candidate.record.source,
        rule: candidate.rule.clone(),
        resource: candidate.resource.clone(),
        message,
    }
}

/// The metadata waivers of every resource, once each: a resource modelled
/// once per condition branch repeats its waivers in every view.
fn metadata_candidates(model: &Model) -> Vec<Candidate> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for resource in &model.resources {
        for w in &resource.waivers {
            let key = (resource.id.clone(), w.loc, w.rule.clone(), w.detail.clone());
            if !seen.insert(key) {
                continue;
            }
            out.push(Candidate {
                rule: w.rule.clone(),
                resource: resource.id.clone(),
                detail: w.detail.clone(),
                template: None,
                record: WaiverRecord {
                    source: WaiverSource::Metadata,
                    file: model.file.clone(),
                    line: w.loc.line,
                    column: w.loc.column,
                    reason: w.reason.clone(),
                    approver: w.approver.clone(),
                    ticket: w.ticket.clone(),
                    expires: w.expires.map(|d| d.to_string()),
                    refused: None,
                },
                expires: w.expires,
                index: None,
            });
        }
    }
    out
}

fn file_candidate(index: usize, w: &FileWaiver) -> Candidate {
    Candidate {
        rule: w.rule.clone(),
        resource: w.resource.clone(),
        detail: w.detail.clone(),
        template: w.template.as_deref().map(normalize),
        record: WaiverRecord {
            source: WaiverSource::File,
            file: w.source.clone(),
            line: w.line,
            column: w.column,
            reason: w.reason.clone(),
            approver: w.approver.clone(),
            ticket: w.ticket.clone(),
            expires: w.expires.map(|d| d.to_string()),
            refused: None,
        },
        expires: w.expires,
        index: Some(index),
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

/// A waiver covers a finding when it names the finding's resource (and
/// template, if it names one), the rule (by our ID or a peer tool's ID the
/// rule maps to) and, if it is granular, the finding's detail.
fn covers(waiver: &Candidate, finding: &Finding, document: &Path) -> bool {
    if waiver.resource != finding.resource
        || waiver.template.as_deref().is_some_and(|t| t != document)
    {
        return false;
    }
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

/// `path` made absolute against the working directory, with `.` and `..`
/// resolved by name, so `./a/../t.json` and `t.json` compare equal.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
