//! The asset bucket and the uploads into it.
//!
//! One bucket per account and region, `stackwright-assets-<account>-<region>`, created on
//! first use as a private, encrypted, TLS-only, tagged bucket. Objects are keyed by content
//! hash (`assets/<sha256>.zip`, `templates/<sha256>.json`), so an object that is already
//! there is never uploaded again and a deployed stack's code is never overwritten.

use std::path::{Path, PathBuf};

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, Tag, Tagging,
};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::error::{Error, api, built};

/// An asset of a stack: an object key and the local file whose bytes go there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: String,
    pub key: String,
    /// `None` for a placeholder, which cannot be deployed.
    pub file: Option<LocalFile>,
}

/// A built file with the digest the template was synthesized with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    pub path: PathBuf,
    pub sha256: String,
}

/// Whether an upload happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Uploaded,
    AlreadyPresent,
}

/// The asset bucket's name for an account and region.
pub fn bucket_name(account: &str, region: &str) -> String {
    format!("stackwright-assets-{account}-{region}")
}

/// Reads the synthesizer's asset descriptions (`manifest.json`'s `assets`), with file paths
/// relative to `base`.
///
/// # Errors
/// [`Error::AssetMalformed`] for an entry without an id, key or known source.
pub fn from_descriptions(stack: &str, entries: &[Value], base: &Path) -> Result<Vec<Asset>, Error> {
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let malformed = |reason: &str| Error::AssetMalformed {
                stack: stack.to_owned(),
                index,
                reason: reason.to_owned(),
            };
            let text = |key: &str| entry.get(key).and_then(Value::as_str);
            let id = text("id").ok_or_else(|| malformed("no `id`"))?.to_owned();
            let key = text("key").ok_or_else(|| malformed("no `key`"))?.to_owned();
            let source = entry
                .get("source")
                .ok_or_else(|| malformed("no `source`"))?;
            let file = match source.get("kind").and_then(Value::as_str) {
                Some("placeholder") => None,
                Some("file") => {
                    let field = |name: &str| source.get(name).and_then(Value::as_str);
                    let path = field("path").ok_or_else(|| malformed("no `source.path`"))?;
                    let sha256 = field("sha256").ok_or_else(|| malformed("no `source.sha256`"))?;
                    Some(LocalFile {
                        path: base.join(path),
                        sha256: sha256.to_owned(),
                    })
                }
                _ => return Err(malformed("unknown `source.kind`")),
            };
            Ok(Asset { id, key, file })
        })
        .collect()
}

/// Creates the asset bucket unless it exists; `true` when it was created.
///
/// # Errors
/// When S3 refuses a call (including a bucket of that name owned by someone else).
pub async fn ensure_bucket(client: &Client, bucket: &str, region: &str) -> Result<bool, Error> {
    if client.head_bucket().bucket(bucket).send().await.is_ok() {
        return Ok(false);
    }
    let mut create = client.create_bucket().bucket(bucket);
    // us-east-1 is the one region that rejects its own name as a location constraint.
    if region != "us-east-1" {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    create.send().await.map_err(api("s3:CreateBucket"))?;
    secure_bucket(client, bucket).await?;
    Ok(true)
}

async fn secure_bucket(client: &Client, bucket: &str) -> Result<(), Error> {
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    client
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(api("s3:PutPublicAccessBlock"))?;
    let default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::Aes256)
        .build()
        .map_err(built("s3:PutBucketEncryption"))?;
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(default)
        .build();
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(rule)
        .build()
        .map_err(built("s3:PutBucketEncryption"))?;
    client
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(api("s3:PutBucketEncryption"))?;
    client
        .put_bucket_policy()
        .bucket(bucket)
        .policy(tls_only_policy(bucket))
        .send()
        .await
        .map_err(api("s3:PutBucketPolicy"))?;
    tag_bucket(client, bucket).await
}

