//! Rules on DynamoDB tables.

pub(crate) mod table_pitr_off;
pub(crate) mod table_without_kms_encryption;
