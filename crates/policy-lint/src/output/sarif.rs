//! The SARIF 2.1.0 format, for code-scanning dashboards (GitHub code
//! scanning, Azure DevOps, SonarQube): every rule as a descriptor built from
//! its metadata, and every failure, unknown and suppression as a result.
//!
//! Decisions a consumer may rely on:
//! - the driver lists every rule of the registry, in ID order, so that
//!   `ruleIndex` is stable across runs and dashboards can show rules that
//!   passed;
//! - an unknown (the linter could not decide) is a `warning` with
//!   `properties.status = "unknown"`: it gates CI like a failure, and SARIF
//!   allows no level but `none` on a result whose `kind` is not `fail`, which
//!   dashboards hide;
//! - a waived finding keeps its level and carries an `inSource` suppression
//!   whose justification is the waiver's reason (a baseline entry is an
//!   `external` suppression);
//! - `partialFingerprints` hash the rule, file, resource, detail and
//!   condition values, never the line, so a finding keeps its identity when
//!   lines move.
//!
//! Input errors become `toolExecutionNotifications` of the invocation;
//! waivers that matched nothing or cover an unwaivable rule become its
//! `toolConfigurationNotifications`. A finding whose waiver expired or was
//! refused is an unsuppressed result with the waiver in
//! `properties.waiver`.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use super::{InputError, Report, display_path};
use crate::finding::{Finding, Severity, Status};
use crate::rules::{REGISTRY, RuleMeta};
use crate::waivers::{WaiverDiagnostic, WaiverRecord, WaiverSource};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where the rule pages live, for `helpUri`: the repository's `docs/rules/`.
fn help_uri(id: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{id}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// Renders the report as a SARIF 2.1.0 log, file paths relative to `root`.
pub fn render_sarif(report: &Report, root: &Path) -> String {
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run(report, root)],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn run(report: &Report, root: &Path) -> Value {
    let results: Vec<Value> = report.reportable().map(|f| result(f, root)).collect();
    let notifications: Vec<Value> = report
        .input_errors
        .iter()
        .map(|e| notification(e, root))
        .collect();
    let mut invocation = json!({
        "executionSuccessful": notifications.is_empty(),
        "toolExecutionNotifications": notifications,
    });
    if !report.waiver_diagnostics.is_empty() {
        let waivers: Vec<Value> = report
            .waiver_diagnostics
            .iter()
            .map(|d| waiver_notification(d, root))
            .collect();
        invocation["toolConfigurationNotifications"] = json!(waivers);
    }
    json!({
        "tool": {"driver": driver()},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    })
}

fn driver() -> Value {
    let mut rules: Vec<&RuleMeta> = REGISTRY.iter().map(|r| &r.meta).collect();
    rules.sort_by_key(|m| m.id);
    json!({
        "name": "policy-lint",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": rules.iter().map(|m| descriptor(m)).collect::<Vec<_>>(),
    })
}

fn descriptor(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.rationale},
        "help": {"text": meta.remediation},
        "helpUri": help_uri(meta.id),
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {
            "control": meta.control,
            "severity": meta.severity.as_str(),
            // GitHub code scanning ranks security results by this score.
            "security-severity": security_severity(meta.severity),
            "tags": ["security", meta.control],
            "cdk-nag": meta.cdk_nag,
            "checkov": meta.checkov,
            "security-hub": meta.security_hub,
        },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn result(f: &Finding, root: &Path) -> Value {
    let level = match f.status {
        Status::Unknown => "warning",
        _ => level(f.severity),
    };
    let mut value = json!({
        "ruleId": f.rule,
        "level": level,
        "message": {"text": f.message},
        "locations": [location(&f.file, f.line, f.column, root, Some(f))],
        "partialFingerprints": {"policyLint/v1": fingerprint(f, root)},
        "properties": properties(f, root),
    });
    if let Some(index) = rule_index(f.rule) {
        value["ruleIndex"] = json!(index);
    }
    if f.status == Status::Suppressed {
        value["suppressions"] = json!([suppression(f, root)]);
    }
    value
}

fn rule_index(id: &str) -> Option<usize> {
    let mut ids: Vec<&str> = REGISTRY.iter().map(|r| r.meta.id).collect();
    ids.sort_unstable();
    ids.iter().position(|i| *i == id)
}

/// A waiver in the template is `inSource`; a waiver file and a baseline,
/// kept apart from the code, are `external`.
fn suppression(f: &Finding, root: &Path) -> Value {
    let reason = f.waiver.as_deref().unwrap_or_default();
    let Some(record) = &f.waiver_record else {
        let kind = if reason.starts_with(crate::baseline::REASON_PREFIX) {
            "external"
        } else {
            "inSource"
        };
        return json!({"kind": kind, "justification": reason});
    };
    let kind = match record.source {
        WaiverSource::Metadata => "inSource",
        WaiverSource::File => "external",
    };
    json!({
        "kind": kind,
        "justification": reason,
        "properties": waiver_properties(record, root),
    })
}

/// The waiver as a property bag, its file named as every SARIF location is.
fn waiver_properties(record: &WaiverRecord, root: &Path) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or_default();
    value["file"] = json!(display_path(&record.file, root));
    value
}

