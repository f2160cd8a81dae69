//! An amount of money: a positive exact decimal in a currency, with no more decimal places than
//! the currency's minor unit.

use rust_decimal::Decimal;

use super::Currency;
use crate::error::ApiError;

/// Most digits before the decimal point: amounts stay below one trillion, far above any expense
/// and far below DynamoDB's 38 significant digits.
const MAX_WHOLE_DIGITS: usize = 12;

/// A validated amount and its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Parses `amount` (digits, optionally a point and the minor-unit digits: `"12.30"`, `"7"`)
    /// in `currency`. Signs, exponents, spaces and zero are rejected; errors name `amount`.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, ApiError> {
        let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || amount.ends_with('.') {
            return Err(ApiError::invalid(
                "amount",
                "`amount` must be a decimal number such as \"12.34\", without sign or exponent",
            ));
        }
        if whole.len() > MAX_WHOLE_DIGITS {
            return Err(ApiError::invalid(
                "amount",
                "`amount` must be less than 1000000000000",
            ));
        }
        check_minor_digits(fraction, currency)?;
        let amount = Decimal::from_str_exact(amount).map_err(|_| {
            ApiError::invalid(
                "amount",
                "`amount` must be a decimal number such as \"12.34\"",
            )
        })?;
        if amount.is_zero() {
            return Err(ApiError::invalid(
                "amount",
                "`amount` must be greater than zero",
            ));
        }
        Ok(Self { amount, currency })
    }

    /// Rebuilds a stored amount, which DynamoDB may have normalised (`"12.3"` for `"12.30"`).
    pub fn from_stored(amount: &str, currency: Currency) -> Option<Self> {
        let amount = Decimal::from_str_exact(amount).ok()?;
        let positive = amount.is_sign_positive() && !amount.is_zero();
        (positive && amount.scale() <= currency.minor_digits()).then_some(Self { amount, currency })
    }

    /// The amount with exactly the currency's decimal places: `"12.30"`, `"1200"` for JPY.
    pub fn amount_text(&self) -> String {
        let mut amount = self.amount;
        amount.rescale(self.currency.minor_digits());
        amount.to_string()
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

fn check_minor_digits(fraction: &str, currency: Currency) -> Result<(), ApiError> {
    let allowed = currency.minor_digits();
    if fraction.len() <= allowed as usize {
        return Ok(());
    }
    let message = match allowed {
        0 => format!("`amount` must be a whole number for {}", currency.code()),
        n => format!(
            "`amount` has more than {n} decimal places for {}",
            currency.code()
        ),
    };
    Err(ApiError::invalid("amount", message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse("currency", code).expect("currency")
    }

    fn parse(amount: &str, code: &str) -> Result<Money, ApiError> {
        Money::parse(amount, currency(code))
    }

    #[test]
    fn amounts_print_with_the_currency_minor_unit() {
        for (amount, code, text) in [
            ("12.3", "EUR", "12.30"),
            ("12.34", "EUR", "12.34"),
            ("7", "USD", "7.00"),
            ("1200", "JPY", "1200"),
            ("0.125", "KWD", "0.125"),
            ("0.01", "EUR", "0.01"),
            ("999999999999.99", "EUR", "999999999999.99"),
        ] {
            assert_eq!(parse(amount, code).expect(amount).amount_text(), text);
        }
    }

    #[test]
    fn amounts_are_exact() {
        let sum = ["0.10", "0.20"]
            .iter()
            .map(|a| parse(a, "EUR").expect("amount").amount)
            .sum::<Decimal>();
        assert_eq!(sum.to_string(), "0.30");
    }

    #[test]
    fn malformed_zero_negative_and_too_precise_amounts_are_rejected() {
        for (amount, code) in [
            ("", "EUR"),
            ("-1", "EUR"),
            ("+1", "EUR"),
            ("1e3", "EUR"),
            (" 1", "EUR"),
            ("1.", "EUR"),
            (".5", "EUR"),
            ("1.2.3", "EUR"),
            ("0", "EUR"),
            ("0.00", "EUR"),
            ("12.345", "EUR"),
            ("1.5", "JPY"),
            ("1000000000000", "EUR"),
            ("NaN", "EUR"),
            ("١٢", "EUR"),
        ] {
            let error = parse(amount, code).expect_err(amount);
            assert!(
                matches!(&error, ApiError::InvalidField { field, .. } if field == "amount"),
                "{amount}: {error:?}"
            );
        }
    }

    #[test]
    fn stored_amounts_round_trip_through_normalisation() {
        let money = Money::from_stored("12.3", currency("EUR")).expect("stored");
        assert_eq!(money.amount_text(), "12.30");
        assert!(Money::from_stored("12.345", currency("EUR")).is_none());
        assert!(Money::from_stored("-1", currency("EUR")).is_none());
    }
}
