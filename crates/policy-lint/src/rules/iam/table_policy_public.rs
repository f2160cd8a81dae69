//! DDB003: a DynamoDB table resource policy that admits any principal.

use super::{Protected, check_public};
use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DDB003",
        name: "table-policy-public",
        title: "DynamoDB table resource policy admits any principal",
        control: "DB-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "A table resource policy open to `*` gives every AWS account a path to the users' expenses, around the API and its per-user isolation.",
        remediation: "Remove the statement or name the principals.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    check_public(cx, out, Protected::Table);
}
