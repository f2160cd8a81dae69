//! `DELETE /expenses/{id}`: deletes one of the caller's expenses.
//!
//! Conditional like update: an id that names no expense of the caller is 404 (so deleting
//! twice is 404 the second time), and `If-Match` guards against deleting a newer version.

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, key, sdk_error};
use crate::error::{ApiError, respond};
use crate::functions::SORT_KEY;
use crate::http;

/// Handles one request.
pub async fn handle(table: &Table, request: Request) -> Response<Body> {
    respond(delete(table, &request).await)
}

async fn delete(table: &Table, request: &Request) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let id = http::path_id(request)?;
    let expected = http::if_match(request)?;
    let mut call = table
        .client
        .delete_item()
        .table_name(&table.name)
        .set_key(Some(key(&user.id, &id.text())))
        .condition_expression("attribute_exists(#sk)")
        .expression_attribute_names("#sk", SORT_KEY)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
    if let Some(version) = expected {
        call = call
            .condition_expression("attribute_exists(#sk) AND #version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", AttributeValue::N(version.to_string()));
    }
    call.send().await.map_err(|e| match e.as_service_error() {
        Some(DeleteItemError::ConditionalCheckFailedException(failed)) => match failed.item() {
            Some(_) => ApiError::PreconditionFailed,
            None => ApiError::NotFound,
        },
        _ => sdk_error(e),
    })?;
    tracing::info!(expense_id = %id.text(), "expense deleted");
    Ok(http::no_content())
}
