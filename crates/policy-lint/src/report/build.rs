//! Turns the linter's findings into the report model: a verdict per control,
//! evidence grouped by resource, and the resource × control matrix.
//!
//! This is the only place statuses are decided; the renderers print them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::meta::{self, ReportMeta};
use super::model::{
    CheckKind, ComplianceReport, ControlCell, ControlCounts, ControlSection, ControlStatus,
    Evidence, Header, InputFile, REPORT_FORMAT_VERSION, ResourceEvidence, ResourceRow, RuleRef,
    SeverityCounts, Summary, Tool, WaiverEntry,
};
use crate::controls::{CATALOGUE, Control};
use crate::finding::{Finding, Severity, Status};
use crate::output::Report;
use crate::rules;

/// Builds the report model from the linter's report (passes included).
pub fn build(report: &Report, inputs: &[InputFile], meta: &ReportMeta) -> ComplianceReport {
    let controls = control_sections(&report.findings, !inputs.is_empty());
    ComplianceReport {
        format_version: REPORT_FORMAT_VERSION,
        header: header(inputs, meta),
        summary: summary(&controls, &report.findings),
        resources: resource_rows(&controls),
        controls,
        input_errors: report.input_errors.clone(),
        waivers: waiver_entries(&report.findings),
        waiver_diagnostics: report.waiver_diagnostics.clone(),
    }
}

fn waiver_entries(findings: &[Finding]) -> Vec<WaiverEntry> {
    let mut entries: Vec<WaiverEntry> = findings
        .iter()
        .filter_map(|f| {
            let record = f.waiver_record.clone()?;
            Some(WaiverEntry {
                rule: f.rule.to_owned(),
                control: f.control.to_owned(),
                resource: f.resource.clone(),
                resource_type: f.resource_type.clone(),
                detail: f.detail.clone(),
                status: f.status,
                message: f.message.clone(),
                file: f.file.clone(),
                line: f.line,
                waiver: record,
            })
        })
        .collect();
    entries.sort_by(|a, b| {
        (&a.file, &a.resource, &a.rule, &a.detail, a.line).cmp(&(
            &b.file,
            &b.resource,
            &b.rule,
            &b.detail,
            b.line,
        ))
    });
    entries
}

fn header(inputs: &[InputFile], meta: &ReportMeta) -> Header {
    Header {
        stacks: meta.stacks.clone(),
        inputs: inputs.to_vec(),
        git_commit: meta.git_commit.clone(),
        tool: Tool {
            name: "policy-lint".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        ruleset: meta::ruleset(),
        generated_at: meta::rfc3339(meta.generated_at),
    }
}

/// One section per catalogue control, then one per control that a finding
/// names but the catalogue lacks, so no finding is ever dropped.
fn control_sections(findings: &[Finding], read_any: bool) -> Vec<ControlSection> {
    let mut by_control: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_control.entry(f.control).or_default().push(f);
    }
    let mut sections: Vec<ControlSection> = CATALOGUE
        .iter()
        .map(|c| catalogued(c, by_control.remove(c.id).unwrap_or_default(), read_any))
        .collect();
    sections.extend(by_control.into_iter().map(|(id, f)| uncatalogued(id, f)));
    sections
}

fn catalogued(control: &Control, findings: Vec<&Finding>, read_any: bool) -> ControlSection {
    let evidence = evidence(&findings);
    let status = match ControlStatus::of(findings.iter().map(|f| f.status)) {
        _ if control.is_manual() => ControlStatus::Manual,
        ControlStatus::NotApplicable if control.whole_template && read_any => ControlStatus::Passed,
        status => status,
    };
    ControlSection {
        id: control.id.to_owned(),
        group: control.group.to_owned(),
        title: control.title.to_owned(),
        check: if control.is_manual() {
            CheckKind::Manual
        } else {
            CheckKind::Machine
        },
        status,
        reviewer_guidance: control.reviewer_guidance().map(str::to_owned),
        rules: control.rules().map(|r| rule_ref(&r.meta)).collect(),
        evidence,
    }
}

fn uncatalogued(id: &str, findings: Vec<&Finding>) -> ControlSection {
    let mut rule_ids: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    rule_ids.dedup();
    ControlSection {
        id: id.to_owned(),
        group: "Not in the catalogue".to_owned(),
        title: format!("`{id}` is named by a rule but missing from the control catalogue"),
        check: CheckKind::Machine,
        status: ControlStatus::of(findings.iter().map(|f| f.status)),
        reviewer_guidance: None,
        rules: rule_ids
            .into_iter()
            .filter_map(rules::find)
            .map(|r| rule_ref(&r.meta))
            .collect(),
        evidence: evidence(&findings),
    }
}

