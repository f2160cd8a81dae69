//! Who is calling: the user the API Gateway Cognito authorizer verified.
//!
//! The identity comes only from the authorizer's claims in the request context, which API
//! Gateway fills after verifying the token; a body field, path or query parameter naming a user
//! is never consulted. A request without claims (no authorizer on the route, or a malformed
//! event) is 401.

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use serde_json::Value;

use crate::error::ApiError;

/// Longest `sub` accepted. Cognito's are 36-character UUIDs; the bound keeps a misconfigured
/// authorizer from writing arbitrary partition keys.
const MAX_SUB_LEN: usize = 128;

/// The authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The `sub` claim: stable, never reassigned, and the table's partition key.
    pub id: String,
    /// The user's Cognito user name (`cognito:username` in ID tokens, `username` in access
    /// tokens), which `AdminDeleteUser` takes; the `sub` when neither claim is present, which
    /// Cognito accepts for pools that sign users in by e-mail or phone number.
    pub username: String,
}

/// The authenticated user of `request`, or 401.
pub fn user(request: &Request) -> Result<User, ApiError> {
    let claims = claims(request).ok_or(ApiError::Unauthenticated)?;
    let id = string_claim(claims, "sub").ok_or(ApiError::Unauthenticated)?;
    if id.len() > MAX_SUB_LEN || id.chars().any(|c| c.is_control()) {
        return Err(ApiError::Unauthenticated);
    }
    let username = string_claim(claims, "cognito:username")
        .or_else(|| string_claim(claims, "username"))
        .unwrap_or(id);
    Ok(User {
        id: id.to_owned(),
        username: username.to_owned(),
    })
}

/// The claims object of a REST API (v1) Cognito user pool authorizer.
fn claims(request: &Request) -> Option<&serde_json::Map<String, Value>> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(context) => {
            context.authorizer.fields.get("claims")?.as_object()
        }
        _ => None,
    }
}

fn string_claim<'a>(claims: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name)?.as_str().filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with_authorizer(authorizer: Value) -> Request {
        let event = serde_json::json!({
            "resource": "/expenses",
            "path": "/expenses",
            "httpMethod": "GET",
            "headers": {},
            "multiValueHeaders": {},
            "requestContext": {
                "httpMethod": "GET",
                "resourcePath": "/expenses",
                "authorizer": authorizer,
            },
            "body": null,
            "isBase64Encoded": false,
        });
        lambda_http::request::from_str(&event.to_string()).expect("valid event")
    }

    #[test]
    fn id_token_claims_give_sub_and_user_name() {
        let request = request_with_authorizer(serde_json::json!({"claims": {
            "sub": "0f6a2b1c-0000-4000-8000-000000000001",
            "cognito:username": "alice",
            "email": "alice@example.com",
        }}));
        let user = user(&request).expect("authenticated");
        assert_eq!(user.id, "0f6a2b1c-0000-4000-8000-000000000001");
        assert_eq!(user.username, "alice");
    }

    #[test]
    fn without_a_user_name_claim_the_sub_is_the_user_name() {
        let request = request_with_authorizer(serde_json::json!({"claims": {"sub": "s-1"}}));
        assert_eq!(user(&request).expect("authenticated").username, "s-1");
    }

    #[test]
    fn missing_or_empty_sub_is_unauthenticated() {
        for authorizer in [
            serde_json::json!(null),
            serde_json::json!({}),
            serde_json::json!({"claims": {}}),
            serde_json::json!({"claims": {"sub": ""}}),
            serde_json::json!({"claims": {"sub": 7}}),
            serde_json::json!({"claims": {"sub": "a\nb"}}),
            serde_json::json!({"claims": {"sub": "x".repeat(129)}}),
        ] {
            let request = request_with_authorizer(authorizer.clone());
            assert!(
                matches!(user(&request), Err(ApiError::Unauthenticated)),
                "{authorizer}"
            );
        }
    }
}
