//! Rules on API Gateway methods and stages.

pub(crate) mod api_method_without_authorizer;
pub(crate) mod api_stage_not_throttled;
pub(crate) mod api_stage_without_access_logs;
