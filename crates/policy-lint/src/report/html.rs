//! The HTML report: one self-contained file (inline CSS, no scripts, fonts or
//! images) that a reviewer opens offline or prints.
//!
//! Every piece of report text goes through [`super::text`]; only the fixed
//! markup in this file is written raw.

use std::fmt::{self, Write as _};

use super::model::{
    ComplianceReport, ControlSection, ControlStatus, Evidence, ResourceEvidence, ResourceRow,
};
use super::text::{html, html_id, html_message};
use super::{evidence_note, finding_label, location, no_evidence_note, title_of};
use crate::finding::Status;

/// Renders the report as one HTML document, ending with a newline.
pub fn render_html(report: &ComplianceReport) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_document(&mut out, report);
    out
}

fn write_document(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    let title = html(&title_of(r));
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{title}</title>\n<style>{CSS}</style>\n</head>")?;
    writeln!(out, "<body>\n<main>\n<h1>{title}</h1>")?;
    write_header(out, r)?;
    write_summary(out, r)?;
    write_glance(out, r)?;
    write_controls(out, r)?;
    write_resources(out, r)?;
    write_waivers(out, r)?;
    write_input_errors(out, r)?;
    writeln!(out, "</main>\n</body>\n</html>")
}

fn write_header(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    let h = &r.header;
    writeln!(out, "<table class=\"meta\">")?;
    let stacks: Vec<String> = h.stacks.iter().map(|s| html(s)).collect();
    meta_row(out, "Stacks", &stacks.join(", "))?;
    for input in &h.inputs {
        let value = format!(
            "<code>{}</code><br><span class=\"hash\">SHA-256 {}</span>",
            html(&input.path.display().to_string()),
            html(&input.sha256)
        );
        meta_row(out, "Input", &value)?;
    }
    if let Some(commit) = &h.git_commit {
        meta_row(out, "Git commit", &format!("<code>{}</code>", html(commit)))?;
    }
    let tool = format!("{} {}", html(&h.tool.name), html(&h.tool.version));
    meta_row(out, "Tool", &tool)?;
    let ruleset = format!(
        "<code>{}</code> ({} rules)",
        html(&h.ruleset.version),
        h.ruleset.rules
    );
    meta_row(out, "Rule set", &ruleset)?;
    meta_row(out, "Generated", &html(&h.generated_at))?;
    writeln!(out, "</table>")
}

/// `value` is already escaped markup.
fn meta_row(out: &mut String, label: &str, value: &str) -> fmt::Result {
    writeln!(
        out,
        "<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"
    )
}

fn write_summary(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    let c = &r.summary.controls;
    writeln!(out, "<h2 id=\"summary\">Summary</h2>")?;
    writeln!(
        out,
        "<p>{} controls, {} resources checked.</p>",
        c.total, r.summary.resources
    )?;
    writeln!(out, "<div class=\"counts\">")?;
    let counts = [
        (ControlStatus::Failed, c.failed),
        (ControlStatus::Unknown, c.unknown),
        (ControlStatus::Waived, c.waived),
        (ControlStatus::Passed, c.passed),
        (ControlStatus::NotApplicable, c.not_applicable),
        (ControlStatus::Manual, c.manual),
    ];
    for (status, n) in counts {
        writeln!(
            out,
            "<div class=\"count {}\"><span class=\"n\">{n}</span> {}</div>",
            status_class(status),
            status.label()
        )?;
    }
    writeln!(out, "</div>")?;
    write_severity_table(out, r)
}

fn write_severity_table(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(
        out,
        "<table class=\"numbers\">\n<caption>Findings by severity</caption>"
    )?;
    writeln!(
        out,
        "<tr><th scope=\"col\">Severity</th><th scope=\"col\">Failed</th>\
         <th scope=\"col\">Unknown</th><th scope=\"col\">Waived</th>\
         <th scope=\"col\">Passed</th></tr>"
    )?;
    for s in &r.summary.findings {
        writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s.severity.as_str(),
            s.failed,
            s.unknown,
            s.waived,
            s.passed
        )?;
    }
    writeln!(out, "</table>")
}

fn write_glance(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "<h2 id=\"glance\">Controls at a glance</h2>")?;
    writeln!(
        out,
        "<table class=\"glance\">\n<tr><th scope=\"col\">Control</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">What must hold</th>\
         <th scope=\"col\">Rules</th></tr>"
    )?;
    for c in &r.controls {
        let rules: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
        writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html_id("control", &c.id),
            html(&c.id),
            badge(c.status),
            html_message(&c.title),
            html(&rules.join(", "))
        )?;
    }
    writeln!(out, "</table>")
}

fn write_controls(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "<h2 id=\"controls\">Controls</h2>")?;
    let mut group = None;
    for c in &r.controls {
        if group != Some(&c.group) {
            writeln!(out, "<h3>{}</h3>", html(&c.group))?;
            group = Some(&c.group);
        }
        write_control(out, c)?;
    }
    Ok(())
}