#[derive(Serialize)]
struct Properties<'a> {
    status: &'static str,
    control: &'a str,
    resource: &'a str,
    #[serde(rename = "resourceType")]
    resource_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    observed: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    conditions: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<Value>,
}

fn properties(f: &Finding, root: &Path) -> Value {
    let props = Properties {
        status: f.status.as_str(),
        control: f.control,
        resource: &f.resource,
        resource_type: &f.resource_type,
        path: f.path.as_deref(),
        observed: f.observed.as_deref(),
        detail: f.detail.as_deref(),
        conditions: f
            .conditions
            .iter()
            .map(|a| (a.condition.clone(), Value::Bool(a.value)))
            .collect(),
        waiver: f
            .waiver_record
            .as_ref()
            .filter(|record| record.refused.is_some())
            .map(|record| waiver_properties(record, root)),
    };
    serde_json::to_value(props).unwrap_or_default()
}

fn location(file: &Path, line: u32, column: u32, root: &Path, f: Option<&Finding>) -> Value {
    let mut physical = json!({"artifactLocation": artifact(file, root)});
    if line > 0 {
        physical["region"] = json!({"startLine": line, "startColumn": column.max(1)});
    }
    let mut value = json!({"physicalLocation": physical});
    if let Some(f) = f.filter(|f| !f.resource.is_empty()) {
        value["logicalLocations"] = json!([{
            "name": f.resource,
            "kind": "resource",
            "fullyQualifiedName": format!("{}/{}", f.resource_type, f.resource),
        }]);
    }
    value
}

fn artifact(file: &Path, root: &Path) -> Value {
    let path = display_path(file, root);
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", encode_uri_path(&path))})
    } else {
        json!({"uri": encode_uri_path(&path), "uriBaseId": "%SRCROOT%"})
    }
}

/// Percent-encodes everything in a path but unreserved characters and `/`
/// (RFC 3986), so spaces and `#` in file names survive as a URI.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A hash of what identifies a finding apart from where it sits in the file.
fn fingerprint(f: &Finding, root: &Path) -> String {
    let mut hasher = Sha256::new();
    let conditions: Vec<String> = f
        .conditions
        .iter()
        .map(|a| format!("{}={}", a.condition, a.value))
        .collect();
    for part in [
        f.rule,
        &display_path(&f.file, root),
        &f.resource,
        f.detail.as_deref().unwrap_or_default(),
        &conditions.join(","),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A waiver's own problem is a problem of the tool's configuration (the
/// waivers it was given), located where the waiver is written.
fn waiver_notification(d: &WaiverDiagnostic, root: &Path) -> Value {
    json!({
        "level": level(d.severity),
        "message": {"text": d.message},
        "locations": [location(&d.file, d.line, d.column, root, None)],
        "descriptor": {"id": format!("waiver-{}", d.kind.as_str())},
        "properties": {"rule": d.rule, "resource": d.resource, "source": d.source},
    })
}

fn notification(e: &InputError, root: &Path) -> Value {
    json!({
        "level": "error",
        "message": {"text": e.message},
        "locations": [location(&e.file, e.line, e.column, root, None)],
        "descriptor": {"id": "input-error"},
    })
}
