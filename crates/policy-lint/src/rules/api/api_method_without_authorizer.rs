//! API001: an API method that any caller can invoke.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "API001",
        name: "api-method-without-authorizer",
        title: "API method is not authorized by a Cognito user-pool authorizer",
        control: "API-1",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-APIG4", "AwsSolutions-COG4"],
        checkov: &["CKV_AWS_59"],
        security_hub: &["APIGateway.8"],
        rationale: "Every request to the API must carry a verified Cognito token: the \
            handlers take the user's identity from it, and a method without authorization \
            lets anyone read or change data.",
        remediation: "Set `AuthorizationType: COGNITO_USER_POOLS` and `AuthorizerId` to a \
            Cognito authorizer on every method. Only a CORS preflight (an `OPTIONS` method with \
            a `MOCK` integration answering 204 with `Access-Control-Allow-*` headers) may stay \
            open.",
        limitations: "An API key is not authorization: `ApiKeyRequired` alone still fails \
            (checkov CKV_AWS_59 passes it). An `OPTIONS` method with a real integration is not a \
            preflight and fails (cdk-nag COG4 and checkov exempt every `OPTIONS`). IAM and \
            Lambda authorizers fail as well, because the security model names Cognito JWTs.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::ApiMethod(method) = &resource.kind else {
            continue;
        };
        let value = &method.authorization;
        let finding = out.on(resource).at(value);
        let kind = match &value.state {
            State::Set(kind) | State::Default { value: kind, .. } => kind.as_str(),
            State::Unknown(reason) => {
                finding.unknown(format!("`AuthorizationType` cannot be read: {reason}"));
                continue;
            }
            State::Absent => "NONE",
        };
        match kind {
            "COGNITO_USER_POOLS" | "JWT" => match (&method.authorizer, &method.authorizer_type) {
                (None, _) => finding.fail("the method names no authorizer"),
                (Some(_), Some(t)) if t != "COGNITO_USER_POOLS" && t != "JWT" => {
                    finding.fail(format!("the authorizer is of type `{t}`, not Cognito"));
                }
                _ => finding.pass("the method is authorized by a Cognito authorizer"),
            },
            "NONE" if method.is_cors_preflight => {
                finding.pass("a CORS preflight answered by a MOCK integration")
            }
            "NONE" if method.api_key_required.value() == Some(&true) => {
                finding.fail("the method needs only an API key, which is not authorization");
            }
            "NONE" => finding.fail("the method needs no authorization"),
            other => finding.fail(format!(
                "the method uses `{other}`, not a Cognito authorizer"
            )),
        }
    }
}
