//! Condition blocks: `{"StringEquals": {"aws:SourceAccount": "123"}}` becomes
//! one [`Condition`] per operator and key, with the operator split into its
//! set qualifier, test and `IfExists` suffix.

use crate::sym::Sym;
use crate::tree::Loc;

use super::Item;

/// `ForAnyValue:` or `ForAllValues:` in front of an operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// The comparison a condition operator makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
    /// An operator IAM does not define, as written.
    Other(String),
}

const TESTS: [(&str, Test); 27] = [
    ("StringEquals", Test::StringEquals),
    ("StringNotEquals", Test::StringNotEquals),
    ("StringEqualsIgnoreCase", Test::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", Test::StringNotEqualsIgnoreCase),
    ("StringLike", Test::StringLike),
    ("StringNotLike", Test::StringNotLike),
    ("NumericEquals", Test::NumericEquals),
    ("NumericNotEquals", Test::NumericNotEquals),
    ("NumericLessThan", Test::NumericLessThan),
    ("NumericLessThanEquals", Test::NumericLessThanEquals),
    ("NumericGreaterThan", Test::NumericGreaterThan),
    ("NumericGreaterThanEquals", Test::NumericGreaterThanEquals),
    ("DateEquals", Test::DateEquals),
    ("DateNotEquals", Test::DateNotEquals),
    ("DateLessThan", Test::DateLessThan),
    ("DateLessThanEquals", Test::DateLessThanEquals),
    ("DateGreaterThan", Test::DateGreaterThan),
    ("DateGreaterThanEquals", Test::DateGreaterThanEquals),
    ("Bool", Test::Bool),
    ("BinaryEquals", Test::BinaryEquals),
    ("IpAddress", Test::IpAddress),
    ("NotIpAddress", Test::NotIpAddress),
    ("ArnEquals", Test::ArnEquals),
    ("ArnLike", Test::ArnLike),
    ("ArnNotEquals", Test::ArnNotEquals),
    ("ArnNotLike", Test::ArnNotLike),
    ("Null", Test::Null),
];

impl Test {
    /// True for the tests that match when the value is *not* one of the
    /// listed ones; a statement conditioned on them admits everything else.
    pub fn is_negated(&self) -> bool {
        use Test::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// True for tests whose values may hold `*` and `?` wildcards.
    pub fn is_like(&self) -> bool {
        matches!(self, Test::StringLike | Test::ArnLike | Test::ArnEquals)
    }
}

/// A parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub test: Test,
    /// The `IfExists` suffix: the condition also holds when the key is
    /// missing from the request.
    pub if_exists: bool,
}

impl Operator {
    /// Reads an operator name. The test name itself is matched exactly, as
    /// IAM does; `Null` has no `IfExists` form.
    pub fn parse(text: &str) -> Operator {
        let (set, rest) = match text.split_once(':') {
            Some(("ForAnyValue", rest)) => (Some(SetQualifier::ForAnyValue), rest),
            Some(("ForAllValues", rest)) => (Some(SetQualifier::ForAllValues), rest),
            _ => (None, text),
        };
        let (name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(name) if name != "Null" => (name, true),
            _ => (rest, false),
        };
        let test = TESTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone());
        Operator {
            set,
            test: test.unwrap_or_else(|| Test::Other(text.to_owned())),
            if_exists,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self.test, Test::Other(_))
    }
}

/// One operator and key of a `Condition` block with its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The operator as written.
    pub operator_text: String,
    pub operator: Operator,
    /// The condition key as written; IAM compares keys without case.
    pub key: Item<String>,
    /// Booleans and numbers are turned into their text.
    pub values: Vec<Item<Sym>>,
    pub loc: Loc,
}

impl Condition {
    /// True when the key is `key`, ignoring case.
    pub fn is_on(&self, key: &str) -> bool {
        self.key.value.eq_ignore_ascii_case(key)
    }

    /// True when every value is literal text equal to `text` without regard
    /// to case, and there is at least one value.
    pub fn values_all_equal(&self, text: &str) -> bool {
        let literal = |v: &Item<Sym>| {
            v.value
                .as_literal()
                .is_some_and(|s| s.eq_ignore_ascii_case(text))
        };
        !self.values.is_empty() && self.values.iter().all(literal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_split_into_parts() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.test, Test::StringLike);
        assert!(op.if_exists);
        assert_eq!(Operator::parse("Null").test, Test::Null);
        assert!(!Operator::parse("Null").if_exists);
        assert_eq!(Operator::parse("BoolIfExists").test, Test::Bool);
        assert!(!Operator::parse("stringequals").is_known());
        assert!(Operator::parse("StringNotEquals").test.is_negated());
    }
}