fn write_control(out: &mut String, c: &ControlSection) -> fmt::Result {
    writeln!(
        out,
        "<section class=\"control\" id=\"{}\">",
        html_id("control", &c.id)
    )?;
    writeln!(out, "<h4>{} {}</h4>", html(&c.id), badge(c.status))?;
    writeln!(out, "<p>{}</p>", html_message(&c.title))?;
    if let Some(guidance) = &c.reviewer_guidance {
        writeln!(
            out,
            "<p class=\"reviewer\"><strong>Reviewer checks:</strong> {}</p>",
            html_message(guidance)
        )?;
    }
    write_rules(out, c)?;
    write_evidence(out, c)?;
    writeln!(out, "</section>")
}

fn write_rules(out: &mut String, c: &ControlSection) -> fmt::Result {
    if c.rules.is_empty() {
        return Ok(());
    }
    writeln!(out, "<ul class=\"rules\">")?;
    for rule in &c.rules {
        let peers: Vec<&String> = rule
            .cdk_nag
            .iter()
            .chain(&rule.checkov)
            .chain(&rule.security_hub)
            .collect();
        let peers = peers.iter().map(|p| html(p)).collect::<Vec<_>>().join(", ");
        writeln!(
            out,
            "<li><code>{}</code> {} <span class=\"sev\">{}</span>: {}{}</li>",
            html(&rule.id),
            html(&rule.name),
            rule.severity.as_str(),
            html_message(&rule.title),
            if peers.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"peers\">({peers})</span>")
            }
        )?;
    }
    writeln!(out, "</ul>")
}

fn write_evidence(out: &mut String, c: &ControlSection) -> fmt::Result {
    if c.evidence.is_empty() {
        if let Some(note) = no_evidence_note(c) {
            writeln!(out, "<p class=\"none\">{note}</p>")?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "<table class=\"evidence\">\n<tr><th scope=\"col\">Status</th>\
         <th scope=\"col\">Resource</th><th scope=\"col\">Rule</th>\
         <th scope=\"col\">Property</th><th scope=\"col\">Observed</th>\
         <th scope=\"col\">Source</th><th scope=\"col\">Note</th></tr>"
    )?;
    for group in &c.evidence {
        for item in &group.items {
            write_evidence_row(out, group, item)?;
        }
    }
    writeln!(out, "</table>")
}

fn write_evidence_row(out: &mut String, group: &ResourceEvidence, e: &Evidence) -> fmt::Result {
    let code = |v: &Option<String>| {
        v.as_deref()
            .map(|v| format!("<code>{}</code>", html(v)))
            .unwrap_or_default()
    };
    let rule = match &e.detail {
        Some(detail) => format!("{}<br><code>{}</code>", html(&e.rule), html(detail)),
        None => html(&e.rule),
    };
    writeln!(
        out,
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{rule}</td><td>{}</td><td>{}</td>\
         <td><code>{}</code></td><td>{}</td></tr>",
        finding_class(e.status),
        finding_badge(e.status),
        resource_cell(group),
        code(&e.path),
        code(&e.observed),
        html(&location(&e.file, e.line)),
        html_message(&evidence_note(e))
    )
}

fn resource_cell(group: &ResourceEvidence) -> String {
    if group.resource.is_empty() {
        return "(template)".to_owned();
    }
    format!(
        "<code>{}</code><br><span class=\"type\">{}</span>",
        html(&group.resource),
        html(&group.resource_type)
    )
}

fn write_resources(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    writeln!(out, "<h2 id=\"resources\">Resources</h2>")?;
    writeln!(
        out,
        "<p>Each resource with the controls checked on it (the traceability matrix).</p>"
    )?;
    writeln!(
        out,
        "<table class=\"matrix\">\n<tr><th scope=\"col\">Resource</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Controls</th></tr>"
    )?;
    for row in &r.resources {
        write_resource_row(out, row)?;
    }
    writeln!(out, "</table>")
}

fn write_resource_row(out: &mut String, row: &ResourceRow) -> fmt::Result {
    let cells: Vec<String> = row
        .controls
        .iter()
        .map(|c| {
            format!(
                "<a class=\"cell {}\" href=\"#{}\">{} {}</a>",
                status_class(c.status),
                html_id("control", &c.control),
                html(&c.control),
                c.status.label()
            )
        })
        .collect();
    writeln!(
        out,
        "<tr><td><code>{}</code><br><span class=\"type\">{}</span></td><td>{}</td><td>{}</td></tr>",
        html(&row.resource),
        html(&row.resource_type),
        badge(row.status),
        cells.join(" ")
    )
}

/// The register of exceptions, for the reviewer who signs them off.
fn write_waivers(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    if r.waivers.is_empty() && r.waiver_diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2 id=\"waivers\">Waivers</h2>")?;
    if !r.waivers.is_empty() {
        writeln!(
            out,
            "<table>\n<tr><th scope=\"col\">Rule</th><th scope=\"col\">Resource</th>\
             <th scope=\"col\">Status</th><th scope=\"col\">Reason</th>\
             <th scope=\"col\">Approver</th><th scope=\"col\">Ticket</th>\
             <th scope=\"col\">Expires</th><th scope=\"col\">Source</th></tr>"
        )?;
        for w in &r.waivers {
            write_waiver_row(out, w)?;
        }
        writeln!(out, "</table>")?;
    }
    if !r.waiver_diagnostics.is_empty() {
        writeln!(out, "<ul>")?;
        for d in &r.waiver_diagnostics {
            let at = format!("{}:{}:{}", d.file.display(), d.line, d.column);
            writeln!(
                out,
                "<li>{}: <code>{}</code>: {}</li>",
                d.severity.as_str(),
                html(&at),
                html_message(&d.message)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

fn write_waiver_row(out: &mut String, w: &super::model::WaiverEntry) -> fmt::Result {
    let record = &w.waiver;
    let status = match record.refused {
        Some(crate::waivers::Refusal::Expired) => "expired",
        Some(crate::waivers::Refusal::Unwaivable) => "refused (unwaivable)",
        None => "waived",
    };
    let detail = w
        .detail
        .as_deref()
        .map(|d| format!("<br><code>{}</code>", html(d)))
        .unwrap_or_default();
    let opt = |v: &Option<String>| html(v.as_deref().unwrap_or_default());
    let source = format!("{}:{}", record.file.display(), record.line);
    writeln!(
        out,
        "<tr><td>{}</td><td><code>{}</code>{detail}</td><td>{status}</td><td>{}</td>\
         <td>{}</td><td>{}</td><td>{}</td><td>{} <code>{}</code></td></tr>",
        html(&w.rule),
        html(&w.resource),
        html_message(&record.reason),
        opt(&record.approver),
        opt(&record.ticket),
        opt(&record.expires),
        record.source.as_str(),
        html(&source),
    )
}

fn write_input_errors(out: &mut String, r: &ComplianceReport) -> fmt::Result {
    if r.input_errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2 id=\"input-errors\">Input errors</h2>")?;
    writeln!(out, "<p>Nothing in these inputs was checked.</p>\n<ul>")?;
    for e in &r.input_errors {
        let at = format!("{}:{}:{}", e.file.display(), e.line, e.column);
        writeln!(
            out,
            "<li><code>{}</code>: {}</li>",
            html(&at),
            html(&e.message)
        )?;
    }
    writeln!(out, "</ul>")
}

fn badge(status: ControlStatus) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        status_class(status),
        status.label()
    )
}

fn finding_badge(status: Status) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        finding_class(status),
        finding_label(status)
    )
}

