//! The date an expense happened: an ISO 8601 calendar date, `YYYY-MM-DD`.

use time::Date;
use time::macros::format_description;

use crate::error::ApiError;

/// Earliest year accepted; anything before is a typo, not an expense.
const MIN_YEAR: i32 = 1900;

/// A calendar date. Its text form sorts like the date, which the list filter relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExpenseDate(Date);

impl ExpenseDate {
    /// Parses exactly `YYYY-MM-DD` (no week or ordinal dates, no time); errors name `field`.
    pub fn parse(field: &str, text: &str) -> Result<Self, ApiError> {
        let shape_ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        let date = shape_ok
            .then(|| Date::parse(text, format_description!("[year]-[month]-[day]")).ok())
            .flatten()
            .ok_or_else(|| {
                ApiError::invalid(
                    field,
                    format!("`{field}` must be a calendar date as YYYY-MM-DD"),
                )
            })?;
        if date.year() < MIN_YEAR {
            return Err(ApiError::invalid(
                field,
                format!("`{field}` must be in {MIN_YEAR} or later"),
            ));
        }
        Ok(Self(date))
    }

    /// The `YYYY-MM-DD` text.
    pub fn text(&self) -> String {
        let (year, month, day) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        format!("{year:04}-{month:02}-{day:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_round_trip() {
        for text in ["2024-02-29", "1900-01-01", "2031-12-31"] {
            assert_eq!(ExpenseDate::parse("date", text).expect(text).text(), text);
        }
    }

    #[test]
    fn impossible_and_non_calendar_dates_are_rejected() {
        for text in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-1",
            "2024/01/01",
            "2024-01-01T00:00:00Z",
            "2024-W01-1",
            "2024-001",
            "+2024-01-01",
            "1899-12-31",
            "",
        ] {
            let error = ExpenseDate::parse("date", text).expect_err(text);
            assert!(
                matches!(&error, ApiError::InvalidField { field, .. } if field == "date"),
                "{text}: {error:?}"
            );
        }
    }

    #[test]
    fn text_order_is_date_order() {
        let early = ExpenseDate::parse("date", "2024-01-31").expect("date");
        let late = ExpenseDate::parse("date", "2024-02-01").expect("date");
        assert!(early < late && early.text() < late.text());
    }
}
