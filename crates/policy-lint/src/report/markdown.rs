//! The Markdown report: for reviewers who read it in a pull request or a
//! wiki. GitHub-flavoured tables, no raw HTML.

use std::fmt::{self, Write as _};

use super::model::{CheckKind, ComplianceReport, ControlSection, Evidence, ResourceEvidence};
use super::text::{md_code, md_message, md_text};
use super::{evidence_note, finding_label, location, no_evidence_note, title_of};

/// Renders the report as Markdown, ending with a newline.
pub fn render_markdown(report: &ComplianceReport) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_report(&mut out, report);
    out
}

fn write_report(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "# {}\n", md_text(&title_of(r)))?;
    write_header(out, r)?;
    write_summary(out, r)?;
    write_glance(out, r)?;
    write_controls(out, r)?;
    write_resources(out, r)?;
    write_waivers(out, r)?;
    write_input_errors(out, r)
}

/// The register of exceptions, for the reviewer who signs them off.
fn write_waivers(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    if r.waivers.is_empty() && r.waiver_diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n## Waivers\n")?;
    if !r.waivers.is_empty() {
        writeln!(
            out,
            "| Rule | Resource | Detail | Status | Reason | Approver | Ticket | Expires | Source |\n\
             |---|---|---|---|---|---|---|---|---|"
        )?;
    }
    for w in &r.waivers {
        let record = &w.waiver;
        let source = format!("{}:{}", record.file.display(), record.line);
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} {} |",
            md_text(&w.rule),
            md_code(&w.resource),
            w.detail.as_deref().map(md_code).unwrap_or_default(),
            waiver_status(w),
            md_message(&record.reason),
            md_text(record.approver.as_deref().unwrap_or_default()),
            md_text(record.ticket.as_deref().unwrap_or_default()),
            md_text(record.expires.as_deref().unwrap_or_default()),
            record.source.as_str(),
            md_code(&source)
        )?;
    }
    for d in &r.waiver_diagnostics {
        let at = format!("{}:{}:{}", d.file.display(), d.line, d.column);
        writeln!(
            out,
            "\n- {}: {}: {}",
            d.severity.as_str(),
            md_code(&at),
            md_message(&d.message)
        )?;
    }
    Ok(())
}

/// The word for a waiver's effect on its finding.
fn waiver_status(w: &super::model::WaiverEntry) -> &'static str {
    match w.waiver.refused {
        Some(crate::waivers::Refusal::Expired) => "expired",
        Some(crate::waivers::Refusal::Unwaivable) => "refused (unwaivable)",
        None => "waived",
    }
}

fn write_header(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    let h = &r.header;
    writeln!(out, "| | |\n|---|---|")?;
    let stacks: Vec<String> = h.stacks.iter().map(|s| md_code(s)).collect();
    writeln!(out, "| Stacks | {} |", stacks.join(", "))?;
    for input in &h.inputs {
        let path = input.path.display().to_string();
        writeln!(
            out,
            "| Input | {} (SHA-256 {}) |",
            md_code(&path),
            md_code(&input.sha256)
        )?;
    }
    if let Some(commit) = &h.git_commit {
        writeln!(out, "| Git commit | {} |", md_code(commit))?;
    }
    writeln!(
        out,
        "| Tool | {} {} |",
        md_text(&h.tool.name),
        md_text(&h.tool.version)
    )?;
    writeln!(
        out,
        "| Rule set | {} ({} rules) |",
        md_code(&h.ruleset.version),
        h.ruleset.rules
    )?;
    writeln!(out, "| Generated | {} |\n", md_text(&h.generated_at))
}

fn write_summary(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    let c = &r.summary.controls;
    writeln!(out, "## Summary\n")?;
    writeln!(
        out,
        "{} controls, {} resources checked.\n",
        c.total, r.summary.resources
    )?;
    writeln!(out, "| Controls | Count |\n|---|---:|")?;
    let rows = [
        ("failed", c.failed),
        ("unknown", c.unknown),
        ("waived", c.waived),
        ("passed", c.passed),
        ("not applicable", c.not_applicable),
        ("manual", c.manual),
    ];
    for (label, n) in rows {
        writeln!(out, "| {label} | {n} |")?;
    }
    writeln!(
        out,
        "\n| Findings by severity | Failed | Unknown | Waived | Passed |\n|---|---:|---:|---:|---:|"
    )?;
    for s in &r.summary.findings {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s.severity.as_str(),
            s.failed,
            s.unknown,
            s.waived,
            s.passed
        )?;
    }
    writeln!(out)
}

