//! `Idempotency-Key` for `POST /expenses`: a client that retries a create after a timeout gets
//! the expense the first attempt stored instead of a duplicate.
//!
//! The first request writes the expense and an idempotency record in one transaction. The
//! record sits in the user's own partition under the sort key `idempotency#<key>`, which
//! sorts after every expense id, so listing and export never see it and erasure deletes it
//! with the rest. It holds the new expense's id and a fingerprint of the validated body. A
//! retry's transaction fails on the record's condition and gets the record back: the same
//! fingerprint replays the stored expense; another one is 422, since the key was reused for a
//! different request. Records expire after [`RETENTION`]; an expired record that DynamoDB TTL
//! has not removed yet no longer blocks its key.

use std::time::Duration;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use lambda_http::Request;

use crate::db::{Table, key, sdk_error};
use crate::error::ApiError;
use crate::functions::{SORT_KEY, TTL_ATTRIBUTE};
use crate::http::header_text;
use crate::model::{Expense, ExpenseId, Item, Timestamp};

/// The request header.
pub const HEADER: &str = "Idempotency-Key";
/// How long a key is remembered.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// Longest key accepted, in bytes.
const MAX_KEY_LEN: usize = 128;
/// Sort key prefix of idempotency records. Lower case, so it sorts after every expense id.
const RECORD_PREFIX: &str = "idempotency#";

/// A client's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

/// What a create with an idempotency key did.
#[derive(Debug)]
pub enum Outcome {
    /// The expense was stored now.
    Created,
    /// An earlier request with this key stored this expense.
    Replayed(Expense),
}

/// The request's idempotency key, if it sent one: 1 to 128 visible ASCII characters.
pub fn key_of(request: &Request) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(text) = header_text(request, HEADER)? else {
        return Ok(None);
    };
    let visible = text.bytes().all(|b| b.is_ascii_graphic());
    if text.is_empty() || text.len() > MAX_KEY_LEN || !visible {
        let message = format!("`{HEADER}` must be 1 to {MAX_KEY_LEN} visible ASCII characters");
        return Err(ApiError::invalid(HEADER, message));
    }
    Ok(Some(IdempotencyKey(text.to_owned())))
}

/// Stores `expense` for `user_id` unless `key` was used before.
pub async fn create_once(
    table: &Table,
    user_id: &str,
    key: &IdempotencyKey,
    expense: &Expense,
    fingerprint: &str,
    now: Timestamp,
) -> Result<Outcome, ApiError> {
    let result = table
        .client
        .transact_write_items()
        .transact_items(put_expense(table, user_id, expense)?)
        .transact_items(put_record(table, user_id, key, expense, fingerprint, now)?)
        .send()
        .await;
    let Err(error) = result else {
        return Ok(Outcome::Created);
    };
    let reasons = match error.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e.cancellation_reasons(),
        _ => return Err(sdk_error(error)),
    };
    match reasons
        .get(1)
        .and_then(|r| r.code().map(|code| (code, r.item())))
    {
        Some(("ConditionalCheckFailed", record)) => {
            replay(table, user_id, record, fingerprint).await
        }
        Some(("TransactionConflict", _)) => Err(ApiError::Conflict),
        _ => Err(sdk_error(error)),
    }
}

fn put_expense(
    table: &Table,
    user_id: &str,
    expense: &Expense,
) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(&table.name)
        .set_item(Some(expense.to_item(user_id)))
        .condition_expression("attribute_not_exists(#sk)")
        .expression_attribute_names("#sk", SORT_KEY)
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

fn put_record(
    table: &Table,
    user_id: &str,
    key: &IdempotencyKey,
    expense: &Expense,
    fingerprint: &str,
    now: Timestamp,
) -> Result<TransactWriteItem, ApiError> {
    let mut item = self::key(user_id, &record_sort_key(key));
    item.insert("targetId".into(), AttributeValue::S(expense.id.text()));
    item.insert(
        "fingerprint".into(),
        AttributeValue::S(fingerprint.to_owned()),
    );
    let expires = now.after(RETENTION).epoch_seconds();
    item.insert(TTL_ATTRIBUTE.into(), AttributeValue::N(expires.to_string()));
    let put = Put::builder()
        .table_name(&table.name)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#sk) OR #expires < :now")
        .expression_attribute_names("#sk", SORT_KEY)
        .expression_attribute_names("#expires", TTL_ATTRIBUTE)
        .expression_attribute_values(":now", AttributeValue::N(now.epoch_seconds().to_string()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

async fn replay(
    table: &Table,
    user_id: &str,
    record: Option<&Item>,
    fingerprint: &str,
) -> Result<Outcome, ApiError> {
    let record =
        record.ok_or_else(|| ApiError::internal("cancelled transaction without the record"))?;
    if record
        .get("fingerprint")
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        != Some(fingerprint)
    {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let target = record.get("targetId").and_then(|v| v.as_s().ok());
    let target = target
        .and_then(|id| ExpenseId::parse(id))
        .ok_or_else(|| ApiError::internal("idempotency record without a valid `targetId`"))?;
    let output = table
        .client
        .get_item()
        .table_name(&table.name)
        .set_key(Some(key(user_id, &target.text())))
        .consistent_read(true)
        .send()
        .await
        .map_err(sdk_error)?;
    let item = output.item().ok_or(ApiError::NotFound)?;
    Ok(Outcome::Replayed(
        Expense::from_item(item).map_err(ApiError::internal)?,
    ))
}

fn record_sort_key(key: &IdempotencyKey) -> String {
    format!("{RECORD_PREFIX}{}", key.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_sort_after_every_expense() {
        let record = record_sort_key(&IdempotencyKey("!".into()));
        assert!(ExpenseId::LAST_KEY < record.as_str());
    }
}
