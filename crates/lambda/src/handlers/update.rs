//! `PUT /expenses/{id}`: replaces the client-set fields of one of the caller's expenses.
//!
//! The write is conditional: the expense must exist (an update never creates one, so another
//! user's id stays 404) and, with `If-Match`, still be at that version (else 412). The
//! version grows by one and `updatedAt` moves; `createdAt` and the id never change.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, key, sdk_error};
use crate::error::{ApiError, respond};
use crate::functions::SORT_KEY;
use crate::http;
use crate::model::{Expense, ExpenseInput, Timestamp, input_attributes};

/// Handles one request.
pub async fn handle(table: &Table, request: Request) -> Response<Body> {
    respond(update(table, &request).await)
}

async fn update(table: &Table, request: &Request) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let id = http::path_id(request)?;
    let input = ExpenseInput::parse(request.body())?;
    let expected = http::if_match(request)?;
    let (expression, names, values) = update_expression(&input, Timestamp::now());
    let mut call = table
        .client
        .update_item()
        .table_name(&table.name)
        .set_key(Some(key(&user.id, &id.text())))
        .update_expression(expression)
        .set_expression_attribute_names(Some(names.into_iter().collect()))
        .set_expression_attribute_values(Some(values.into_iter().collect()))
        .condition_expression("attribute_exists(#sk)")
        .expression_attribute_names("#sk", SORT_KEY)
        .return_values(ReturnValue::AllNew)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
    if let Some(version) = expected {
        call = call
            .condition_expression("attribute_exists(#sk) AND #version = :expected")
            .expression_attribute_values(":expected", AttributeValue::N(version.to_string()));
    }
    let output = call.send().await.map_err(|e| match e.as_service_error() {
        Some(UpdateItemError::ConditionalCheckFailedException(failed)) => match failed.item() {
            Some(_) => ApiError::PreconditionFailed,
            None => ApiError::NotFound,
        },
        _ => sdk_error(e),
    })?;
    let item = output
        .attributes()
        .ok_or_else(|| ApiError::internal("update returned no item"))?;
    let expense = Expense::from_item(item).map_err(ApiError::internal)?;
    tracing::info!(expense_id = %expense.id.text(), version = expense.version, "expense updated");
    http::expense(StatusCode::OK, &expense)
}

type Names = BTreeMap<String, String>;
type Values = BTreeMap<String, AttributeValue>;

/// `SET` of every client field plus `updatedAt`, and the version bump. Attribute names go
/// through placeholders because `date` is a DynamoDB reserved word.
fn update_expression(input: &ExpenseInput, now: Timestamp) -> (String, Names, Values) {
    let mut fields: Values = input_attributes(input).into_iter().collect();
    fields.insert("updatedAt".into(), AttributeValue::S(now.text()));
    let mut names = Names::from([("#version".into(), "version".into())]);
    let mut values = Values::from([(":one".into(), AttributeValue::N("1".into()))]);
    let mut sets = Vec::new();
    for (name, value) in fields {
        sets.push(format!("#{name} = :{name}"));
        names.insert(format!("#{name}"), name.clone());
        values.insert(format!(":{name}"), value);
    }
    (
        format!("SET {}, #version = #version + :one", sets.join(", ")),
        names,
        values,
    )
}
