//! DDB001: a table encrypted only with the AWS-owned key.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "DDB001",
        name: "table-without-kms-encryption",
        title: "DynamoDB table is encrypted only with the AWS-owned key",
        control: "DATA-2",
        severity: Severity::Warning,
        cdk_nag: &[],
        checkov: &["CKV_AWS_119"],
        security_hub: &[],
        rationale: "Every table is encrypted, but with the AWS-owned key its use never \
            appears in the account's CloudTrail. The security model asks for AWS-managed KMS \
            encryption, whose key use is logged and whose policy can be inspected.",
        remediation: "Set `SSESpecification.SSEEnabled: true` (AWS-managed key), optionally \
            with `KMSMasterKeyId` for a customer-managed key.",
        limitations: "The AWS-owned key still encrypts the data at rest, so this is a warning. \
            checkov CKV_AWS_119 asks for a customer-managed key; the security model does not.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Table(table) = &resource.kind else {
            continue;
        };
        let value = &table.kms_encryption;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(true) => finding.pass("encrypted with a KMS key"),
            State::Unknown(reason) => {
                finding.unknown(format!("`SSEEnabled` cannot be read: {reason}"))
            }
            _ => finding.fail("encrypted only with the AWS-owned key"),
        }
    }
}
