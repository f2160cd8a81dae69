//! ISO 4217 currencies, with the minor unit that bounds an amount's decimal places.

use crate::error::ApiError;

/// An active ISO 4217 currency that people spend: fund codes (`BOV`), precious metals and
/// special codes (`XAU`, `XDR`, `XXX`) have no use in an expense and are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    inner: iso_currency::Currency,
    minor_digits: u32,
}

impl Currency {
    /// Parses the upper-case alphabetic code (`"EUR"`); errors name `field`.
    pub fn parse(field: &str, code: &str) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::invalid(
                field,
                format!("`{field}` must be an ISO 4217 currency code such as EUR"),
            )
        };
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid());
        }
        let inner = iso_currency::Currency::from_code(code).ok_or_else(invalid)?;
        let spendable = !inner.is_fund() && !inner.is_special();
        match inner.exponent() {
            Some(minor_digits) if spendable => Ok(Self {
                inner,
                minor_digits: minor_digits.into(),
            }),
            _ => Err(invalid()),
        }
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.inner.code()
    }

    /// Digits after the decimal point in an amount: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_digits(&self) -> u32 {
        self.minor_digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_currencies_parse_with_their_minor_unit() {
        for (code, digits) in [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("CHF", 2)] {
            let currency = Currency::parse("currency", code).expect(code);
            assert_eq!((currency.code(), currency.minor_digits()), (code, digits));
        }
    }

    #[test]
    fn unknown_lower_case_fund_and_special_codes_are_rejected() {
        for code in [
            "eur", "EURO", "EU", "ABC", "XAU", "XXX", "XTS", "BOV", "", "€",
        ] {
            let error = Currency::parse("currency", code).expect_err(code);
            assert!(
                matches!(&error, ApiError::InvalidField { field, .. } if field == "currency"),
                "{code}: {error:?}"
            );
        }
    }
}
