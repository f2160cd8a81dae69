//! The Cognito user pool, for the one thing the API does to it: delete the calling user when
//! they erase their account.

use aws_config::SdkConfig;
use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserError;

use crate::db::sdk_error;
use crate::error::ApiError;

/// A user pool.
#[derive(Debug, Clone)]
pub struct UserPool {
    /// The Cognito client.
    pub client: aws_sdk_cognitoidentityprovider::Client,
    /// The pool id, `region_suffix`.
    pub id: String,
}

impl UserPool {
    /// The pool `id`, reached through `config`.
    pub fn new(config: &SdkConfig, id: impl Into<String>) -> Self {
        Self::with_client(aws_sdk_cognitoidentityprovider::Client::new(config), id)
    }

    /// The pool `id`, reached through `client`.
    pub fn with_client(
        client: aws_sdk_cognitoidentityprovider::Client,
        id: impl Into<String>,
    ) -> Self {
        Self {
            client,
            id: id.into(),
        }
    }

    /// Deletes `username`. A user that is already gone counts as deleted, so an erasure that
    /// failed half-way can simply be repeated.
    pub async fn delete_user(&self, username: &str) -> Result<(), ApiError> {
        let result = self
            .client
            .admin_delete_user()
            .user_pool_id(&self.id)
            .username(username)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if is_user_not_found(&error) => Ok(()),
            Err(error) => Err(sdk_error(error)),
        }
    }
}

fn is_user_not_found<R>(
    error: &aws_sdk_cognitoidentityprovider::error::SdkError<AdminDeleteUserError, R>,
) -> bool {
    error
        .as_service_error()
        .is_some_and(AdminDeleteUserError::is_user_not_found_exception)
}
