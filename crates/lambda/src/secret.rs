//! The cursor key from Secrets Manager, read once per cold start of `list-expenses`.
//!
//! The stack passes the secret's ARN (`CURSOR_KEY_SECRET_ARN`), never its value, so the key is
//! in no template, parameter or function configuration; the function's role may call
//! `secretsmanager:GetSecretValue` on that one secret only. The endpoint comes from the
//! standard SDK settings (`AWS_ENDPOINT_URL_SECRETS_MANAGER` or `AWS_ENDPOINT_URL` point it at a
//! local server). A failure stops the cold start: a function that cannot sign cursors must not
//! serve pages that cannot be continued.

use aws_config::SdkConfig;
use aws_sdk_secretsmanager::Client;

use crate::cursor::{CursorKey, CursorKeyInvalid};
use crate::error::Cause;

/// A secret that cannot serve as the cursor key.
#[derive(Debug, thiserror::Error)]
pub enum SecretUnusable {
    /// Secrets Manager did not return it (missing, no permission, unreachable).
    #[error("cannot read secret `{arn}`")]
    Unreadable {
        /// The secret asked for.
        arn: String,
        /// The SDK's error.
        #[source]
        source: Cause,
    },
    /// It holds binary data, not text.
    #[error("secret `{arn}` has no text value")]
    NotText {
        /// The secret asked for.
        arn: String,
    },
    /// Its value is too weak a key.
    #[error("secret `{arn}` cannot sign cursors")]
    WeakKey {
        /// The secret asked for.
        arn: String,
        /// Why.
        #[source]
        source: CursorKeyInvalid,
    },
}

/// A Secrets Manager client from the shared SDK config.
pub fn client(config: &SdkConfig) -> Client {
    Client::new(config)
}

/// The cursor key held in secret `arn` (its current version).
pub async fn cursor_key(client: &Client, arn: &str) -> Result<CursorKey, SecretUnusable> {
    let output = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|error| SecretUnusable::Unreadable {
            arn: arn.to_owned(),
            source: error.into(),
        })?;
    let text = output
        .secret_string()
        .ok_or_else(|| SecretUnusable::NotText {
            arn: arn.to_owned(),
        })?;
    CursorKey::from_secret(text).map_err(|source| SecretUnusable::WeakKey {
        arn: arn.to_owned(),
        source,
    })
}
