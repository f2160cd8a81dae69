//! Rules on Lambda functions.

pub(crate) mod function_env_without_cmk;