fn rule_ref(m: &rules::RuleMeta) -> RuleRef {
    let strings = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
    RuleRef {
        id: m.id.to_owned(),
        name: m.name.to_owned(),
        title: m.title.to_owned(),
        severity: m.severity,
        cdk_nag: strings(m.cdk_nag),
        checkov: strings(m.checkov),
        security_hub: strings(m.security_hub),
    }
}

/// Groups findings by resource; the worst resources come first, and within
/// a resource the worst evaluations.
fn evidence(findings: &[&Finding]) -> Vec<ResourceEvidence> {
    let mut groups: BTreeMap<(&PathBuf, &str), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        groups.entry((&f.file, &f.resource)).or_default().push(f);
    }
    let mut out: Vec<ResourceEvidence> = groups
        .into_iter()
        .map(|((file, resource), f)| resource_evidence(file, resource, f))
        .collect();
    out.sort_by(|a, b| (a.status, &a.file, &a.resource).cmp(&(b.status, &b.file, &b.resource)));
    out
}

fn resource_evidence(file: &Path, resource: &str, mut findings: Vec<&Finding>) -> ResourceEvidence {
    findings.sort_by_key(|f| (status_rank(f.status), f.line, f.column, f.rule, &f.detail));
    ResourceEvidence {
        resource: resource.to_owned(),
        resource_type: findings
            .first()
            .map(|f| f.resource_type.clone())
            .unwrap_or_default(),
        file: file.to_owned(),
        status: ControlStatus::of(findings.iter().map(|f| f.status)),
        items: findings.into_iter().map(evidence_item).collect(),
    }
}

fn status_rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Unknown => 1,
        Status::Suppressed => 2,
        Status::Pass => 3,
    }
}

fn evidence_item(f: &Finding) -> Evidence {
    Evidence {
        rule: f.rule.to_owned(),
        severity: f.severity,
        status: f.status,
        message: f.message.clone(),
        path: f.path.clone(),
        observed: f.observed.clone(),
        detail: f.detail.clone(),
        file: f.file.clone(),
        line: f.line,
        column: f.column,
        conditions: f.conditions.clone(),
        waiver: f.waiver.clone(),
        waiver_record: f.waiver_record.clone(),
    }
}

fn summary(controls: &[ControlSection], findings: &[Finding]) -> Summary {
    let mut counts = ControlCounts {
        total: controls.len(),
        ..ControlCounts::default()
    };
    for c in controls {
        *match c.status {
            ControlStatus::Failed => &mut counts.failed,
            ControlStatus::Unknown => &mut counts.unknown,
            ControlStatus::Waived => &mut counts.waived,
            ControlStatus::Passed => &mut counts.passed,
            ControlStatus::NotApplicable => &mut counts.not_applicable,
            ControlStatus::Manual => &mut counts.manual,
        } += 1;
    }
    Summary {
        controls: counts,
        findings: [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|s| severity_counts(s, findings))
            .collect(),
        resources: resource_keys(controls).len(),
    }
}

fn severity_counts(severity: Severity, findings: &[Finding]) -> SeverityCounts {
    let mut counts = SeverityCounts {
        severity,
        failed: 0,
        unknown: 0,
        waived: 0,
        passed: 0,
    };
    for f in findings.iter().filter(|f| f.severity == severity) {
        *match f.status {
            Status::Fail => &mut counts.failed,
            Status::Unknown => &mut counts.unknown,
            Status::Suppressed => &mut counts.waived,
            Status::Pass => &mut counts.passed,
        } += 1;
    }
    counts
}

type ResourceKey = (PathBuf, String);

/// Every named resource of the evidence with its type; findings about the
/// template as a whole have no resource and no row.
fn resource_keys(controls: &[ControlSection]) -> BTreeMap<ResourceKey, String> {
    controls
        .iter()
        .flat_map(|c| &c.evidence)
        .filter(|e| !e.resource.is_empty())
        .map(|e| {
            (
                (e.file.clone(), e.resource.clone()),
                e.resource_type.clone(),
            )
        })
        .collect()
}

fn resource_rows(controls: &[ControlSection]) -> Vec<ResourceRow> {
    let mut cells: BTreeMap<ResourceKey, Vec<ControlCell>> = BTreeMap::new();
    for control in controls {
        for e in control.evidence.iter().filter(|e| !e.resource.is_empty()) {
            cells
                .entry((e.file.clone(), e.resource.clone()))
                .or_default()
                .push(ControlCell {
                    control: control.id.clone(),
                    status: e.status,
                });
        }
    }
    let types = resource_keys(controls);
    cells
        .into_iter()
        .map(|((file, resource), controls)| ResourceRow {
            resource_type: types
                .get(&(file.clone(), resource.clone()))
                .cloned()
                .unwrap_or_default(),
            status: controls
                .iter()
                .map(|c| c.status)
                .min()
                .unwrap_or(ControlStatus::NotApplicable),
            resource,
            file,
            controls,
        })
        .collect()
}