fn status_class(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Failed => "failed",
        ControlStatus::Unknown => "unknown",
        ControlStatus::Waived => "waived",
        ControlStatus::Passed => "passed",
        ControlStatus::NotApplicable => "na",
        ControlStatus::Manual => "manual",
    }
}

fn finding_class(status: Status) -> &'static str {
    match status {
        Status::Fail => "failed",
        Status::Unknown => "unknown",
        Status::Suppressed => "waived",
        Status::Pass => "passed",
    }
}

/// The whole stylesheet. System fonts only; colours are backed by words
/// (every badge says its status) so a grey-scale print loses nothing.
const CSS: &str = r#"
:root { --fail: #b3261e; --unknown: #8a5a00; --waived: #5b4bb7; --pass: #1e7a34;
  --na: #5f6368; --manual: #0b57d0; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Liberation Sans", "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 1.8em; margin: 0 0 16px; }
h2 { font-size: 1.4em; margin: 36px 0 12px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15em; margin: 28px 0 8px; color: #444c56; }
h4 { font-size: 1.05em; margin: 0 0 6px; }
code { font: 0.9em/1.3 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono",
  "Liberation Mono", monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px;
  overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.meta { width: auto; }
table.numbers { width: auto; }
table.numbers td { text-align: right; }
table.evidence { font-size: 0.88em; }
.hash, .type, .peers { color: #57606a; font-size: 0.9em; overflow-wrap: anywhere; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 16px; }
.count { border: 2px solid currentColor; border-radius: 6px; padding: 6px 12px;
  font-weight: 600; }
.count .n { font-size: 1.4em; }
.badge { display: inline-block; border: 1px solid currentColor; border-radius: 10px;
  padding: 0 8px; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.cell { display: inline-block; border: 1px solid currentColor; border-radius: 4px;
  padding: 0 4px; margin: 1px 0; font-size: 0.82em; text-decoration: none;
  white-space: nowrap; }
.failed { color: var(--fail); }
.unknown { color: var(--unknown); }
.waived { color: var(--waived); }
.passed { color: var(--pass); }
.na { color: var(--na); }
.manual { color: var(--manual); }
tr.failed td { background: #fdf0ef; }
tr.unknown td { background: #fdf6e3; }
tr.waived td { background: #f3f1fc; }
tr td { color: #1f2328; }
section.control { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px;
  margin: 12px 0; }
.reviewer { background: #eef4ff; padding: 6px 10px; border-left: 4px solid var(--manual); }
.none { color: #57606a; font-style: italic; }
ul.rules { margin: 4px 0 8px; padding-left: 20px; }
.sev { font-weight: 600; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  section.control, tr, .count { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  th { background: #eee; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
@page { margin: 14mm; }
"#;
