//! The control catalogue in `controls.rs` is `docs/security-model.md` as
//! data: same IDs, groups, wording, kind and reviewer guidance, in the same
//! order; every rule names a catalogued machine control, and every machine
//! control has a rule.

use std::collections::BTreeSet;
use std::path::PathBuf;

use policy_lint::controls::{CATALOGUE, Check};
use policy_lint::rules::REGISTRY;

/// One catalogue row as the document states it.
#[derive(Debug, PartialEq, Eq)]
struct DocRow {
    id: String,
    group: String,
    title: String,
    /// `None` for a machine control; the reviewer text for a manual one.
    reviewer: Option<String>,
}

fn doc_rows() -> Vec<DocRow> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/security-model.md");
    let text = std::fs::read_to_string(&path).expect("docs/security-model.md is readable");
    let mut group = String::new();
    let mut rows = Vec::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            group = heading.trim().to_owned();
        } else if let Some(row) = table_row(line, &group) {
            rows.push(row);
        }
    }
    rows
}

/// A control row: `| ID | text | machine… |` or `| ID | text | reviewer |`
/// under the manual heading. Header and rule rows are not controls.
fn table_row(line: &str, group: &str) -> Option<DocRow> {
    let cells: Vec<&str> = line
        .strip_prefix('|')?
        .strip_suffix('|')?
        .split('|')
        .map(str::trim)
        .collect();
    let [id, title, third] = cells.as_slice() else {
        return None;
    };
    let is_id = id.starts_with(|c: char| c.is_ascii_uppercase())
        && id.contains('-')
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if !is_id {
        return None;
    }
    let reviewer = if group == "Manual controls" {
        Some((*third).to_owned())
    } else {
        assert!(
            third.starts_with("machine"),
            "{id}: checked column is `{third}`"
        );
        None
    };
    Some(DocRow {
        id: (*id).to_owned(),
        group: group.to_owned(),
        title: (*title).to_owned(),
        reviewer,
    })
}

fn code_rows() -> Vec<DocRow> {
    CATALOGUE
        .iter()
        .map(|c| DocRow {
            id: c.id.to_owned(),
            group: c.group.to_owned(),
            title: c.title.to_owned(),
            reviewer: match c.check {
                Check::Machine => None,
                Check::Manual { reviewer } => Some(reviewer.to_owned()),
            },
        })
        .collect()
}

#[test]
fn catalogue_matches_the_security_model_document() {
    let doc = doc_rows();
    let code = code_rows();
    let doc_ids: Vec<&str> = doc.iter().map(|r| r.id.as_str()).collect();
    let code_ids: Vec<&str> = code.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(code_ids, doc_ids, "control IDs or their order differ");
    for (d, c) in doc.iter().zip(&code) {
        assert_eq!(
            c, d,
            "controls.rs and docs/security-model.md disagree on {}",
            d.id
        );
    }
}

#[test]
fn control_ids_are_unique() {
    let mut seen = BTreeSet::new();
    for c in CATALOGUE {
        assert!(seen.insert(c.id), "duplicate control {}", c.id);
    }
}

#[test]
fn every_rule_names_a_machine_control_of_the_catalogue() {
    for rule in REGISTRY {
        let m = &rule.meta;
        let control = policy_lint::controls::find(m.control)
            .unwrap_or_else(|| panic!("{}: control {} is not in the catalogue", m.id, m.control));
        assert!(
            !control.is_manual(),
            "{}: control {} is manual, yet a rule checks it",
            m.id,
            m.control
        );
    }
}

#[test]
fn every_machine_control_has_a_rule_and_no_manual_one_does() {
    for c in CATALOGUE {
        let rules = c.rules().count();
        if c.is_manual() {
            assert_eq!(rules, 0, "manual control {} has rules", c.id);
            assert!(
                c.reviewer_guidance().is_some_and(|g| !g.is_empty()),
                "{}",
                c.id
            );
        } else {
            assert!(rules > 0, "machine control {} has no rule", c.id);
        }
    }
}

/// The catalogue keeps every ID of the shared contract (`controls.md`),
/// which may only grow.
#[test]
fn catalogue_keeps_the_shared_control_ids() {
    const SHARED: &[&str] = &[
        "AUTH-1", "AUTH-2", "AUTH-3", "AUTH-4", "API-1", "API-2", "API-3", "API-4", "DATA-1",
        "DATA-2", "DATA-3", "DATA-4", "DATA-5", "IAM-1", "IAM-2", "IAM-3", "IAM-4", "IAM-5",
        "S3-1", "S3-2", "S3-3", "PUB-1", "KMS-1", "DATA-6", "DB-1", "DB-2", "OPS-1", "OPS-2",
        "OPS-3", "SEC-1", "SEC-2", "TPL-1", "PRIV-1", "PRIV-2", "CI-1", "IR-1", "TEST-1",
    ];
    for id in SHARED {
        assert!(policy_lint::controls::find(id).is_some(), "{id} is missing");
    }
}
