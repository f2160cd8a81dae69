//! The API's one error type and its one conversion into a response.
//!
//! Every handler returns `Result<Response, ApiError>`; [`respond`] turns the error side into
//! `{"error": {"code", "message", "field"?}}` with the right status. Client errors carry a
//! message that is safe to show and name the offending field; they are logged at `info` without
//! the user's input. Server errors answer with a generic body and log the real cause once, as a
//! field, here and nowhere else.

use std::error::Error as StdError;

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;

/// The cause of a server error: any error, logged but never shown to the client.
pub type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No authenticated user in the request context.
    #[error("the request is not authenticated")]
    Unauthenticated,
    /// The body is not JSON, or not a JSON object.
    #[error("the request body is not valid JSON: {0}")]
    InvalidJson(String),
    /// A body field, query parameter or header is missing or invalid.
    #[error("{message}")]
    InvalidField {
        /// The field, parameter or header name, as the client spelled it.
        field: String,
        /// Why it is invalid, naming it.
        message: String,
    },
    /// The resource does not exist for this user (also for another user's ids).
    #[error("the expense does not exist")]
    NotFound,
    /// `If-Match` names a version that is no longer current.
    #[error("the expense has changed since the version in `If-Match`")]
    PreconditionFailed,
    /// None of the media types in `Accept` can be produced.
    #[error("the export is available as `application/json` or `text/csv`")]
    NotAcceptable,
    /// The export does not fit in one Lambda response.
    #[error("the export is larger than {limit} bytes, the most one response can carry")]
    ExportTooLarge {
        /// The largest body the function returns.
        limit: usize,
    },
    /// An `Idempotency-Key` was reused with a different request body.
    #[error("the `Idempotency-Key` was already used with a different request body")]
    IdempotencyKeyReused,
    /// Two requests raced on the same item or idempotency key.
    #[error("a concurrent request changed the same data, retry")]
    Conflict,
    /// DynamoDB throttled the request after the SDK's retries.
    #[error("the service is busy, retry later")]
    Throttled(#[source] Cause),
    /// Anything else: a bug, a corrupt item, an AWS failure.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl ApiError {
    /// A 400 naming `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A 500 caused by `cause`.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::InvalidJson(_) | Self::InvalidField { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::ExportTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict => StatusCode::CONFLICT,
            Self::Throttled(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable code in the body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidJson(_) => "invalid_json",
            Self::InvalidField { .. } => "invalid_field",
            Self::NotFound => "not_found",
            Self::PreconditionFailed => "precondition_failed",
            Self::NotAcceptable => "not_acceptable",
            Self::ExportTooLarge { .. } => "export_too_large",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Conflict => "conflict",
            Self::Throttled(_) => "throttled",
            Self::Internal(_) => "internal",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidField { field, .. } => Some(field),
            Self::InvalidJson(_) => Some("body"),
            _ => None,
        }
    }

    fn cause(&self) -> Option<&Cause> {
        match self {
            Self::Throttled(cause) | Self::Internal(cause) => Some(cause),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// The response for a handler's result, logging the error side.
pub fn respond(result: Result<Response<Body>, ApiError>) -> Response<Body> {
    result.unwrap_or_else(|error| error_response(&error))
}

/// The response for `error`: its status and JSON body. Logs it (once).
pub fn error_response(error: &ApiError) -> Response<Body> {
    log(error);
    let body = ErrorBody {
        error: ErrorDetail {
            code: error.code(),
            message: error.to_string(),
            field: error.field(),
        },
    };
    // The body holds only strings we wrote, so serialising it cannot fail; the fallback keeps
    // that claim out of the type system without a panic.
    let text = serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"));
    json_response(error.status(), text)
}

/// A JSON response with `status` and the given body text.
pub fn json_response(status: StatusCode, text: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn log(error: &ApiError) {
    let status = error.status().as_u16();
    match error.cause() {
        Some(cause) => tracing::error!(
            status,
            code = error.code(),
            error = %ErrorChain(cause.as_ref()),
            "request failed"
        ),
        None => tracing::info!(
            status,
            code = error.code(),
            field = error.field(),
            "request rejected"
        ),
    }
}

/// Displays an error with its whole `source()` chain, which the SDK's errors need to say
/// anything useful ("service error" alone names nothing).
struct ErrorChain<'a>(&'a (dyn StdError + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(next) = source {
            write!(f, ": {next}")?;
            source = next.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(response: &Response<Body>) -> serde_json::Value {
        match response.body() {
            Body::Text(text) => serde_json::from_str(text).expect("json body"),
            other => panic!("unexpected body {other:?}"),
        }
    }

    #[test]
    fn client_errors_name_the_field() {
        let response = error_response(&ApiError::invalid("amount", "`amount` must be positive"));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            body_of(&response),
            serde_json::json!({"error": {
                "code": "invalid_field",
                "message": "`amount` must be positive",
                "field": "amount",
            }})
        );
    }

    #[test]
    fn server_errors_hide_their_cause() {
        let cause = std::io::Error::other("table arn:aws:dynamodb:secret is gone");
        let response = error_response(&ApiError::internal(cause));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body_of(&response),
            serde_json::json!({"error": {"code": "internal", "message": "internal error"}})
        );
    }

    #[test]
    fn error_chain_shows_every_source() {
        #[derive(Debug, thiserror::Error)]
        #[error("service error")]
        struct Outer(#[source] std::io::Error);
        let outer = Outer(std::io::Error::other("throttled"));
        assert_eq!(ErrorChain(&outer).to_string(), "service error: throttled");
    }
}
