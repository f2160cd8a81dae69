//! Cognito user pools and their app clients.

use super::Observed;

/// A Cognito user pool.
#[derive(Clone, Debug)]
pub struct UserPool {
    /// Attributes Cognito verifies automatically (`email`, `phone_number`).
    pub auto_verified: Observed<Vec<String>>,
    pub password_min_length: Observed<i64>,
    pub require_numbers: Observed<bool>,
    pub require_uppercase: Observed<bool>,
    pub require_lowercase: Observed<bool>,
    pub require_symbols: Observed<bool>,
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa: Observed<String>,
    /// `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`.
    pub enabled_mfas: Observed<Vec<String>>,
}

/// A user pool app client.
#[derive(Clone, Debug)]
pub struct UserPoolClient {
    /// Access token lifetime in minutes, units applied.
    pub access_token_minutes: Observed<i64>,
    pub id_token_minutes: Observed<i64>,
    pub refresh_token_minutes: Observed<i64>,
    pub generate_secret: Observed<bool>,
    pub token_revocation: Observed<bool>,
}
