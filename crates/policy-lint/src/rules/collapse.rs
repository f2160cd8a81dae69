//! Folding a finding that holds in every view of a resource into one.
//!
//! A resource whose properties branch on conditions is checked once per
//! combination of condition values. A failure (or unknown) that comes out
//! the same in every combination does not depend on the conditions, so it
//! is reported once, without them; one that holds in some combinations
//! keeps the condition values it holds under.

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::model::Model;

/// Collapses findings repeated across all views of their resource.
pub(crate) fn collapse(model: &Model, findings: Vec<Finding>) -> Vec<Finding> {
    let mut views: BTreeMap<&str, usize> = BTreeMap::new();
    for resource in &model.resources {
        *views.entry(resource.id.as_str()).or_default() += 1;
    }
    let mut groups: BTreeMap<Key, Vec<Finding>> = BTreeMap::new();
    for finding in findings {
        groups.entry(Key::of(&finding)).or_default().push(finding);
    }
    let mut out = Vec::new();
    for (_, mut group) in groups {
        let count = views.get(group[0].resource.as_str()).copied().unwrap_or(1);
        // Passes stay per view: they are the evidence that every view was
        // checked, which the report and the case tests read.
        let reportable = group[0].status != crate::finding::Status::Pass;
        if reportable && count > 1 && group.len() == count {
            let mut first = group.swap_remove(0);
            first.conditions.clear();
            out.push(first);
        } else {
            out.extend(group);
        }
    }
    out
}

/// Everything that identifies a finding except its condition values.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    rule: &'static str,
    resource: String,
    status: crate::finding::Status,
    line: u32,
    column: u32,
    message: String,
    detail: Option<String>,
    path: Option<String>,
}

impl Key {
    fn of(f: &Finding) -> Self {
        Self {
            rule: f.rule,
            resource: f.resource.clone(),
            status: f.status,
            line: f.line,
            column: f.column,
            message: f.message.clone(),
            detail: f.detail.clone(),
            path: f.path.clone(),
        }
    }
}
