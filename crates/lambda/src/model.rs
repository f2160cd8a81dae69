//! The expense: its validated fields, the request body that carries them, and its DynamoDB item.
//!
//! Validation lives in the field types ([`Money`], [`ExpenseDate`], [`Category`],
//! [`Description`]), so a value of those types is valid by construction and handlers cannot skip
//! a check. Amounts are exact decimals end to end: parsed from the JSON text (never through a
//! float), stored as a DynamoDB number, and printed as a string.

mod currency;
mod date;
mod expense;
mod expense_id;
mod input;
mod money;
mod text;
mod timestamp;

pub use currency::Currency;
pub use date::ExpenseDate;
pub use expense::{CorruptItem, Expense, ExpenseJson, Item, input_attributes};
pub use expense_id::ExpenseId;
pub use input::ExpenseInput;
pub use money::Money;
pub use text::{Category, Description, MAX_CATEGORY_CHARS, MAX_DESCRIPTION_CHARS};
pub use timestamp::Timestamp;
