//! Waivers written in a resource's `Metadata`: stackwright's own key, and
//! the cdk-nag and checkov conventions, so a decision recorded for a peer
//! tool is honoured here too.
//!
//! ```yaml
//! Metadata:
//!   stackwright:
//!     waivers:
//!       - rule: CF002
//!         reason: the dev stage has no custom domain yet
//!   cdk_nag:
//!     rules_to_suppress:
//!       - id: AwsSolutions-IAM5
//!         reason: …
//!         applies_to: ["Action::s3:*"]
//!   checkov:
//!     skip:
//!       - id: CKV_AWS_18
//!         comment: …
//! ```

use crate::model::{Problem, Waiver};
use crate::tree::Node;

/// The waivers in a resource's metadata; malformed entries become problems.
pub(super) fn read(id: &str, resource: &Node, problems: &mut Vec<Problem>) -> Vec<Waiver> {
    match resource.get("Metadata") {
        Some(metadata) => read_metadata(id, metadata, problems),
        None => Vec::new(),
    }
}

/// The waivers in a metadata object: a CloudFormation resource's `Metadata`, or the `"//"`
/// comment object of a Terraform JSON resource, which stackwright writes in the same shape.
pub(crate) fn read_metadata(id: &str, metadata: &Node, problems: &mut Vec<Problem>) -> Vec<Waiver> {
    let mut waivers = Vec::new();
    let sources = [
        (["stackwright", "waivers"], "rule", "reason", "detail"),
        (
            ["cdk_nag", "rules_to_suppress"],
            "id",
            "reason",
            "applies_to",
        ),
        (["checkov", "skip"], "id", "comment", ""),
    ];
    for (path, id_key, reason_key, detail_key) in sources {
        let Some(entries) = metadata.pointer(&path).and_then(Node::as_array) else {
            continue;
        };
        for entry in entries {
            let rule = entry.get(id_key).and_then(Node::as_str);
            let reason = entry
                .get(reason_key)
                .and_then(Node::as_str)
                .unwrap_or_default();
            let Some(rule) = rule else {
                problems.push(problem(
                    id,
                    entry,
                    format!("a waiver under `{}` names no `{id_key}`", path.join(".")),
                ));
                continue;
            };
            if reason.trim().is_empty() {
                problems.push(problem(
                    id,
                    entry,
                    format!("the waiver of `{rule}` gives no reason"),
                ));
                continue;
            }
            for detail in details(entry, detail_key) {
                waivers.push(Waiver {
                    rule: rule.to_owned(),
                    detail,
                    reason: reason.trim().to_owned(),
                    loc: entry.loc,
                });
            }
        }
    }
    waivers
}

/// The granular parts a waiver covers; `[None]` covers the whole rule.
fn details(entry: &Node, key: &str) -> Vec<Option<String>> {
    let Some(value) = (!key.is_empty()).then(|| entry.get(key)).flatten() else {
        return vec![None];
    };
    match (value.as_str(), value.as_array()) {
        (Some(one), _) => vec![Some(one.to_owned())],
        (_, Some(many)) if !many.is_empty() => many
            .iter()
            .map(|n| {
                n.as_str()
                    .map(str::to_owned)
                    .or_else(|| Some(n.to_json().to_string()))
            })
            .collect(),
        _ => vec![None],
    }
}

fn problem(id: &str, entry: &Node, message: String) -> Problem {
    Problem {
        resource: id.to_owned(),
        message,
        loc: entry.loc,
    }
}
