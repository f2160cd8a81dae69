//! `GET /expenses/{id}`: one of the caller's expenses, with its version as the `ETag`.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, key, sdk_error};
use crate::error::{ApiError, respond};
use crate::http;
use crate::model::Expense;

/// Handles one request.
pub async fn handle(table: &Table, request: Request) -> Response<Body> {
    respond(get(table, &request).await)
}

async fn get(table: &Table, request: &Request) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let id = http::path_id(request)?;
    // The key is built from the caller's own id, so another user's expense id finds nothing
    // here and is answered exactly like an id that never existed.
    let output = table
        .client
        .get_item()
        .table_name(&table.name)
        .set_key(Some(key(&user.id, &id.text())))
        .consistent_read(true)
        .send()
        .await
        .map_err(sdk_error)?;
    let item = output.item().ok_or(ApiError::NotFound)?;
    let expense = Expense::from_item(item).map_err(ApiError::internal)?;
    http::expense(StatusCode::OK, &expense)
}
