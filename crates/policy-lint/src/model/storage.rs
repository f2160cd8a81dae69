//! Buckets and tables.

use super::Observed;

/// An S3 bucket, with everything Terraform spreads over separate resources
/// folded in.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The bucket name when the template writes it literally; policies may
    /// name the bucket by it instead of by reference.
    pub name: Option<String>,
    /// Default encryption algorithm (`AES256`, `aws:kms`, `aws:kms:dsse`).
    pub encryption: Observed<String>,
    pub public_access_block: PublicAccessBlock,
    /// Canned ACL (`Private`, `PublicRead`, …); `private` when left out.
    pub acl: Observed<String>,
    /// Object ownership (`BucketOwnerEnforced` disables ACLs).
    pub ownership: Observed<String>,
    /// Allowed CORS origins across all rules; `None` without CORS.
    pub cors_origins: Option<Vec<Observed<String>>>,
    pub versioning: Observed<bool>,
    /// True when the bucket is configured as an S3 website endpoint, which
    /// serves HTTP only.
    pub website: bool,
    /// True when another bucket sends its access logs here.
    pub is_log_target: bool,
}

/// The four Block Public Access settings.
#[derive(Clone, Debug)]
pub struct PublicAccessBlock {
    pub block_public_acls: Observed<bool>,
    pub ignore_public_acls: Observed<bool>,
    pub block_public_policy: Observed<bool>,
    pub restrict_public_buckets: Observed<bool>,
}

impl PublicAccessBlock {
    pub fn flags(&self) -> [(&'static str, &Observed<bool>); 4] {
        [
            ("BlockPublicAcls", &self.block_public_acls),
            ("IgnorePublicAcls", &self.ignore_public_acls),
            ("BlockPublicPolicy", &self.block_public_policy),
            ("RestrictPublicBuckets", &self.restrict_public_buckets),
        ]
    }
}

/// A DynamoDB table.
#[derive(Clone, Debug)]
pub struct Table {
    /// Server-side encryption: `true` for a KMS key (AWS-managed or
    /// customer-managed), `false` for the AWS-owned key, which still
    /// encrypts.
    pub kms_encryption: Observed<bool>,
    pub point_in_time_recovery: Observed<bool>,
    pub deletion_protection: Observed<bool>,
    /// The partition key attribute name.
    pub partition_key: Observed<String>,
}
