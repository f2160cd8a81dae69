//! What CloudFormation does with a stateful resource when the stack is deleted or the resource
//! is replaced.
//!
//! Stateful resources are the ones that hold data or protect it: the table, the user pool,
//! buckets, KMS keys (deleting a key destroys every ciphertext made with it) and log groups
//! (the audit trail must outlive the stack; 30-day retention still bounds their cost). Each
//! construct marks its stateful resources; the stack's policy, `Retain` by default, then
//! renders as both `DeletionPolicy` and `UpdateReplacePolicy`, because `DeletionPolicy` alone
//! does not protect data from a replacement (control SEC-2).

/// The stack-wide removal policy for stateful resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovalPolicy {
    /// Keep the resource (and its data) when the stack deletes or replaces it.
    #[default]
    Retain,
    /// Delete the resource with the stack. An explicit opt-out, meant for throw-away stacks;
    /// the linter reports it under SEC-2.
    Destroy,
}

impl RemovalPolicy {
    /// The value written to `DeletionPolicy` and `UpdateReplacePolicy`.
    pub const fn as_cfn(self) -> &'static str {
        match self {
            Self::Retain => "Retain",
            Self::Destroy => "Delete",
        }
    }
}
