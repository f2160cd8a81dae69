//! Rules on CloudWatch Logs.

pub(crate) mod log_group_retention_not_model;
