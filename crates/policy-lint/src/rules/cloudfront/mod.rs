//! Rules on CloudFront distributions.

pub(crate) mod distribution_allows_http;
pub(crate) mod distribution_old_tls;
