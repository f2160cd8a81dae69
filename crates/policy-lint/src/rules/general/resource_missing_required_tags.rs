//! TAG001: a taggable resource without the required tags.

use crate::finding::Severity;
use crate::model::State;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "TAG001",
        name: "resource-missing-required-tags",
        title: "Taggable resource lacks a required tag",
        control: "OPS-3",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &["Lambda.6", "DynamoDB.5"],
        rationale: "Tags tie every resource to a project, an environment and an owner: \
            without them nobody can say who answers for a resource during an incident or who \
            pays for it.",
        remediation: "Tag every resource with the required keys (by default `project`, \
            `environment`, `owner`, `cost-center`) and non-empty values; in Terraform the \
            provider's `default_tags` count.",
        limitations: "Types are taken as taggable when their CloudFormation schema has tags; a \
            value produced by an intrinsic counts as present.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let required = &cx.config.required_tags;
    for resource in &cx.model.resources {
        let Some(tags) = &resource.tags else {
            continue;
        };
        let written = match &tags.state {
            State::Set(map) | State::Default { value: map, .. } => map,
            State::Unknown(reason) => {
                out.on(resource)
                    .at(tags)
                    .unknown(format!("tags cannot be read: {reason}"));
                continue;
            }
            State::Absent => &Default::default(),
        };
        let missing: Vec<&str> = required
            .iter()
            .filter(|key| {
                let value = written
                    .get(*key)
                    .or_else(|| cx.model.default_tags.get(*key));
                value.is_none_or(|v| v.trim().is_empty())
            })
            .map(String::as_str)
            .collect();
        let finding = out.on(resource).at(tags);
        if missing.is_empty() {
            finding.pass("every required tag is present");
        } else {
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            finding
                .detail(missing.join(","))
                .fail(format!("missing required tags: {list}"));
        }
    }
}
