//! Deployment assets: files (Lambda code bundles) that live in S3 and that the template points
//! at.
//!
//! The template never embeds code. Every asset is uploaded to one bucket, named by the stack
//! parameter `AssetBucket` at deploy time, under a key fixed at synth time: for a built file
//! `assets/<sha256>.zip`, so a code change changes the template and CloudFormation updates the
//! function. Until the Lambda handlers are built, functions use a **placeholder** asset whose
//! key says so (`placeholder/<id>.zip`); the manifest lists it as such and a deployment of it
//! fails loudly rather than running stale code.

use std::path::PathBuf;

use serde::Serialize;

use crate::cfn::Value;
use crate::parameter::{Parameter, ParameterRef};

/// The name of the stack parameter that holds the asset bucket.
pub const BUCKET_PARAMETER: &str = "AssetBucket";

pub(crate) fn bucket_parameter() -> Parameter {
    Parameter::string(BUCKET_PARAMETER)
        .description("S3 bucket holding the deployment assets (Lambda code bundles) of this stack")
        .allowed_pattern(
            "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            "an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens",
        )
}

/// Where an asset's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AssetSource {
    /// No bytes yet: a stand-in until the real artifact exists. Deploying it fails.
    Placeholder {
        /// Why it is a placeholder and what will replace it.
        note: String,
    },
    /// A file built before synthesis (e.g. a zipped `bootstrap` executable).
    File {
        /// The file's path, as given by the builder.
        path: PathBuf,
        /// The SHA-256 of the file's bytes, lower-case hex.
        sha256: String,
    },
}

/// An asset to register with [`crate::Stack::add_asset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// A unique id within the stack, e.g. `create-expense`.
    pub id: String,
    /// Where the bytes come from.
    pub source: AssetSource,
}

impl Asset {
    /// A placeholder asset: clearly named, never deployable.
    pub fn placeholder(id: impl Into<String>, note: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            source: AssetSource::Placeholder { note: note.into() },
        }
    }

    /// A built file identified by its content hash.
    pub fn file(
        id: impl Into<String>,
        path: impl Into<PathBuf>,
        sha256: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            source: AssetSource::File {
                path: path.into(),
                sha256: sha256.into(),
            },
        }
    }
}

/// A registered asset: what the manifest lists and what a function's `Code` points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetRef {
    /// The asset id.
    pub id: String,
    /// Where the bytes come from.
    pub source: AssetSource,
    /// The template parameter naming the bucket.
    pub bucket_parameter: String,
    /// The object key in that bucket.
    pub key: String,
}

impl AssetRef {
    pub(crate) fn new(asset: Asset, bucket: &ParameterRef) -> Self {
        let key = match &asset.source {
            AssetSource::Placeholder { .. } => format!("placeholder/{}.zip", asset.id),
            AssetSource::File { sha256, .. } => format!("assets/{sha256}.zip"),
        };
        Self {
            id: asset.id,
            source: asset.source,
            bucket_parameter: bucket.name().to_owned(),
            key,
        }
    }

    /// The bucket, as a reference to the stack parameter.
    pub fn bucket(&self) -> Value<String> {
        ParameterRef::new(&self.bucket_parameter).value()
    }

    /// The object key.
    pub fn key(&self) -> Value<String> {
        self.key.as_str().into()
    }

    /// True for a placeholder.
    pub fn is_placeholder(&self) -> bool {
        matches!(self.source, AssetSource::Placeholder { .. })
    }
}
