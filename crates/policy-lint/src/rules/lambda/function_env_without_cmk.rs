//! LMB001: a function whose environment is not encrypted with a
//! customer-managed key.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "LMB001",
        name: "function-env-without-cmk",
        title: "Lambda environment variables are not encrypted with a customer-managed KMS key",
        control: "DATA-3",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_173"],
        security_hub: &[],
        rationale: "Lambda always encrypts environment variables, but with the AWS-managed \
            `aws/lambda` key anyone who may read the function's configuration reads them in \
            plain text. A customer-managed key puts their decryption under a key policy.",
        remediation: "Set `KmsKeyArn` to a customer-managed key with rotation on.",
        limitations: "Functions without environment variables pass: there is nothing to encrypt.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Function(function) = &resource.kind else {
            continue;
        };
        let value = &function.kms_key;
        let finding = out.on(resource).at(value);
        if function.environment.is_empty() {
            finding.pass("the function has no environment variables");
            continue;
        }
        match &value.state {
            State::Set(key) => finding.pass(format!("encrypted with `{key}`")),
            State::Unknown(reason) => {
                finding.unknown(format!("`KmsKeyArn` cannot be read: {reason}"))
            }
            _ => finding.fail("environment variables use the AWS-managed key"),
        }
    }
}
