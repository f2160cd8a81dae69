//! `DELETE /me`: the right to erasure. Deletes every item in the caller's partition (expenses
//! and idempotency records), then the caller's Cognito user, and answers 204.
//!
//! Items go first: if the function dies half-way the user can still sign in and repeat the
//! request, which picks up where it stopped (a user already gone from the pool counts as
//! deleted). Each round Queries the partition's keys from the start with strong consistency,
//! deletes them with `BatchWriteItem` in batches of 25 (its maximum), and stops when a Query
//! finds nothing, so items created while erasing are caught too. Unprocessed items are retried
//! with exponential backoff; items still unprocessed after [`MAX_BATCH_ATTEMPTS`] fail the
//! request with 503 before the user is touched.

use std::future::Future;
use std::time::Duration;

use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, sdk_error};
use crate::error::{ApiError, respond};
use crate::functions::{PARTITION_KEY, SORT_KEY};
use crate::http;
use crate::model::Item;
use crate::user_pool::UserPool;

/// `BatchWriteItem` takes at most 25 requests.
pub const BATCH_SIZE: usize = 25;
/// Attempts per batch before giving up on unprocessed items.
pub const MAX_BATCH_ATTEMPTS: u32 = 8;
/// Wait before the first retry; doubles per attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// Longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Handles one request.
pub async fn handle(table: &Table, pool: &UserPool, request: Request) -> Response<Body> {
    respond(erase(table, pool, &request).await)
}

async fn erase(
    table: &Table,
    pool: &UserPool,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let mut deleted = 0;
    loop {
        let keys = partition_keys(table, &user.id).await?;
        if keys.is_empty() {
            break;
        }
        deleted += keys.len();
        for batch in keys.chunks(BATCH_SIZE) {
            let requests = batch
                .iter()
                .cloned()
                .map(delete_request)
                .collect::<Result<_, _>>()?;
            write_with_retry(requests, |pending| write_batch(table, pending)).await?;
        }
    }
    pool.delete_user(&user.username).await?;
    tracing::info!(items = deleted, "user erased");
    Ok(http::no_content())
}

/// One page of the keys in `user_id`'s partition, all item kinds included.
async fn partition_keys(table: &Table, user_id: &str) -> Result<Vec<Item>, ApiError> {
    let output = table
        .client
        .query()
        .table_name(&table.name)
        .key_condition_expression("#pk = :pk")
        .projection_expression("#pk, #sk")
        .expression_attribute_names("#pk", PARTITION_KEY)
        .expression_attribute_names("#sk", SORT_KEY)
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(user_id.to_owned()),
        )
        .consistent_read(true)
        .send()
        .await
        .map_err(sdk_error)?;
    Ok(output.items().to_vec())
}

fn delete_request(key: Item) -> Result<WriteRequest, ApiError> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(ApiError::internal)?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// Sends `requests`, then what came back unprocessed, until nothing is left.
async fn write_batch(
    table: &Table,
    requests: Vec<WriteRequest>,
) -> Result<Vec<WriteRequest>, ApiError> {
    let output = table
        .client
        .batch_write_item()
        .request_items(&table.name, requests)
        .send()
        .await
        .map_err(sdk_error)?;
    let mut unprocessed = output.unprocessed_items.unwrap_or_default();
    Ok(unprocessed.remove(&table.name).unwrap_or_default())
}

/// Calls `send` with `requests`, and again with whatever it returns as unprocessed, waiting
/// longer each time, at most [`MAX_BATCH_ATTEMPTS`] times.
pub async fn write_with_retry<R, F, Fut>(mut requests: Vec<R>, mut send: F) -> Result<(), ApiError>
where
    F: FnMut(Vec<R>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, ApiError>>,
{
    for attempt in 0..MAX_BATCH_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(backoff(attempt)).await;
        }
        requests = send(requests).await?;
        if requests.is_empty() {
            return Ok(());
        }
    }
    let message = format!(
        "{} deletes unprocessed after {MAX_BATCH_ATTEMPTS} attempts",
        requests.len()
    );
    Err(ApiError::Throttled(message.into()))
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1 << (attempt - 1).min(16))
        .min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn unprocessed_requests_are_retried_until_done() {
        let mut calls = Vec::new();
        let result = write_with_retry(vec![1, 2, 3], |pending: Vec<u32>| {
            calls.push(pending.clone());
            let unprocessed = pending.into_iter().skip(1).collect();
            async move { Ok(unprocessed) }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(calls, vec![vec![1, 2, 3], vec![2, 3], vec![3]]);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_never_processed_fail_as_throttled() {
        let mut attempts = 0;
        let result = write_with_retry(vec![1], |pending: Vec<u32>| {
            attempts += 1;
            async move { Ok(pending) }
        })
        .await;
        assert!(matches!(result, Err(ApiError::Throttled(_))));
        assert_eq!(attempts, MAX_BATCH_ATTEMPTS);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<_> = (1..=8).map(|a| backoff(a).as_millis()).collect();
        assert_eq!(waits, [50, 100, 200, 400, 800, 1600, 2000, 2000]);
    }
}
