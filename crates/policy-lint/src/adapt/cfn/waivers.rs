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
//!         approver: security@example.com   # optional
//!         ticket: SEC-42                    # optional
//!         expires: 2026-06-30               # optional, YYYY-MM-DD
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
use crate::waivers::Date;

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
            let Some(review) = review(id, rule, entry, problems) else {
                continue;
            };
            for detail in details(entry, detail_key) {
                waivers.push(Waiver {
                    rule: rule.to_owned(),
                    detail,
                    reason: reason.trim().to_owned(),
                    approver: review.approver.clone(),
                    ticket: review.ticket.clone(),
                    expires: review.expires,
                    loc: entry.loc,
                });
            }
        }
    }
    waivers
}

/// The reviewer's details a waiver may carry (only stackwright's key names
/// them; peer tools' entries have none).
struct Review {
    approver: Option<String>,
    ticket: Option<String>,
    expires: Option<Date>,
}

/// Reads `approver`, `ticket` and `expires`; `None` (with a problem) when
/// the expiry is not a date, so a typo cannot make a waiver permanent.
fn review(id: &str, rule: &str, entry: &Node, problems: &mut Vec<Problem>) -> Option<Review> {
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(Node::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let expires = match entry.get("expires") {
        None => None,
        Some(node) => match node.as_str().map(str::parse::<Date>) {
            Some(Ok(date)) => Some(date),
            _ => {
                let shown = node
                    .as_str()
                    .map_or_else(|| node.to_json().to_string(), str::to_owned);
                let message = format!(
                    "the waiver of `{rule}` has `expires: {shown}`, not a date (YYYY-MM-DD)"
                );
                problems.push(problem(id, node, message));
                return None;
            }
        },
    };
    Some(Review {
        approver: text("approver"),
        ticket: text("ticket"),
        expires,
    })
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
