//! TPL001: a problem in the input itself.

use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "TPL001",
        name: "template-input-problem",
        title: "Template is malformed or holds something the linter cannot resolve",
        control: "TPL-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "A duplicate key silently drops a value (CloudFormation keeps the last), a \
            reference to nothing fails at deploy time, an unknown tag hides a value from \
            every check, and a resource without a string `Type` is checked by no rule. Each \
            is a place where what was reviewed is not what runs.",
        remediation: "Fix what the message names: remove the duplicate key, define or correct \
            the reference, replace the tag, or give the resource its `Type`.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for problem in &cx.model.problems {
        let ty = cx
            .model
            .resource(&problem.resource)
            .next()
            .map_or("", |r| r.source_type.as_str());
        out.on_id(&problem.resource, ty, problem.loc)
            .fail(problem.message.clone());
    }
}
