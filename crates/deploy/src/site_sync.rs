//! Syncing the site bucket with the local build folder after a stack deploy.
//!
//! The bucket and the distribution come from the stack's outputs. [`prepare`] lists the
//! bucket (every page of `ListObjectsV2`), reads the metadata of the objects whose size
//! matches a local file, and plans with [`crate::site_plan::plan`]; [`apply`] carries the plan
//! out in its order (assets, then HTML, then deletions) and asks CloudFront for one
//! invalidation of what it replaced or deleted. A dry run stops after [`prepare`].
//!
//! Each uploaded file is read again and must still have the sha256 the manifest lists: the
//! folder was checked for secrets and source maps when it was fingerprinted, and a file that
//! changed since then was not. Each object stores that digest as `sha256` user metadata, which
//! is what the next sync compares.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};

use crate::assets::sha256_hex;
use crate::client::Clients;
use crate::deploy::Ui;
use crate::error::{Error, api, built};
use crate::site_plan::{self, LocalFile, RemoteHead, RemoteObject, SitePlan};

/// The user metadata key holding an object's sha256 (sent as `x-amz-meta-sha256`).
pub const SHA256_METADATA: &str = "sha256";

/// `DeleteObjects` takes at most this many keys per call.
const DELETE_BATCH: usize = 1000;

/// The local side of a sync: the folder and its fingerprinted files.
#[derive(Debug, Clone)]
pub struct Site {
    /// The build folder the files are read from.
    pub dir: PathBuf,
    pub files: Vec<LocalFile>,
    /// The stack output naming the bucket.
    pub bucket_output: String,
    /// The stack output naming the CloudFront distribution.
    pub distribution_output: String,
}

/// Where the site goes, read from the stack's outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub bucket: String,
    pub distribution: String,
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub uploaded: usize,
    pub deleted: usize,
    /// The invalidation's id, when one was needed.
    pub invalidation: Option<String>,
}

impl Site {
    /// The bucket and distribution named by the stack `outputs`.
    ///
    /// # Errors
    /// [`Error::SiteOutputMissing`] when the stack lacks one of the two outputs.
    pub fn target(&self, stack: &str, outputs: &[(String, String)]) -> Result<Target, Error> {
        let find = |key: &str| {
            outputs
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
                .filter(|value| !value.is_empty())
                .ok_or_else(|| Error::SiteOutputMissing {
                    stack: stack.to_owned(),
                    output: key.to_owned(),
                })
        };
        Ok(Target {
            bucket: find(&self.bucket_output)?,
            distribution: find(&self.distribution_output)?,
        })
    }
}

impl Site {
    /// Refuses an empty folder: syncing it would delete the whole site.
    fn check_not_empty(&self, target: &Target) -> Result<(), Error> {
        if self.files.is_empty() {
            return Err(Error::SiteFolderEmpty {
                dir: self.dir.clone(),
                bucket: target.bucket.clone(),
            });
        }
        Ok(())
    }
}

/// Lists the bucket and plans the sync; changes nothing.
///
/// # Errors
/// [`Error::SiteFolderEmpty`] for a folder without files (a failed build would otherwise
/// empty the bucket); when listing or reading an object's metadata fails.
pub async fn prepare(clients: &Clients, site: &Site, target: &Target) -> Result<SitePlan, Error> {
    site.check_not_empty(target)?;
    let mut remote = list(&clients.s3, &target.bucket).await?;
    let wanted: BTreeSet<String> = site_plan::needs_head(&site.files, &remote)
        .into_iter()
        .collect();
    for object in &mut remote {
        if wanted.contains(&object.key) {
            object.head = Some(head(&clients.s3, &target.bucket, &object.key).await?);
        }
    }
    Ok(site_plan::plan(&site.files, &remote))
}

