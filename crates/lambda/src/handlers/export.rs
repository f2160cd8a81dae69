//! `GET /export`: every expense of the caller in one document, for data portability.
//!
//! The format is the `format` query parameter (`json` or `csv`), else the best match in
//! `Accept` (q-values honoured; `*/*` and a missing header mean JSON), else 406. JSON is
//! `{"expenses": [...]}` with the fields of `GET /expenses/{id}`; CSV has a header row and the
//! same columns. In CSV, a text cell a spreadsheet would run as a formula (one starting with
//! `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`, as OWASP advises against
//! CSV injection; the JSON export is always exact.
//!
//! A synchronous Lambda response carries at most 6 MB, so an export is refused with 413 once
//! it outgrows [`MAX_BODY_BYTES`]; the partition is read page by page and rendering stops
//! there, so memory stays bounded too.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};

use crate::auth;
use crate::db::{Table, expenses_query, sdk_error};
use crate::error::{ApiError, respond};
use crate::http;
use crate::model::{Expense, ExpenseJson};

/// The largest export body: Lambda's 6 MB response limit, less room for headers and the
/// proxy response envelope.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// CSV columns, in [`ExpenseJson`] order.
const CSV_HEADER: [&str; 9] = [
    "expenseId",
    "date",
    "amount",
    "currency",
    "category",
    "description",
    "createdAt",
    "updatedAt",
    "version",
];

/// Handles one request.
pub async fn handle(table: &Table, request: Request) -> Response<Body> {
    handle_with_limit(table, MAX_BODY_BYTES, request).await
}

