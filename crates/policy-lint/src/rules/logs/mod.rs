//! Rules on CloudWatch Logs.

pub(crate) mod log_group_retention_too_short_or_unbounded;