/// Every object of `bucket`, following the listing's continuation tokens.
async fn list(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<Vec<RemoteObject>, Error> {
    let mut found = Vec::new();
    let mut token = None;
    loop {
        let page = s3
            .list_objects_v2()
            .bucket(bucket)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(api("s3:ListObjectsV2"))?;
        found.extend(
            page.contents
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| {
                    Some(RemoteObject {
                        key: o.key?,
                        size: u64::try_from(o.size.unwrap_or_default()).unwrap_or_default(),
                        head: None,
                    })
                }),
        );
        token = page.next_continuation_token;
        if token.is_none() || page.is_truncated != Some(true) {
            return Ok(found);
        }
    }
}

async fn head(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Result<RemoteHead, Error> {
    let head = s3
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(api("s3:HeadObject"))?;
    Ok(RemoteHead {
        sha256: head
            .metadata
            .and_then(|mut metadata| metadata.remove(SHA256_METADATA)),
        content_type: head.content_type,
        cache_control: head.cache_control,
    })
}

/// Carries out `plan`: uploads, deletions, then the invalidation; a line per file to `ui`.
///
/// # Errors
/// [`Error::SiteFileChanged`] when a file no longer has its fingerprinted digest (nothing
/// after it is uploaded), unreadable files, and failed calls.
pub async fn apply(
    clients: &Clients,
    site: &Site,
    target: &Target,
    plan: &SitePlan,
    ui: &mut dyn Ui,
) -> Result<Applied, Error> {
    let total = plan.uploads.len();
    for (index, upload) in plan.uploads.iter().enumerate() {
        let bytes = read_checked(&site.dir, &upload.file)?;
        clients
            .s3
            .put_object()
            .bucket(&target.bucket)
            .key(&upload.file.key)
            .body(ByteStream::from(bytes))
            .content_type(&upload.file.content_type)
            .cache_control(&upload.file.cache_control)
            .metadata(SHA256_METADATA, &upload.file.sha256)
            .send()
            .await
            .map_err(api("s3:PutObject"))?;
        ui.note(&format!(
            "site: [{}/{total}] uploaded {} ({}, {})",
            index + 1,
            upload.file.key,
            upload.reason.as_str(),
            upload.file.cache_control
        ));
    }
    for batch in plan.deletes.chunks(DELETE_BATCH) {
        delete(&clients.s3, &target.bucket, batch).await?;
        for key in batch {
            ui.note(&format!("site: deleted {key}"));
        }
    }
    let invalidation = if plan.invalidate.is_empty() {
        None
    } else {
        let id = invalidate(&clients.cloudfront, &target.distribution, &plan.invalidate).await?;
        ui.note(&format!(
            "site: invalidation {id} of {} path(s) in distribution {}",
            plan.invalidate.len(),
            target.distribution
        ));
        Some(id)
    };
    Ok(Applied {
        uploaded: total,
        deleted: plan.deletes.len(),
        invalidation,
    })
}

/// The file's bytes, refused when they are not the ones fingerprinted (and checked).
fn read_checked(dir: &Path, file: &LocalFile) -> Result<Vec<u8>, Error> {
    let path = dir.join(&file.key);
    let bytes = std::fs::read(&path).map_err(|source| Error::SiteFileUnreadable {
        path: path.clone(),
        source,
    })?;
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 {
        return Err(Error::SiteFileChanged {
            path,
            expected: file.sha256.clone(),
            actual,
        });
    }
    Ok(bytes)
}

async fn delete(s3: &aws_sdk_s3::Client, bucket: &str, keys: &[String]) -> Result<(), Error> {
    let objects = keys
        .iter()
        .map(|key| ObjectIdentifier::builder().key(key).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(built("s3:DeleteObjects"))?;
    let delete = Delete::builder()
        .set_objects(Some(objects))
        .quiet(true)
        .build()
        .map_err(built("s3:DeleteObjects"))?;
    let response = s3
        .delete_objects()
        .bucket(bucket)
        .delete(delete)
        .send()
        .await
        .map_err(api("s3:DeleteObjects"))?;
    // DeleteObjects succeeds as a call even when single keys fail.
    if let Some(failed) = response.errors.unwrap_or_default().into_iter().next() {
        return Err(Error::Api {
            call: "s3:DeleteObjects",
            message: format!(
                "`{}`: {} {}",
                failed.key.unwrap_or_default(),
                failed.code.unwrap_or_default(),
                failed.message.unwrap_or_default()
            ),
        });
    }
    Ok(())
}

/// Asks CloudFront to drop `paths`; returns the invalidation's id.
async fn invalidate(
    cloudfront: &aws_sdk_cloudfront::Client,
    distribution: &str,
    paths: &[String],
) -> Result<String, Error> {
    let quantity = i32::try_from(paths.len()).unwrap_or(i32::MAX);
    let paths = Paths::builder()
        .quantity(quantity)
        .set_items(Some(paths.to_vec()))
        .build()
        .map_err(built("cloudfront:CreateInvalidation"))?;
    let batch = InvalidationBatch::builder()
        .paths(paths)
        .caller_reference(caller_reference())
        .build()
        .map_err(built("cloudfront:CreateInvalidation"))?;
    let created = cloudfront
        .create_invalidation()
        .distribution_id(distribution)
        .invalidation_batch(batch)
        .send()
        .await
        .map_err(api("cloudfront:CreateInvalidation"))?;
    created
        .invalidation
        .map(|invalidation| invalidation.id)
        .ok_or_else(|| Error::Api {
            call: "cloudfront:CreateInvalidation",
            message: "the response names no invalidation".to_owned(),
        })
}

/// A reference unique per sync: CloudFront treats a repeated reference with the same paths
/// as the same request, so a later sync of the same paths must not reuse one.
fn caller_reference() -> String {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "stackwright-{}-{}",
        elapsed.as_secs(),
        elapsed.subsec_nanos()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            dir: PathBuf::from("."),
            files: Vec::new(),
            bucket_output: "SiteBucketName".into(),
            distribution_output: "SiteDistributionId".into(),
        }
    }

    #[test]
    fn the_target_comes_from_the_outputs() {
        let outputs = [
            ("SiteBucketName".to_owned(), "b".to_owned()),
            ("SiteDistributionId".to_owned(), "E1".to_owned()),
        ];
        assert_eq!(
            site().target("s", &outputs).unwrap(),
            Target {
                bucket: "b".into(),
                distribution: "E1".into()
            }
        );
        let err = site().target("s", &outputs[..1]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stack `s` has no output `SiteDistributionId`: the site cannot be synced"
        );
    }

    #[test]
    fn an_empty_folder_is_refused() {
        let target = Target {
            bucket: "b".into(),
            distribution: "E1".into(),
        };
        let err = site().check_not_empty(&target).unwrap_err();
        assert!(
            err.to_string()
                .contains("would delete every object of bucket `b`"),
            "{err}"
        );
        let mut one = site();
        one.files.push(LocalFile {
            key: "index.html".into(),
            sha256: "x".into(),
            size: 1,
            content_type: "text/html".into(),
            cache_control: "no-cache".into(),
        });
        assert!(one.check_not_empty(&target).is_ok());
    }

    #[test]
    fn a_file_changed_since_it_was_checked_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "new").unwrap();
        let file = LocalFile {
            key: "a.js".into(),
            sha256: sha256_hex(b"old"),
            size: 3,
            content_type: "text/javascript".into(),
            cache_control: "no-cache".into(),
        };
        let err = read_checked(dir.path(), &file).unwrap_err();
        assert!(matches!(err, Error::SiteFileChanged { .. }), "{err}");
        std::fs::write(dir.path().join("a.js"), "old").unwrap();
        assert_eq!(read_checked(dir.path(), &file).unwrap(), b"old");
    }
}
