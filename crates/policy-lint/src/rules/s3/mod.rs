//! Rules on S3 buckets and their policies.

pub(crate) mod bucket_acl_public;
pub(crate) mod bucket_cors_any_origin;
pub(crate) mod bucket_not_encrypted;
pub(crate) mod bucket_public_access_not_blocked;
pub(crate) mod bucket_website_endpoint;
