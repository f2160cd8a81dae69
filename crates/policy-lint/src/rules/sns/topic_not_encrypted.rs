//! SNS001: a topic or queue that is not encrypted at rest.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "SNS001",
        name: "topic-not-encrypted",
        title: "SNS topic or SQS queue is not encrypted at rest",
        control: "DATA-6",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-SNS2", "AwsSolutions-SQS2"],
        checkov: &["CKV_AWS_26", "CKV_AWS_27"],
        security_hub: &["SNS.1", "SQS.1"],
        rationale: "Alarm notifications and queued messages carry resource names and error \
            text; they are data at rest like any other.",
        remediation: "Set `KmsMasterKeyId` to a KMS key.",
        limitations: "SQS queues pass with SQS-managed encryption, which SQS turns on by default.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Topic(topic) = &resource.kind else {
            continue;
        };
        let value = &topic.kms_key;
        let finding = out.on(resource).at(value);
        match &value.state {
            State::Set(key) | State::Default { value: key, .. } => {
                finding.pass(format!("encrypted with `{key}`"));
            }
            State::Unknown(reason) => finding.unknown(format!("the key cannot be read: {reason}")),
            State::Absent => {
                finding.fail("no `KmsMasterKeyId`, so messages are stored unencrypted")
            }
        }
    }
}
