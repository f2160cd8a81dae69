//! `manifest.json`: the index of an output directory.
//!
//! It says which tool version wrote the directory, which config it came from, and for every
//! stack its template file, that file's sha256 and the assets the stack needs uploaded. Deploy
//! tooling reads this file instead of globbing for templates, and the output writer uses its
//! `format` field to recognise a directory it may replace.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The file name of the manifest inside the output directory.
pub const FILE_NAME: &str = "manifest.json";

/// The format tag; bump the number when a field changes meaning or disappears.
pub const FORMAT: &str = "stackwright-manifest/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    pub tool: Tool,
    pub config: ConfigSource,
    /// In the order the app defines its stacks.
    pub stacks: Vec<StackEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The config the stacks were built from. Only the file name is kept, not its directory, so
/// the manifest is the same bytes whichever checkout or working directory produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSource {
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackEntry {
    pub name: String,
    /// The CloudFormation template's file name, relative to the manifest; absent when
    /// `synth --target tf` wrote none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Lower-case hex sha256 of the template file's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The Terraform configuration (`<stack>/main.tf.json`) and its digest; absent when
    /// `synth --target cfn` wrote none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<FileEntry>,
    /// The assets as the synthesizer describes them, in its order.
    pub assets: Vec<serde_json::Value>,
    /// The compliance reports written for the stack.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<FileEntry>,
    /// What `deploy` and `rollback` act on besides the template: the functions' aliases, how
    /// many versions to keep, the site's files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<crate::release::Release>,
}

/// A file of the output directory with its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The file name, relative to the manifest.
    pub file: String,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
}

impl Tool {
    /// This build of stackwright.
    pub fn current() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `dir` holds a manifest written by stackwright, any format version.
pub fn is_stackwright_output(dir: &Path) -> bool {
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    let Ok(bytes) = fs::read(dir.join(FILE_NAME)) else {
        return false;
    };
    serde_json::from_slice::<Head>(&bytes)
        .is_ok_and(|head| head.format.starts_with("stackwright-manifest/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn recognises_only_its_own_manifest() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_stackwright_output(dir.path()), "no manifest");
        fs::write(dir.path().join(FILE_NAME), r#"{"version": 1}"#).unwrap();
        assert!(
            !is_stackwright_output(dir.path()),
            "someone else's manifest"
        );
        fs::write(dir.path().join(FILE_NAME), "not json").unwrap();
        assert!(!is_stackwright_output(dir.path()), "not json");
        fs::write(
            dir.path().join(FILE_NAME),
            r#"{"format": "stackwright-manifest/7"}"#,
        )
        .unwrap();
        assert!(is_stackwright_output(dir.path()));
    }
}
