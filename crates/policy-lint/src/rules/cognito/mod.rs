//! Rules on Cognito user pools and their clients.

pub(crate) mod user_pool_client_long_access_token;
pub(crate) mod user_pool_email_not_verified;
pub(crate) mod user_pool_mfa_unavailable;
pub(crate) mod user_pool_weak_password_policy;
