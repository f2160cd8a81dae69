//! `GET /expenses`: the caller's expenses, newest first, one page at a time.
//!
//! Query parameters: `limit` (1 to 100, default 25), `from` and `to` (inclusive `YYYY-MM-DD`
//! bounds on the expense `date`) and `cursor` (the previous page's `nextCursor`). The response
//! is `{"expenses": [...], "nextCursor": "..." | null}`.
//!
//! Only a Query on the caller's partition, bounded to expense sort keys, ever runs. The date
//! bounds are a filter: DynamoDB applies `Limit` before it, so one page may take several
//! Queries; their number is capped, and a page can then hold fewer than `limit` expenses while
//! `nextCursor` still points further. Clients page until `nextCursor` is null.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

use crate::auth;
use crate::cursor::CursorKey;
use crate::db::{Table, expenses_query, key, sdk_error};
use crate::error::{ApiError, respond};
use crate::functions::SORT_KEY;
use crate::http;
use crate::model::{Expense, ExpenseDate, ExpenseId, ExpenseJson, Item};

/// Page size when the client gives none.
pub const DEFAULT_LIMIT: usize = 25;
/// Largest page size.
pub const MAX_LIMIT: usize = 100;
/// Most Queries one page may take when a date filter skips items.
const MAX_QUERIES_PER_PAGE: usize = 10;

/// Handles one request.
pub async fn handle(table: &Table, cursor_key: &CursorKey, request: Request) -> Response<Body> {
    respond(list(table, cursor_key, &request).await)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageJson {
    expenses: Vec<ExpenseJson>,
    next_cursor: Option<String>,
}

async fn list(
    table: &Table,
    cursor_key: &CursorKey,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let limit = limit(request)?;
    let filter = DateFilter::parse(request)?;
    let scope = filter.scope();
    let start = match http::query(request, "cursor") {
        Some(cursor) => Some(cursor_key.open(&user.id, &scope, &cursor)?),
        None => None,
    };
    let (expenses, next) = page(table, &user.id, &filter, limit, start).await?;
    let body = PageJson {
        expenses: expenses.iter().map(Expense::to_json).collect(),
        next_cursor: next.map(|last| cursor_key.seal(&user.id, &scope, &last)),
    };
    tracing::info!(
        count = body.expenses.len(),
        more = body.next_cursor.is_some(),
        "expenses listed"
    );
    http::json(StatusCode::OK, &body)
}

fn limit(request: &Request) -> Result<usize, ApiError> {
    let Some(text) = http::query(request, "limit") else {
        return Ok(DEFAULT_LIMIT);
    };
    text.parse()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            ApiError::invalid(
                "limit",
                format!("`limit` must be a whole number from 1 to {MAX_LIMIT}"),
            )
        })
}

/// One page of expenses starting after `start`, and the id the next page starts after.
async fn page(
    table: &Table,
    user_id: &str,
    filter: &DateFilter,
    limit: usize,
    start: Option<ExpenseId>,
) -> Result<(Vec<Expense>, Option<ExpenseId>), ApiError> {
    let mut expenses = Vec::new();
    let mut start_key = start.map(|id| key(user_id, &id.text()));
    for _ in 0..MAX_QUERIES_PER_PAGE {
        // One more than a page tells whether another page follows without a second Query.
        let query = expenses_query(table, user_id)
            .scan_index_forward(false)
            .limit(i32::try_from(limit + 1).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start_key.take());
        let output = filter.apply(query).send().await.map_err(sdk_error)?;
        for item in output.items() {
            expenses.push(Expense::from_item(item).map_err(ApiError::internal)?);
        }
        start_key = output.last_evaluated_key().cloned();
        if expenses.len() > limit || start_key.is_none() {
            break;
        }
    }
    if expenses.len() > limit {
        expenses.truncate(limit);
        let next = expenses.last().map(|e| e.id);
        return Ok((expenses, next));
    }
    let next = start_key.as_ref().map(sort_key_id).transpose()?;
    Ok((expenses, next))
}

fn sort_key_id(key: &Item) -> Result<ExpenseId, ApiError> {
    let text = key.get(SORT_KEY).and_then(|v| v.as_s().ok());
    let id = text.and_then(|t| ExpenseId::parse(t));
    id.ok_or_else(|| ApiError::internal("last evaluated key is not an expense key"))
}

/// The optional inclusive date bounds.
struct DateFilter {
    from: Option<ExpenseDate>,
    to: Option<ExpenseDate>,
}

impl DateFilter {
    fn parse(request: &Request) -> Result<Self, ApiError> {
        let bound = |name: &str| {
            http::query(request, name)
                .map(|t| ExpenseDate::parse(name, &t))
                .transpose()
        };
        let (from, to) = (bound("from")?, bound("to")?);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(ApiError::invalid("from", "`from` must not be after `to`"));
            }
        }
        Ok(Self { from, to })
    }

    /// What a cursor is bound to besides the user: a cursor from another filter is refused.
    fn scope(&self) -> String {
        let text = |d: Option<ExpenseDate>| d.map(|d| d.text()).unwrap_or_default();
        format!("from={};to={}", text(self.from), text(self.to))
    }

    fn apply(&self, query: QueryFluentBuilder) -> QueryFluentBuilder {
        let (expression, bounds) = match (self.from, self.to) {
            (None, None) => return query,
            (Some(from), Some(to)) => (
                "#date BETWEEN :from AND :to",
                vec![(":from", from), (":to", to)],
            ),
            (Some(from), None) => ("#date >= :from", vec![(":from", from)]),
            (None, Some(to)) => ("#date <= :to", vec![(":to", to)]),
        };
        let query = query
            .filter_expression(expression)
            .expression_attribute_names("#date", "date");
        bounds
            .into_iter()
            .fold(query, |query, (placeholder, date)| {
                query.expression_attribute_values(placeholder, AttributeValue::S(date.text()))
            })
    }
}
