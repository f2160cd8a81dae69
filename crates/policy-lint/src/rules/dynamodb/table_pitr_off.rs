//! DDB002: a table without point-in-time recovery.

use crate::finding::Severity;
use crate::model::Kind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DDB002",
        name: "table-pitr-off",
        title: "DynamoDB table has point-in-time recovery off",
        control: "DB-2",
        severity: Severity::Warning,
        cdk_nag: &["AwsSolutions-DDB3"],
        checkov: &["CKV_AWS_28"],
        security_hub: &["DynamoDB.2"],
        rationale: "Without point-in-time recovery a bad deploy or a deleted item cannot be \
            undone. The security model leaves it off, so this is a warning a production stack \
            should answer.",
        remediation: "Set `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        if let Kind::Table(table) = &resource.kind {
            out.expect_true(
                resource,
                &table.point_in_time_recovery,
                "point-in-time recovery",
            );
        }
    }
}
