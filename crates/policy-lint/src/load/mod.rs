//! Reading templates from disk into located trees.
//!
//! One file per input format: `json` and `yaml` parse CloudFormation
//! (and the JSON of Terraform), [`terraform`] enumerates the blocks of a
//! `*.tf.json` file, [`plan`] reads `terraform show -json` output with
//! "known after apply" values made explicit. `detect` decides what a file
//! is and `walk` finds the files of a directory.
//!
//! Every reader is bounded by [`Limits`]; a file that cannot be read gives a
//! [`LoadError`] naming the file, line and column. Problems that do not stop
//! analysis (duplicate keys, unknown tags) are [`Diagnostic`]s on the
//! [`Document`]. This module never evaluates intrinsics; that is
//! [`crate::resolve`]'s job.

mod detect;
mod diagnostic;
mod error;
mod hcl;
mod json;
mod limits;
pub mod plan;
mod tags;
pub mod terraform;
mod text;
mod walk;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use error::LoadError;
pub use limits::Limits;

pub(crate) use yaml::is_json_number;

use crate::tree::Node;

/// What kind of template a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    CloudFormationJson,
    CloudFormationYaml,
    /// A Terraform configuration in JSON syntax (`*.tf.json`).
    TerraformJson,
    /// The output of `terraform show -json` for a saved plan.
    TerraformPlan,
    /// A module of Terraform HCL files (`*.tf` of one directory), merged
    /// into the tree of the equivalent `*.tf.json`.
    TerraformHcl,
}

impl Format {
    pub fn is_cloudformation(self) -> bool {
        matches!(self, Self::CloudFormationJson | Self::CloudFormationYaml)
    }

    pub fn is_terraform(self) -> bool {
        !self.is_cloudformation()
    }

    /// A stable kebab-case name, as the test cases spell formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CloudFormationJson => "cfn-json",
            Self::CloudFormationYaml => "cfn-yaml",
            Self::TerraformJson => "terraform-json",
            Self::TerraformPlan => "terraform-plan-json",
            Self::TerraformHcl => "terraform-hcl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One loaded template.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub path: PathBuf,
    pub format: Format,
    /// The whole file. YAML short forms are already in long form; in a plan,
    /// values known only after apply are [`crate::tree::Value::Unknown`].
    pub root: Node,
    /// Input problems that did not stop loading, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// For a document merged from several files (a Terraform HCL module,
    /// whose `path` is its directory): each file and the line of `root`'s
    /// locations it starts on. Empty for a one-file document.
    pub parts: Vec<Part>,
}

/// One file of a merged document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub path: PathBuf,
    /// The first line of the merged locations that belongs to this file.
    pub first_line: u32,
}

impl Document {
    /// The file and the line in it of a line of `root`'s locations.
    pub fn locate(&self, line: u32) -> (&Path, u32) {
        match self.parts.iter().rev().find(|p| p.first_line <= line) {
            Some(part) => (&part.path, line - part.first_line + 1),
            None => (&self.path, line),
        }
    }
}

/// What happened to one file of a [`load_path`] call.
#[derive(Debug)]
pub enum Loaded {
    Document(Document),
    /// A file met while walking a directory that is not a template (a
    /// `package.json`, a CI workflow), with the reason.
    Skipped {
        path: PathBuf,
        reason: String,
    },
    /// A file that looks like a template but cannot be read. The other files
    /// of the walk are still loaded.
    Failed(LoadError),
}

/// Loads a file, or every template under a directory.
///
/// A file named directly must be a template: anything else is a
/// [`Loaded::Failed`]. In a directory, files are found recursively by
/// extension (`.json`, `.yaml`, `.yml`, `.template`), honouring
/// `.gitignore` and skipping hidden entries, in a deterministic order;
/// files that are not templates are [`Loaded::Skipped`]. The error is for a
/// path that cannot be opened at all.
pub fn load_path(path: &Path, limits: &Limits) -> Result<Vec<Loaded>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return Ok(walk::walk(path, limits));
    }
    if is_tf(path) {
        return Ok(vec![load_module(
            path.parent().unwrap_or(Path::new("")),
            &[path.to_path_buf()],
            limits,
        )]);
    }
    Ok(vec![match load_file(path, limits) {
        Ok(doc) => Loaded::Document(doc),
        Err(e) => Loaded::Failed(e),
    }])
}

/// Loads one file that must be a template.
pub fn load_file(path: &Path, limits: &Limits) -> Result<Document, LoadError> {
    let bytes = text::read_file(path, limits)?;
    load_bytes(path, &bytes, limits)
}

/// Loads a template held in memory (such as the synthesizer's output);
/// `path` names it in locations and decides the syntax by its extension.
pub fn load_bytes(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Document, LoadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let text = text::decode(path, bytes)?;
    if is_tf(path) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let files = [(path.to_path_buf(), text.into_owned())];
        return hcl::parse_module(dir, &files, limits);
    }
    match detect::classify(path, &text, limits)? {
        detect::Outcome::Document(doc) => Ok(doc),
        detect::Outcome::NotTemplate(reason) => Err(LoadError::NotATemplate {
            path: path.to_owned(),
            reason,
        }),
    }
}

/// True for a Terraform HCL file (`*.tf`).
pub(crate) fn is_tf(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tf"))
}

/// Loads the `.tf` files `files` of directory `dir` as one module.
pub(crate) fn load_module(dir: &Path, files: &[PathBuf], limits: &Limits) -> Loaded {
    let mut texts = Vec::new();
    for file in files {
        let text = text::read_file(file, limits)
            .and_then(|bytes| text::decode(file, &bytes).map(std::borrow::Cow::into_owned));
        match text {
            Ok(text) => texts.push((file.clone(), text)),
            Err(e) => return Loaded::Failed(e),
        }
    }
    match hcl::parse_module(dir, &texts, limits) {
        Ok(doc) => Loaded::Document(doc),
        Err(e) => Loaded::Failed(e),
    }
}
