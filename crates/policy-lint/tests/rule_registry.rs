//! The rule registry's invariants: stable, unique IDs in order, controls
//! from the catalogue, metadata in the message convention, and generated
//! docs that match `docs/rules/`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use policy_lint::rules::{REGISTRY, docs};

/// The machine-checked controls of the catalogue (`docs/security-model.md`).
const CONTROLS: &[&str] = &[
    "AUTH-1", "AUTH-2", "AUTH-3", "AUTH-4", "API-1", "API-2", "API-3", "API-4", "DATA-1", "DATA-2",
    "DATA-3", "DATA-4", "DATA-5", "DATA-6", "IAM-1", "IAM-2", "IAM-3", "IAM-4", "IAM-5", "S3-1",
    "S3-2", "S3-3", "PUB-1", "KMS-1", "DB-1", "DB-2", "OPS-1", "OPS-2", "OPS-3", "SEC-1", "SEC-2",
    "TPL-1",
];

#[test]
fn ids_are_unique_and_names_kebab_case() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in REGISTRY {
        let m = &rule.meta;
        assert!(ids.insert(m.id), "duplicate rule id {}", m.id);
        assert!(names.insert(m.name), "duplicate rule name {}", m.name);
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab case",
            m.id,
            m.name
        );
        assert!(
            m.id.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{}: id is not upper-case alphanumeric",
            m.id
        );
    }
}

#[test]
fn every_rule_names_a_catalogue_control_and_has_prose() {
    for rule in REGISTRY {
        let m = &rule.meta;
        assert!(
            CONTROLS.contains(&m.control),
            "{}: unknown control {}",
            m.id,
            m.control
        );
        assert!(
            !m.rationale.is_empty() && !m.remediation.is_empty(),
            "{}: missing prose",
            m.id
        );
        assert!(
            !m.title.ends_with('.'),
            "{}: title ends with a period",
            m.id
        );
    }
}

#[test]
fn every_machine_checked_control_has_a_rule() {
    let covered: BTreeSet<&str> = REGISTRY.iter().map(|r| r.meta.control).collect();
    let missing: Vec<&&str> = CONTROLS.iter().filter(|c| !covered.contains(**c)).collect();
    assert!(missing.is_empty(), "controls without a rule: {missing:?}");
}

#[test]
fn generated_rule_docs_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let bless = std::env::var_os("STACKWRIGHT_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, content) in docs::all_pages() {
        let path = dir.join(&name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale for {stale:?}: run `STACKWRIGHT_BLESS=1 cargo test -p policy-lint --test rule_registry` \
         or `cargo run -p policy-lint -- rules --write-docs docs/rules`"
    );
}
