//! A stored expense, its DynamoDB item and its JSON form.
//!
//! Item attributes: `userId` (S, partition key), `expenseId` (S, sort key), `amount` (N),
//! `currency`, `date`, `category`, `description`, `createdAt`, `updatedAt` (S) and `version`
//! (N, starts at 1 and grows by one per update; the `ETag`). Reading an item validates it
//! again: an item that fails is reported as corrupt rather than served.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::{
    Category, Currency, Description, ExpenseDate, ExpenseId, ExpenseInput, Money, Timestamp,
};
use crate::functions::{PARTITION_KEY, SORT_KEY};

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// An expense as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    /// Its id, the sort key.
    pub id: ExpenseId,
    /// The client-supplied fields.
    pub input: ExpenseInput,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it was last written (RFC 3339).
    pub updated_at: String,
    /// How many times it was written.
    pub version: u64,
}

/// An item that does not hold a valid expense.
#[derive(Debug, thiserror::Error)]
#[error("item attribute `{attribute}` is missing or invalid")]
pub struct CorruptItem {
    /// The attribute at fault.
    pub attribute: &'static str,
}

/// The JSON form of an expense, also the column order of the CSV export.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpenseJson {
    /// Id.
    pub expense_id: String,
    /// Date `YYYY-MM-DD`.
    pub date: String,
    /// Amount, exact, as a string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: &'static str,
    /// Category.
    pub category: String,
    /// Description.
    pub description: String,
    /// Creation time.
    pub created_at: String,
    /// Last write time.
    pub updated_at: String,
    /// Write count.
    pub version: u64,
}

impl Expense {
    /// A new expense created at `now`.
    pub fn new(input: ExpenseInput, now: Timestamp) -> Self {
        Self {
            id: ExpenseId::new(now.system_time()),
            input,
            created_at: now.text(),
            updated_at: now.text(),
            version: 1,
        }
    }

    /// The item for `user_id`.
    pub fn to_item(&self, user_id: &str) -> Item {
        let mut item = input_attributes(&self.input);
        item.insert(PARTITION_KEY.into(), s(user_id));
        item.insert(SORT_KEY.into(), s(&self.id.text()));
        item.insert("createdAt".into(), s(&self.created_at));
        item.insert("updatedAt".into(), s(&self.updated_at));
        item.insert(
            "version".into(),
            AttributeValue::N(self.version.to_string()),
        );
        item
    }

    /// Reads an expense item.
    pub fn from_item(item: &Item) -> Result<Self, CorruptItem> {
        let id = ExpenseId::parse(text(item, SORT_KEY)?).ok_or(CorruptItem {
            attribute: SORT_KEY,
        })?;
        Ok(Self {
            id,
            input: input_from_item(item)?,
            created_at: text(item, "createdAt")?.to_owned(),
            updated_at: text(item, "updatedAt")?.to_owned(),
            version: number(item, "version")?
                .parse()
                .map_err(|_| corrupt("version"))?,
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> ExpenseJson {
        ExpenseJson {
            expense_id: self.id.text(),
            date: self.input.date.text(),
            amount: self.input.money.amount_text(),
            currency: self.input.money.currency().code(),
            category: self.input.category.as_str().to_owned(),
            description: self.input.description.as_str().to_owned(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            version: self.version,
        }
    }
}

/// The attributes a client sets, keyed by name; shared by create and update.
pub fn input_attributes(input: &ExpenseInput) -> Item {
    let money = &input.money;
    Item::from([
        ("amount".into(), AttributeValue::N(money.amount_text())),
        ("currency".into(), s(money.currency().code())),
        ("date".into(), s(&input.date.text())),
        ("category".into(), s(input.category.as_str())),
        ("description".into(), s(input.description.as_str())),
    ])
}

fn input_from_item(item: &Item) -> Result<ExpenseInput, CorruptItem> {
    let currency =
        Currency::parse("currency", text(item, "currency")?).map_err(|_| corrupt("currency"))?;
    Ok(ExpenseInput {
        money: Money::from_stored(number(item, "amount")?, currency).ok_or(corrupt("amount"))?,
        date: ExpenseDate::parse("date", text(item, "date")?).map_err(|_| corrupt("date"))?,
        category: Category::parse(text(item, "category")?).map_err(|_| corrupt("category"))?,
        description: Description::parse(text(item, "description")?)
            .map_err(|_| corrupt("description"))?,
    })
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn text<'a>(item: &'a Item, attribute: &'static str) -> Result<&'a str, CorruptItem> {
    item.get(attribute)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .ok_or(corrupt(attribute))
}

fn number<'a>(item: &'a Item, attribute: &'static str) -> Result<&'a str, CorruptItem> {
    item.get(attribute)
        .and_then(|v| v.as_n().ok())
        .map(String::as_str)
        .ok_or(corrupt(attribute))
}

fn corrupt(attribute: &'static str) -> CorruptItem {
    CorruptItem { attribute }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expense() -> Expense {
        let body = br#"{"amount":"12.30","currency":"EUR","date":"2024-05-01","category":"food",
            "description":"lunch"}"#;
        Expense::new(ExpenseInput::parse(body).expect("valid"), Timestamp::now())
    }

    #[test]
    fn items_round_trip() {
        let expense = expense();
        let item = expense.to_item("user-1");
        assert_eq!(item[PARTITION_KEY], s("user-1"));
        assert_eq!(item["amount"], AttributeValue::N("12.30".into()));
        assert_eq!(Expense::from_item(&item).expect("valid item"), expense);
    }

    #[test]
    fn normalised_amounts_read_back() {
        let expense = expense();
        let mut item = expense.to_item("user-1");
        item.insert("amount".into(), AttributeValue::N("12.3".into()));
        assert_eq!(
            Expense::from_item(&item)
                .expect("valid item")
                .to_json()
                .amount,
            "12.30"
        );
    }

    #[test]
    fn corrupt_items_name_the_attribute() {
        let mut item = expense().to_item("user-1");
        item.insert("amount".into(), s("12.30"));
        assert_eq!(
            Expense::from_item(&item).expect_err("corrupt").attribute,
            "amount"
        );
        item.remove(SORT_KEY);
        assert_eq!(
            Expense::from_item(&item).expect_err("corrupt").attribute,
            SORT_KEY
        );
    }
}
