//! `POST /expenses`: validates the body and stores a new expense for the caller.
//!
//! With an `Idempotency-Key` header the write goes through [`crate::idempotency`], so a retry
//! returns the expense the first attempt stored (marked `Idempotent-Replayed: true`).

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, sdk_error};
use crate::error::{ApiError, respond};
use crate::functions::SORT_KEY;
use crate::http;
use crate::idempotency::{self, Outcome};
use crate::model::{Expense, ExpenseInput, Timestamp};

/// Handles one request.
pub async fn handle(table: &Table, request: Request) -> Response<Body> {
    respond(create(table, &request).await)
}

async fn create(table: &Table, request: &Request) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let input = ExpenseInput::parse(request.body())?;
    let key = idempotency::key_of(request)?;
    let now = Timestamp::now();
    let fingerprint = input.fingerprint();
    let expense = Expense::new(input, now);
    let Some(key) = key else {
        put(table, &user.id, &expense).await?;
        return created(&expense, false);
    };
    match idempotency::create_once(table, &user.id, &key, &expense, &fingerprint, now).await? {
        Outcome::Created => created(&expense, false),
        Outcome::Replayed(original) => created(&original, true),
    }
}

async fn put(table: &Table, user_id: &str, expense: &Expense) -> Result<(), ApiError> {
    let result = table
        .client
        .put_item()
        .table_name(&table.name)
        .set_item(Some(expense.to_item(user_id)))
        .condition_expression("attribute_not_exists(#sk)")
        .expression_attribute_names("#sk", SORT_KEY)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        // Two ids collide only if two requests in the same millisecond draw the same 80
        // random bits; the condition turns that into a retryable conflict, not an overwrite.
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Err(ApiError::Conflict)
        }
        Err(e) => Err(sdk_error(e)),
    }
}

fn created(expense: &Expense, replayed: bool) -> Result<Response<Body>, ApiError> {
    let mut response = http::expense(StatusCode::CREATED, expense)?;
    let location = HeaderValue::try_from(format!("/expenses/{}", expense.id.text()))
        .map_err(ApiError::internal)?;
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    if replayed {
        headers.insert("Idempotent-Replayed", HeaderValue::from_static("true"));
    }
    tracing::info!(expense_id = %expense.id.text(), replayed, "expense created");
    Ok(response)
}
