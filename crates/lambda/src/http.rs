//! Reading requests and writing responses, shared by the handlers: path ids, query parameters,
//! headers, `If-Match`/`ETag` versions and JSON bodies.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;

use crate::error::{ApiError, json_response};
use crate::model::{Expense, ExpenseId};

/// The expense id in the `{id}` path parameter. One that is missing or not an expense id
/// names no expense of this user: 404, the same answer as for another user's id.
pub fn path_id(request: &Request) -> Result<ExpenseId, ApiError> {
    let params = request.path_parameters_ref().ok_or(ApiError::NotFound)?;
    params
        .first("id")
        .and_then(ExpenseId::parse)
        .ok_or(ApiError::NotFound)
}

/// The first value of query parameter `name`.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()?
        .first(name)
        .map(str::to_owned)
}

/// The value of header `name`, if present; 400 if it is not visible ASCII.
pub fn header_text<'a>(request: &'a Request, name: &str) -> Result<Option<&'a str>, ApiError> {
    let Some(value) = request.headers().get(name) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::invalid(name, format!("`{name}` must be visible ASCII")))?;
    Ok(Some(text))
}

/// The version an `If-Match: "N"` header requires, if any. `*` requires only that the
/// expense exists, which every write checks anyway.
pub fn if_match(request: &Request) -> Result<Option<u64>, ApiError> {
    let Some(text) = header_text(request, "If-Match")?.map(str::trim) else {
        return Ok(None);
    };
    if text == "*" {
        return Ok(None);
    }
    let version = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
    version
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid(
                "If-Match",
                "`If-Match` must be one ETag as returned, such as \"3\"",
            )
        })
}

/// A JSON response with `status` and `value` as the body.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Response<Body>, ApiError> {
    let text = serde_json::to_string(value).map_err(ApiError::internal)?;
    Ok(json_response(status, text))
}

/// The expense as a JSON response, with its version as the `ETag`.
pub fn expense(status: StatusCode, expense: &Expense) -> Result<Response<Body>, ApiError> {
    let mut response = json(status, &expense.to_json())?;
    let etag =
        HeaderValue::try_from(format!("\"{}\"", expense.version)).map_err(ApiError::internal)?;
    response.headers_mut().insert(header::ETAG, etag);
    Ok(response)
}

/// An empty 204.
pub fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}