fn write_glance(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "## Controls at a glance\n")?;
    writeln!(
        out,
        "| Control | Status | Checked | Rules |\n|---|---|---|---|"
    )?;
    for c in &r.controls {
        let rules: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md_text(&c.id),
            c.status.label(),
            check_label(c.check),
            md_text(&rules.join(", "))
        )?;
    }
    writeln!(out)
}

fn write_controls(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "## Controls")?;
    let mut group = None;
    for c in &r.controls {
        if group != Some(&c.group) {
            writeln!(out, "\n### {}", md_text(&c.group))?;
            group = Some(&c.group);
        }
        write_control(out, c)?;
    }
    writeln!(out)
}

fn write_control(out: &mut String, c: &ControlSection) -> fmt::Result {
    writeln!(out, "\n#### {}: {}\n", md_text(&c.id), c.status.label())?;
    writeln!(out, "{}", md_message(&c.title))?;
    if let Some(guidance) = &c.reviewer_guidance {
        writeln!(out, "\n**Reviewer checks:** {}", md_message(guidance))?;
    }
    if !c.rules.is_empty() {
        writeln!(out, "\nChecked by:\n")?;
        for rule in &c.rules {
            writeln!(
                out,
                "- {} {} ({}): {}",
                md_code(&rule.id),
                md_text(&rule.name),
                rule.severity.as_str(),
                md_message(&rule.title)
            )?;
        }
    }
    write_evidence(out, c)
}

fn write_evidence(out: &mut String, c: &ControlSection) -> fmt::Result {
    if c.evidence.is_empty() {
        if let Some(note) = no_evidence_note(c) {
            writeln!(out, "\n{note}")?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "\n| Status | Resource | Rule | Property | Observed | Source | Note |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for group in &c.evidence {
        for item in &group.items {
            write_evidence_row(out, group, item)?;
        }
    }
    Ok(())
}

fn write_evidence_row(out: &mut String, group: &ResourceEvidence, e: &Evidence) -> fmt::Result {
    let opt_code = |v: &Option<String>| v.as_deref().map(md_code).unwrap_or_default();
    let rule = match &e.detail {
        Some(detail) => format!("{} {}", md_text(&e.rule), md_code(detail)),
        None => md_text(&e.rule),
    };
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} |",
        finding_label(e.status),
        resource_cell(group),
        rule,
        opt_code(&e.path),
        opt_code(&e.observed),
        md_code(&location(&e.file, e.line)),
        md_message(&evidence_note(e))
    )
}

fn resource_cell(group: &ResourceEvidence) -> String {
    if group.resource.is_empty() {
        return "(template)".to_owned();
    }
    format!(
        "{} {}",
        md_code(&group.resource),
        md_text(&group.resource_type)
    )
}

fn write_resources(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "## Resources\n")?;
    writeln!(
        out,
        "Each resource with the controls checked on it (the traceability matrix).\n"
    )?;
    writeln!(
        out,
        "| Resource | Type | Status | Controls |\n|---|---|---|---|"
    )?;
    for row in &r.resources {
        let cells: Vec<String> = row
            .controls
            .iter()
            .map(|c| format!("{} {}", md_text(&c.control), c.status.label()))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md_code(&row.resource),
            md_text(&row.resource_type),
            row.status.label(),
            cells.join(", ")
        )?;
    }
    Ok(())
}

fn write_input_errors(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    if r.input_errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n## Input errors\n")?;
    writeln!(out, "Nothing in these inputs was checked.\n")?;
    for e in &r.input_errors {
        let at = format!("{}:{}:{}", e.file.display(), e.line, e.column);
        writeln!(out, "- {}: {}", md_code(&at), md_text(&e.message))?;
    }
    Ok(())
}

fn check_label(check: CheckKind) -> &'static str {
    match check {
        CheckKind::Machine => "machine",
        CheckKind::Manual => "manual",
    }
}
