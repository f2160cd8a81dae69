//! PUB001: a resource policy that admits principals outside the account.

use super::{Protected, check_public_with};
use crate::finding::Severity;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "PUB001",
        name: "resource-policy-public",
        title: "Resource policy on a key, topic, queue, secret or function admits any principal",
        control: "PUB-1",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_33", "CKV_AWS_364"],
        security_hub: &["KMS.5", "Lambda.1"],
        rationale: "A resource policy open to `*` lets principals outside the account use the key, publish to the topic, read the queue or invoke the function.",
        remediation: "Name the principals, or narrow a service principal with `aws:SourceArn` / `aws:SourceAccount`.",
        limitations: "Lambda permissions are read as one-statement resource policies, so a permission for `apigateway.amazonaws.com` without `SourceArn` is reported. A `*` only in a `Deny` is fine.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    check_public_with(cx, out, Protected::Other, |out, policy| {
        if !is_lambda_permission(policy) {
            return 0;
        }
        policy
            .parsed
            .allows()
            .map(|statement| unscoped_service_principal(out, policy, statement))
            .sum()
    });
}

fn is_lambda_permission(policy: &crate::model::Policy) -> bool {
    matches!(
        policy.owner_type.as_str(),
        "AWS::Lambda::Permission" | "aws_lambda_permission"
    )
}

/// A service principal acts for every AWS customer: without `SourceArn`
/// or `SourceAccount`, another account's API or bucket can invoke the
/// function through the same service (the confused deputy).
fn unscoped_service_principal(
    out: &mut Emitter<'_>,
    policy: &crate::model::Policy,
    statement: &crate::iam::Statement,
) -> usize {
    use crate::iam::PrincipalKind;
    use crate::iam::eval::{Narrowing, Site, Status, narrowing};
    let Some(principals) = &statement.principals else {
        return 0;
    };
    let mut count = 0;
    let services = principals
        .entries
        .iter()
        .filter(|p| p.kind == PrincipalKind::Service);
    for service in services {
        let site = Site::item(statement, &service.value);
        let status = match narrowing(statement) {
            Narrowing::By(_) => continue,
            Narrowing::None => Status::Fail,
            Narrowing::Unknown(reason) => Status::Unknown(reason),
        };
        let name = service.value.value.to_string();
        let message = format!(
            "`{name}` may invoke the function for any account: no `SourceArn` or `SourceAccount`"
        );
        let builder = super::at_site(out, policy, &site).detail(format!("Principal::{name}"));
        super::finish(builder, &status, message);
        count += 1;
    }
    count
}
