//! Rules that apply across resource types.

pub(crate) mod errors_without_alarm;
pub(crate) mod hard_coded_secret;
pub(crate) mod resource_missing_required_tags;
pub(crate) mod stateful_resource_not_retained;
pub(crate) mod template_input_problem;
