//! The free-text fields, bounded in length and free of control characters.

use crate::error::ApiError;

/// Longest category, in characters.
pub const MAX_CATEGORY_CHARS: usize = 64;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// A non-empty category label such as "travel", trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category(String);

/// A description, possibly empty; may span lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description(String);

impl Category {
    /// Validates `text`; errors name `category`.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ApiError::invalid(
                "category",
                "`category` must not be empty",
            ));
        }
        check("category", text, MAX_CATEGORY_CHARS, |c| c.is_control())?;
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Description {
    /// Validates `text`; errors name `description`.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let forbidden = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
        check("description", text, MAX_DESCRIPTION_CHARS, forbidden)?;
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check(
    field: &str,
    text: &str,
    max: usize,
    forbidden: impl Fn(char) -> bool,
) -> Result<(), ApiError> {
    if text.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("`{field}` is longer than {max} characters"),
        ));
    }
    if text.chars().any(forbidden) {
        return Err(ApiError::invalid(
            field,
            format!("`{field}` contains control characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::InvalidField { field, .. } => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(Description::parse(&"é".repeat(MAX_DESCRIPTION_CHARS)).is_ok());
        let long = "é".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(
            field_of(Description::parse(&long).expect_err("too long")),
            "description"
        );
        assert!(Category::parse(&"ü".repeat(MAX_CATEGORY_CHARS)).is_ok());
        let long = "x".repeat(MAX_CATEGORY_CHARS + 1);
        assert_eq!(
            field_of(Category::parse(&long).expect_err("too long")),
            "category"
        );
    }

    #[test]
    fn categories_are_trimmed_and_non_empty() {
        assert_eq!(
            Category::parse("  travel ").expect("category").as_str(),
            "travel"
        );
        assert_eq!(
            field_of(Category::parse("   ").expect_err("blank")),
            "category"
        );
        assert_eq!(
            field_of(Category::parse("a\nb").expect_err("newline")),
            "category"
        );
    }

    #[test]
    fn descriptions_keep_lines_but_not_other_control_characters() {
        assert!(Description::parse("line one\nline two\tend").is_ok());
        assert!(Description::parse("").is_ok());
        assert_eq!(
            field_of(Description::parse("bell\u{7}").expect_err("bell")),
            "description"
        );
    }
}
