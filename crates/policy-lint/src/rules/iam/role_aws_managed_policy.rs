//! IAM007: a role that carries an AWS-managed policy.

use crate::finding::Severity;
use crate::iam::eval::ManagedPolicyArn;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "IAM007",
        name: "role-aws-managed-policy",
        title: "Role carries an AWS-managed policy",
        control: "IAM-5",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-IAM4"],
        checkov: &[],
        security_hub: &[],
        rationale: "AWS-managed policies are written for every customer: \
            `AWSLambdaBasicExecutionRole` lets a function write to any log group in the \
            account, and AWS changes them without asking.",
        remediation: "Replace the managed policy with an inline or customer-managed policy that \
            names the workload's own resources.",
        limitations: "Each AWS-managed ARN is one finding, with the ARN as detail, so a waiver \
            can accept one policy without accepting the others. Customer-managed ARNs and \
            references to policies in the template pass.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Role(role) = &resource.kind else {
            continue;
        };
        for arn in &role.managed_policies {
            let finding = out.on(resource).at(arn);
            let sym = match &arn.state {
                State::Set(sym) => sym,
                State::Unknown(reason) => {
                    finding.unknown(format!("a managed policy ARN cannot be read: {reason}"));
                    continue;
                }
                _ => continue,
            };
            let finding = finding.detail(sym.to_string());
            match ManagedPolicyArn::of(sym) {
                ManagedPolicyArn::AwsManaged { name } => {
                    finding.fail(format!("carries the AWS-managed policy `{name}`"));
                }
                ManagedPolicyArn::CustomerManaged => finding.pass("a customer-managed policy"),
                ManagedPolicyArn::Unknown(reason) => finding.unknown(reason),
            }
        }
    }
}