/// Handles one request with a smaller body limit (tests use it to reach the limit cheaply).
pub async fn handle_with_limit(
    table: &Table,
    max_body_bytes: usize,
    request: Request,
) -> Response<Body> {
    respond(export(table, max_body_bytes, &request).await)
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/csv`.
    Csv,
}

async fn export(
    table: &Table,
    max_body_bytes: usize,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let user = auth::user(request)?;
    let format = format(request)?;
    let mut document = Document::new(format);
    let mut start_key = None;
    loop {
        let output = expenses_query(table, &user.id)
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .map_err(sdk_error)?;
        for item in output.items() {
            document.push(&Expense::from_item(item).map_err(ApiError::internal)?)?;
        }
        if document.len() > max_body_bytes {
            return Err(ApiError::ExportTooLarge {
                limit: max_body_bytes,
            });
        }
        start_key = output.last_evaluated_key().cloned();
        if start_key.is_none() {
            break;
        }
    }
    tracing::info!(count = document.count, format = ?format, "expenses exported");
    document.into_response(max_body_bytes)
}

/// The format `request` asks for.
pub fn format(request: &Request) -> Result<Format, ApiError> {
    if let Some(name) = http::query(request, "format") {
        return match name.as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(ApiError::invalid(
                "format",
                "`format` must be `json` or `csv`",
            )),
        };
    }
    match http::header_text(request, "Accept")? {
        None => Ok(Format::Json),
        Some(accept) => negotiate(accept).ok_or(ApiError::NotAcceptable),
    }
}

/// The format with the highest q-value in an `Accept` header; on a tie, the first listed.
pub fn negotiate(accept: &str) -> Option<Format> {
    let mut best: Option<(u16, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let format = match media.as_str() {
            "application/json" | "application/*" | "*/*" => Format::Json,
            "text/csv" | "text/*" => Format::Csv,
            _ => continue,
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(quality))
            .unwrap_or(1000);
        if q > 0 && best.is_none_or(|(best_q, _)| q > best_q) {
            best = Some((q, format));
        }
    }
    best.map(|(_, format)| format)
}

/// A q-value in thousandths; malformed ones count as 0 (not acceptable).
fn quality(text: &str) -> u16 {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() != 1 || fraction.len() > 3 || !digits(whole) || !digits(fraction) {
        return 0;
    }
    let fraction: u16 = format!("{fraction:0<3}").parse().unwrap_or(0);
    match whole {
        "0" => fraction,
        "1" if fraction == 0 => 1000,
        _ => 0,
    }
}

/// An export being rendered.
struct Document {
    format: Format,
    body: Vec<u8>,
    count: usize,
}

impl Document {
    fn new(format: Format) -> Self {
        let mut body = Vec::new();
        match format {
            Format::Json => body.extend_from_slice(b"{\"expenses\":["),
            Format::Csv => {
                body.extend_from_slice(csv_line(&CSV_HEADER.map(String::from)).as_bytes())
            }
        }
        Self {
            format,
            body,
            count: 0,
        }
    }

    fn len(&self) -> usize {
        self.body.len()
    }

    fn push(&mut self, expense: &Expense) -> Result<(), ApiError> {
        let json = expense.to_json();
        match self.format {
            Format::Json => {
                if self.count > 0 {
                    self.body.push(b',');
                }
                serde_json::to_writer(&mut self.body, &json).map_err(ApiError::internal)?;
            }
            Format::Csv => self
                .body
                .extend_from_slice(csv_line(&csv_row(json)).as_bytes()),
        }
        self.count += 1;
        Ok(())
    }

    fn into_response(mut self, max_body_bytes: usize) -> Result<Response<Body>, ApiError> {
        let (content_type, file) = match self.format {
            Format::Json => {
                self.body.extend_from_slice(b"]}");
                ("application/json", "attachment; filename=\"expenses.json\"")
            }
            Format::Csv => (
                "text/csv; charset=utf-8",
                "attachment; filename=\"expenses.csv\"",
            ),
        };
        if self.body.len() > max_body_bytes {
            return Err(ApiError::ExportTooLarge {
                limit: max_body_bytes,
            });
        }
        let text = String::from_utf8(self.body).map_err(ApiError::internal)?;
        let mut response = Response::new(Body::Text(text));
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(file));
        Ok(response)
    }
}

fn csv_row(json: ExpenseJson) -> [String; 9] {
    [
        json.expense_id,
        json.date,
        json.amount,
        json.currency.to_owned(),
        defuse_formula(json.category),
        defuse_formula(json.description),
        json.created_at,
        json.updated_at,
        json.version.to_string(),
    ]
}

/// One CSV record (RFC 4180 quoting, CRLF line end).
fn csv_line(fields: &[String; 9]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and the record has a fixed width; on the impossible error
    // the line is dropped rather than the function panicking.
    let bytes = writer
        .write_record(fields)
        .ok()
        .and_then(|()| writer.into_inner().ok())
        .unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn defuse_formula(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_pick_the_preferred_format() {
        for (accept, format) in [
            ("application/json", Some(Format::Json)),
            ("text/csv", Some(Format::Csv)),
            ("*/*", Some(Format::Json)),
            ("text/*", Some(Format::Csv)),
            ("text/csv;q=0.5, application/json;q=0.9", Some(Format::Json)),
            ("application/json;q=0.1, text/csv", Some(Format::Csv)),
            ("text/csv, application/json", Some(Format::Csv)),
            ("TEXT/CSV", Some(Format::Csv)),
            ("application/json;q=0, text/html", None),
            ("application/json;q=2", None),
            ("text/html", None),
            ("", None),
        ] {
            assert_eq!(negotiate(accept), format, "{accept}");
        }
    }

    #[test]
    fn q_values_are_thousandths() {
        for (text, q) in [
            ("1", 1000),
            ("1.000", 1000),
            ("0.5", 500),
            ("0.123", 123),
            ("0", 0),
        ] {
            assert_eq!(quality(text), q, "{text}");
        }
        for text in ["1.5", "0.1234", "-1", "x", "", "10"] {
            assert_eq!(quality(text), 0, "{text}");
        }
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        let fields = [
            "a,b",
            "say \"hi\"",
            "=SUM(A1)",
            "-1",
            "@x",
            "plain",
            "",
            "x\ny",
            "1",
        ]
        .map(String::from);
        let fields = fields.map(defuse_formula);
        assert_eq!(
            csv_line(&fields),
            "\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),'-1,'@x,plain,,\"x\ny\",1\r\n"
        );
    }
}
