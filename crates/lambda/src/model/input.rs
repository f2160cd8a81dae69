//! The JSON body of `POST /expenses` and `PUT /expenses/{id}`, parsed into validated fields.
//!
//! The body is read as a map of raw JSON values so that every error can name its field (serde's
//! own messages for missing and unknown fields carry no path), and so that an amount given as a
//! JSON number is read from its exact text rather than through a float. Unknown fields are
//! rejected: a client sending `userId` learns at once that it has no effect.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::{Category, Currency, Description, ExpenseDate, Money};
use crate::error::ApiError;

const FIELDS: [&str; 5] = ["amount", "currency", "date", "category", "description"];

/// The client-supplied fields of an expense, all valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenseInput {
    /// Amount and currency.
    pub money: Money,
    /// When the expense happened.
    pub date: ExpenseDate,
    /// What kind of expense it is.
    pub category: Category,
    /// Free text, possibly empty.
    pub description: Description,
}

impl ExpenseInput {
    /// Parses and validates a request body.
    pub fn parse(body: &[u8]) -> Result<Self, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::InvalidJson("the body is empty".into()));
        }
        let fields: BTreeMap<String, &RawValue> = serde_json::from_slice(body)
            .map_err(|e| ApiError::InvalidJson(format!("expected a JSON object ({e})")))?;
        if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(ApiError::invalid(
                unknown.as_str(),
                format!("unknown field `{unknown}`"),
            ));
        }
        let currency = Currency::parse("currency", &string(&fields, "currency")?)?;
        Ok(Self {
            money: Money::parse(&amount_text(&fields)?, currency)?,
            date: ExpenseDate::parse("date", &string(&fields, "date")?)?,
            category: Category::parse(&string(&fields, "category")?)?,
            description: match fields.get("description") {
                Some(_) => Description::parse(&string(&fields, "description")?)?,
                None => Description::default(),
            },
        })
    }

    /// A digest of the validated fields, which tells a retried request (same digest) from a
    /// different one reusing its `Idempotency-Key`. Equal inputs digest equally however the
    /// client spelled them (`12.3` or `"12.30"`).
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.money.amount_text().as_str(),
            self.money.currency().code(),
            self.date.text().as_str(),
            self.category.as_str(),
            self.description.as_str(),
        ] {
            hash.update(part.len().to_be_bytes());
            hash.update(part.as_bytes());
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The required string field `name`.
fn string(fields: &BTreeMap<String, &RawValue>, name: &str) -> Result<String, ApiError> {
    let raw = present(fields, name)?;
    serde_json::from_str(raw.get())
        .map_err(|_| ApiError::invalid(name, format!("`{name}` must be a string")))
}

/// The amount's decimal text, from a JSON string (`"12.30"`) or the literal text of a JSON
/// number (`12.30`).
fn amount_text(fields: &BTreeMap<String, &RawValue>) -> Result<String, ApiError> {
    let raw = present(fields, "amount")?.get();
    if raw.starts_with('"') {
        return string(fields, "amount");
    }
    if raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(raw.to_owned());
    }
    Err(ApiError::invalid(
        "amount",
        "`amount` must be a decimal string such as \"12.34\"",
    ))
}

fn present<'a>(
    fields: &BTreeMap<String, &'a RawValue>,
    name: &str,
) -> Result<&'a RawValue, ApiError> {
    fields
        .get(name)
        .copied()
        .filter(|raw| raw.get() != "null")
        .ok_or_else(|| ApiError::invalid(name, format!("`{name}` is required")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<ExpenseInput, ApiError> {
        ExpenseInput::parse(body.as_bytes())
    }

    fn field_of(body: &str) -> String {
        match parse(body) {
            Err(ApiError::InvalidField { field, .. }) => field,
            other => panic!("{body}: {other:?}"),
        }
    }

    const VALID: &str =
        r#"{"amount":"12.30","currency":"EUR","date":"2024-05-01","category":"food"}"#;

    #[test]
    fn a_complete_body_parses() {
        let input = parse(VALID).expect("valid");
        assert_eq!(input.money.amount_text(), "12.30");
        assert_eq!(input.description.as_str(), "");
    }

    #[test]
    fn numeric_amounts_are_read_exactly() {
        let body = r#"{"amount":0.1,"currency":"EUR","date":"2024-05-01","category":"x"}"#;
        assert_eq!(parse(body).expect("valid").money.amount_text(), "0.10");
        let body = r#"{"amount":1e2,"currency":"EUR","date":"2024-05-01","category":"x"}"#;
        assert_eq!(field_of(body), "amount");
    }

    #[test]
    fn equal_inputs_have_equal_fingerprints() {
        let spelled_otherwise =
            r#"{"category":"food","date":"2024-05-01","currency":"EUR","amount":12.3}"#;
        let a = parse(VALID).expect("valid").fingerprint();
        assert_eq!(a, parse(spelled_otherwise).expect("valid").fingerprint());
        let other = VALID.replace("food", "fuel");
        assert_ne!(a, parse(&other).expect("valid").fingerprint());
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"currency":"EUR","date":"2024-05-01","category":"x"}"#,
                "amount",
            ),
            (
                r#"{"amount":null,"currency":"EUR","date":"2024-05-01","category":"x"}"#,
                "amount",
            ),
            (
                r#"{"amount":true,"currency":"EUR","date":"2024-05-01","category":"x"}"#,
                "amount",
            ),
            (
                r#"{"amount":"1","currency":7,"date":"2024-05-01","category":"x"}"#,
                "currency",
            ),
            (
                r#"{"amount":"1","currency":"EUR","date":"May 1","category":"x"}"#,
                "date",
            ),
            (
                r#"{"amount":"1","currency":"EUR","date":"2024-05-01"}"#,
                "category",
            ),
            (
                r#"{"amount":"1","currency":"EUR","date":"2024-05-01","category":"x","userId":"u"}"#,
                "userId",
            ),
            (
                r#"{"amount":"1","currency":"EUR","date":"2024-05-01","category":"x","description":[]}"#,
                "description",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(field_of(body), field, "{body}");
        }
    }

    #[test]
    fn non_objects_are_invalid_json() {
        for body in ["", "  ", "{", "[]", "\"x\"", "null", "{\"amount\":}"] {
            assert!(
                matches!(parse(body), Err(ApiError::InvalidJson(_))),
                "{body}"
            );
        }
    }
}
