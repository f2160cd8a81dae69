//! IAM action names, one enum per service, and the action sets of the intent-named grants.
//!
//! Grants take these enums, never strings, so a typo is a compile error and every action a
//! stack can grant is listed here. Each enum renders the exact IAM action name; there is no
//! wildcard variant on purpose (control IAM-2).

macro_rules! actions {
    ($(#[$doc:meta])* $name:ident, $prefix:literal { $($(#[$vdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every action of the service that a grant may give, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The IAM action name, e.g. `dynamodb:GetItem`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => concat!($prefix, ":", stringify!($variant)),)*
                }
            }

            /// The action with this exact IAM name (case-sensitive, with its service prefix),
            /// or `None` when this enum does not list it.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|action| action.as_str() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

actions!(
    /// DynamoDB item and query actions that a grant may give on a table.
    DynamoAction, "dynamodb" {
        /// Read one item by key.
        GetItem,
        /// Read up to 100 items by key.
        BatchGetItem,
        /// Read the items of one partition (the caller's `userId`).
        Query,
        /// Read the whole table. Never part of an intent-named grant: it ignores the
        /// `userId` partitioning that isolates users (DDB-003).
        Scan,
        /// Create or replace one item.
        PutItem,
        /// Change attributes of one item.
        UpdateItem,
        /// Delete one item.
        DeleteItem,
        /// Put or delete up to 25 items.
        BatchWriteItem,
        /// Read the table's description.
        DescribeTable,
        /// Run PartiQL reads; like `Scan`, it can read other users' partitions.
        PartiQLSelect,
    }
);

actions!(
    /// KMS actions on a customer-managed key.
    KmsAction, "kms" {
        /// Decrypt with the key.
        Decrypt,
        /// Encrypt with the key.
        Encrypt,
        /// Create a data key under the key.
        GenerateDataKey,
        /// Create a data key without its plaintext.
        GenerateDataKeyWithoutPlaintext,
        /// Re-encrypt data from this key.
        ReEncryptFrom,
        /// Re-encrypt data to this key.
        ReEncryptTo,
        /// Read the key's metadata.
        DescribeKey,
        /// Create a grant on the key (services such as Lambda do, on the caller's behalf).
        CreateGrant,
        /// Retire a grant on the key.
        RetireGrant,
        /// Revoke a grant on the key.
        RevokeGrant,
        /// List the grants on the key.
        ListGrants,
        /// Read the key policy.
        GetKeyPolicy,
        /// Replace the key policy.
        PutKeyPolicy,
        /// List the key policies.
        ListKeyPolicies,
        /// Read whether rotation is on.
        GetKeyRotationStatus,
        /// Turn rotation on.
        EnableKeyRotation,
        /// Turn rotation off.
        DisableKeyRotation,
        /// List past rotations.
        ListKeyRotations,
        /// Rotate now.
        RotateKeyOnDemand,
        /// Enable the key.
        EnableKey,
        /// Disable the key.
        DisableKey,
        /// Schedule the key's deletion.
        ScheduleKeyDeletion,
        /// Cancel a scheduled deletion.
        CancelKeyDeletion,
        /// Change the key's description.
        UpdateKeyDescription,
        /// Tag the key.
        TagResource,
        /// Untag the key.
        UntagResource,
        /// List the key's tags.
        ListResourceTags,
        /// Create an alias for the key.
        CreateAlias,
        /// Point an alias at the key.
        UpdateAlias,
        /// Delete an alias of the key.
        DeleteAlias,
    }
);

actions!(
    /// CloudWatch Logs actions a function's role needs on its own log group.
    LogsAction, "logs" {
        /// Create a stream in the group.
        CreateLogStream,
        /// Write events to a stream.
        PutLogEvents,
    }
);

actions!(
    /// Cognito user pool actions a function may be granted on one pool.
    CognitoAction, "cognito-idp" {
        /// Delete a user of the pool (account erasure).
        AdminDeleteUser,
        /// Read a user of the pool.
        AdminGetUser,
        /// Sign a user out everywhere (revokes refresh tokens).
        AdminUserGlobalSignOut,
    }
);

actions!(
    /// Secrets Manager actions a grant may give on one secret.
    SecretAction, "secretsmanager" {
        /// Read the secret's value.
        GetSecretValue,
    }
);

actions!(
    /// S3 object actions a grant may give on a bucket.
    S3Action, "s3" {
        /// Read an object.
        GetObject,
        /// Write an object.
        PutObject,
        /// Delete an object.
        DeleteObject,
        /// List the bucket's keys.
        ListBucket,
    }
);

/// `Table::grant_read_data`: point reads and partition queries. `Scan`, `BatchGetItem` and
/// `PartiQLSelect` are left out on purpose: the first and last read across partitions, and no
/// handler needs the second.
pub const TABLE_READ_DATA: &[DynamoAction] = &[DynamoAction::GetItem, DynamoAction::Query];

/// `Table::grant_write_data`: single-item writes. `BatchWriteItem` is left out; a handler that
/// batches asks for it by name.
pub const TABLE_WRITE_DATA: &[DynamoAction] = &[
    DynamoAction::PutItem,
    DynamoAction::UpdateItem,
    DynamoAction::DeleteItem,
];

/// What a holder of table read actions needs on the table's customer-managed key.
pub const KEY_DECRYPT: &[KmsAction] = &[KmsAction::Decrypt, KmsAction::DescribeKey];

/// What a holder of table write actions needs on the table's customer-managed key.
pub const KEY_ENCRYPT_DECRYPT: &[KmsAction] = &[
    KmsAction::Decrypt,
    KmsAction::DescribeKey,
    KmsAction::Encrypt,
    KmsAction::GenerateDataKey,
];

/// What a function's role may do on its own log group (the group exists already, so no
/// `CreateLogGroup`).
pub const LOG_WRITE: &[LogsAction] = &[LogsAction::CreateLogStream, LogsAction::PutLogEvents];

/// What the account (its administrators, through their IAM policies) may do with a
/// customer-managed key: manage it and use it. Listed one by one instead of `kms:*` so that no
/// statement in the stack carries a wildcard action; `CreateGrant` and `Encrypt` are what
/// CloudFormation needs to give a key to Lambda when it creates a function.
pub const KEY_ACCOUNT_ADMIN: &[KmsAction] = &[
    KmsAction::CancelKeyDeletion,
    KmsAction::CreateAlias,
    KmsAction::CreateGrant,
    KmsAction::Decrypt,
    KmsAction::DeleteAlias,
    KmsAction::DescribeKey,
    KmsAction::DisableKey,
    KmsAction::DisableKeyRotation,
    KmsAction::EnableKey,
    KmsAction::EnableKeyRotation,
    KmsAction::Encrypt,
    KmsAction::GenerateDataKey,
    KmsAction::GenerateDataKeyWithoutPlaintext,
    KmsAction::GetKeyPolicy,
    KmsAction::GetKeyRotationStatus,
    KmsAction::ListGrants,
    KmsAction::ListKeyPolicies,
    KmsAction::ListKeyRotations,
    KmsAction::ListResourceTags,
    KmsAction::PutKeyPolicy,
    KmsAction::ReEncryptFrom,
    KmsAction::ReEncryptTo,
    KmsAction::RetireGrant,
    KmsAction::RevokeGrant,
    KmsAction::RotateKeyOnDemand,
    KmsAction::ScheduleKeyDeletion,
    KmsAction::TagResource,
    KmsAction::UntagResource,
    KmsAction::UpdateAlias,
    KmsAction::UpdateKeyDescription,
];

/// Whether a table action only reads (so a customer-managed key only needs to decrypt).
pub const fn is_read(action: DynamoAction) -> bool {
    matches!(
        action,
        DynamoAction::GetItem
            | DynamoAction::BatchGetItem
            | DynamoAction::Query
            | DynamoAction::Scan
            | DynamoAction::DescribeTable
            | DynamoAction::PartiQLSelect
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_render_exact_iam_names() {
        assert_eq!(DynamoAction::GetItem.as_str(), "dynamodb:GetItem");
        assert_eq!(
            CognitoAction::AdminDeleteUser.as_str(),
            "cognito-idp:AdminDeleteUser"
        );
        assert_eq!(LogsAction::PutLogEvents.to_string(), "logs:PutLogEvents");
    }

    #[test]
    fn parse_is_the_inverse_of_as_str() {
        for action in DynamoAction::ALL {
            assert_eq!(DynamoAction::parse(action.as_str()), Some(*action));
        }
        assert_eq!(
            CognitoAction::parse("cognito-idp:AdminDeleteUser"),
            Some(CognitoAction::AdminDeleteUser)
        );
        assert_eq!(DynamoAction::parse("dynamodb:getitem"), None);
        assert_eq!(DynamoAction::parse("GetItem"), None);
        assert_eq!(DynamoAction::parse("dynamodb:*"), None);
    }

    #[test]
    fn intent_grants_never_include_scan() {
        assert!(!TABLE_READ_DATA.contains(&DynamoAction::Scan));
        assert!(!TABLE_WRITE_DATA.contains(&DynamoAction::Scan));
    }
}
