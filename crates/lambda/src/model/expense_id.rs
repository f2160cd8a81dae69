//! Expense ids: ULIDs, unique and ordered by creation time, so a Query over the sort key lists
//! expenses newest or oldest first with no index.

use std::time::SystemTime;

use ulid::Ulid;

/// The id of one expense, in canonical (upper-case Crockford base32) form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExpenseId(Ulid);

impl ExpenseId {
    /// The lowest sort key an expense can have. Together with [`Self::LAST_KEY`] it bounds the
    /// expenses in a user's partition and leaves out the other items kept there (idempotency
    /// records, whose keys start with a lower-case letter and sort after every ULID).
    pub const FIRST_KEY: &'static str = "00000000000000000000000000";
    /// The highest sort key an expense can have (the largest ULID).
    pub const LAST_KEY: &'static str = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

    /// A new id for an expense created at `at`.
    pub fn new(at: SystemTime) -> Self {
        Self(Ulid::from_datetime(at))
    }

    /// The id in `text`, if it is one in canonical form. Ids that are not (another spelling,
    /// another item's key, garbage) name no expense, which callers answer with 404.
    pub fn parse(text: &str) -> Option<Self> {
        let id = text.parse::<Ulid>().ok()?;
        (id.to_string() == text).then_some(Self(id))
    }

    /// The canonical text, which is also the sort key.
    pub fn text(&self) -> String {
        self.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn ids_sort_by_creation_time_and_fall_in_the_expense_key_range() {
        let early = ExpenseId::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let late = ExpenseId::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_001));
        assert!(early.text() < late.text());
        for id in [early, late] {
            let text = id.text();
            assert!(ExpenseId::FIRST_KEY <= text.as_str() && text.as_str() <= ExpenseId::LAST_KEY);
            assert_eq!(ExpenseId::parse(&text), Some(id));
        }
        assert!(ExpenseId::LAST_KEY < "idempotency#");
        assert!(ExpenseId::parse(ExpenseId::LAST_KEY).is_some());
    }

    #[test]
    fn non_canonical_ids_are_not_ids() {
        let text = ExpenseId::new(SystemTime::now()).text();
        for other in [
            text.to_lowercase(),
            format!("{text} "),
            "idempotency#k".into(),
            String::new(),
        ] {
            assert_eq!(ExpenseId::parse(&other), None, "{other}");
        }
    }
}
