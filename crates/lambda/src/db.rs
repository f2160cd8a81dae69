//! The expenses table: the client and name every handler borrows, the primary key of an item,
//! and how DynamoDB failures become API errors.
//!
//! The client is built once per cold start and passed by reference. Nothing here knows where
//! the server is: the SDK config decides (the standard `AWS_ENDPOINT_URL` variables on a
//! developer machine, the regional endpoint on Lambda), and tests pass their own config.

use std::collections::HashMap;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ApiError;
use crate::functions::{PARTITION_KEY, SORT_KEY};
use crate::model::ExpenseId;

/// Error codes AWS uses for throttling after the SDK's own retries ran out.
const THROTTLING_CODES: [&str; 4] = [
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottlingException",
    "TooManyRequestsException",
];

/// The expenses table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The DynamoDB client.
    pub client: aws_sdk_dynamodb::Client,
    /// The table name.
    pub name: String,
}

impl Table {
    /// The table `name`, reached through `config`.
    pub fn new(config: &SdkConfig, name: impl Into<String>) -> Self {
        Self::with_client(aws_sdk_dynamodb::Client::new(config), name)
    }

    /// The table `name`, reached through `client`.
    pub fn with_client(client: aws_sdk_dynamodb::Client, name: impl Into<String>) -> Self {
        Self {
            client,
            name: name.into(),
        }
    }
}

/// The primary key of `user_id`'s item with sort key `sort_key`.
pub fn key(user_id: &str, sort_key: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (
            PARTITION_KEY.to_owned(),
            AttributeValue::S(user_id.to_owned()),
        ),
        (SORT_KEY.to_owned(), AttributeValue::S(sort_key.to_owned())),
    ])
}

/// A strongly consistent Query over `user_id`'s expenses, oldest first. The sort key range
/// covers expense ids only, which leaves out the idempotency records in the same partition.
pub fn expenses_query(table: &Table, user_id: &str) -> QueryFluentBuilder {
    table
        .client
        .query()
        .table_name(&table.name)
        .key_condition_expression("#pk = :pk AND #sk BETWEEN :first AND :last")
        .expression_attribute_names("#pk", PARTITION_KEY)
        .expression_attribute_names("#sk", SORT_KEY)
        .expression_attribute_values(":pk", AttributeValue::S(user_id.to_owned()))
        .expression_attribute_values(":first", AttributeValue::S(ExpenseId::FIRST_KEY.to_owned()))
        .expression_attribute_values(":last", AttributeValue::S(ExpenseId::LAST_KEY.to_owned()))
        .consistent_read(true)
}

/// The API error for a failed SDK call: 503 when throttled, otherwise 500.
pub fn sdk_error<E, R>(error: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let throttled = error
        .code()
        .is_some_and(|code| THROTTLING_CODES.contains(&code));
    if throttled {
        ApiError::Throttled(error.into())
    } else {
        ApiError::internal(error)
    }
}
