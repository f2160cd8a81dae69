//! Writes the four report files of one template as one set: staged, then
//! published through a commit point, so that a crash leaves the previous
//! set, or a mixed set only until the next `report` into the same directory
//! finishes it ([`durable::write_set`] has the exact guarantee).

use std::path::{Path, PathBuf};

use durable::OutputFile;

use super::ReportError;

/// The extensions of the report files, in the order they are returned.
pub const EXTENSIONS: [&str; 4] = ["md", "html", "json", "csv"];

/// Writes `files` (name, content) of the report `stem` into `dir`.
pub(super) fn write_all(
    dir: &Path,
    stem: &str,
    files: Vec<(String, String)>,
) -> Result<Vec<PathBuf>, ReportError> {
    let files: Vec<OutputFile> = files
        .into_iter()
        .map(|(name, content)| OutputFile {
            name,
            contents: content.into_bytes(),
        })
        .collect();
    durable::write_set(dir, &format!("{stem}.compliance"), &files).map_err(|source| {
        ReportError::Write {
            path: dir.to_owned(),
            source,
        }
    })
}