async fn tag_bucket(client: &Client, bucket: &str) -> Result<(), Error> {
    let tag = |key: &str, value: &str| {
        Tag::builder()
            .key(key)
            .value(value)
            .build()
            .map_err(built("s3:PutBucketTagging"))
    };
    let tagging = Tagging::builder()
        .tag_set(tag("managed-by", "stackwright")?)
        .tag_set(tag("purpose", "deployment-assets")?)
        .build()
        .map_err(built("s3:PutBucketTagging"))?;
    client
        .put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map_err(api("s3:PutBucketTagging"))?;
    Ok(())
}

/// A bucket policy that denies every request not made over TLS.
pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// Uploads `asset` unless its key is already in the bucket.
///
/// # Errors
/// [`Error::PlaceholderAsset`] for a placeholder, [`Error::AssetChanged`] when the file no
/// longer has the digest the template was built with, and S3 failures.
pub async fn upload(client: &Client, bucket: &str, asset: &Asset) -> Result<Upload, Error> {
    let file = asset
        .file
        .as_ref()
        .ok_or_else(|| Error::PlaceholderAsset(asset.id.clone()))?;
    let bytes = std::fs::read(&file.path).map_err(|source| Error::AssetUnreadable {
        id: asset.id.clone(),
        path: file.path.clone(),
        source,
    })?;
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 {
        return Err(Error::AssetChanged {
            id: asset.id.clone(),
            path: file.path.clone(),
            expected: file.sha256.clone(),
            actual,
        });
    }
    put_unless_present(client, bucket, &asset.key, bytes).await
}

/// Stores `bytes` under `key` unless an object is already there (keys are content hashes).
///
/// # Errors
/// When S3 refuses the upload.
pub async fn put_unless_present(
    client: &Client,
    bucket: &str,
    key: &str,
    bytes: Vec<u8>,
) -> Result<Upload, Error> {
    if client
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .is_ok()
    {
        return Ok(Upload::AlreadyPresent);
    }
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(bytes))
        .server_side_encryption(ServerSideEncryption::Aes256)
        .send()
        .await
        .map_err(api("s3:PutObject"))?;
    Ok(Upload::Uploaded)
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `bucket` holds at least one object (a bucket with data is stateful).
///
/// # Errors
/// When the listing fails for a reason other than the bucket being gone.
pub async fn has_objects(client: &Client, bucket: &str) -> Result<bool, Error> {
    match client
        .list_objects_v2()
        .bucket(bucket)
        .max_keys(1)
        .send()
        .await
    {
        Ok(listing) => Ok(listing.key_count.unwrap_or_default() > 0
            || !listing.contents.unwrap_or_default().is_empty()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_no_such_bucket()) =>
        {
            Ok(false)
        }
        Err(err) => Err(api("s3:ListObjectsV2")(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn descriptions_become_assets_relative_to_the_output() {
        let entries = [
            json!({"id": "f", "source": {"kind": "file", "path": "assets/ab.zip", "sha256": "ab"},
                   "bucketParameter": "AssetBucket", "key": "assets/ab.zip"}),
            json!({"id": "g", "source": {"kind": "placeholder", "note": "n"},
                   "bucketParameter": "AssetBucket", "key": "placeholder/g.zip"}),
        ];
        let assets = from_descriptions("s", &entries, Path::new("out")).unwrap();
        assert_eq!(
            assets[0].file.as_ref().unwrap().path,
            Path::new("out/assets/ab.zip")
        );
        assert_eq!(assets[1].file, None);
    }

    #[test]
    fn a_malformed_description_names_its_index() {
        let err = from_descriptions("s", &[json!({"id": "f"})], Path::new(".")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "asset entry 0 of stack `s` is malformed: no `key`"
        );
    }

    #[test]
    fn the_bucket_policy_denies_plain_http() {
        let policy: Value = serde_json::from_str(&tls_only_policy("b")).unwrap();
        assert_eq!(policy["Statement"][0]["Effect"], "Deny");
        assert_eq!(
            policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"],
            "false"
        );
    }
}
