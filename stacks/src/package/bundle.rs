//! The Lambda code bundle: a zip holding one entry, `bootstrap`, that is the same bytes for
//! the same executable on every run and machine.
//!
//! Fixed modification time (1980-01-01, the zip epoch), fixed Unix mode 0755, one entry, and
//! deflate at a fixed level; so the bundle's sha256 changes exactly when the executable does,
//! and a template that names `assets/<sha256>.zip` changes only then.

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::manifest::sha256_hex;

/// A zipped `bootstrap` and its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The zip file's bytes.
    pub zip: Vec<u8>,
    /// Lower-case hex sha256 of `zip`.
    pub sha256: String,
}

impl Bundle {
    /// Wraps zip bytes that were built before (read back from an earlier output).
    pub fn from_zip(zip: Vec<u8>) -> Self {
        let sha256 = sha256_hex(&zip);
        Self { zip, sha256 }
    }

    /// Its file name inside the output directory, which is also its key in the asset bucket.
    pub fn path(&self) -> String {
        format!("assets/{}.zip", self.sha256)
    }
}

/// Zips `executable` as the single entry `bootstrap`.
///
/// # Errors
/// Only when the zip writer fails, which writing to memory does not do in practice.
pub fn zip_bootstrap(executable: &[u8]) -> zip::result::ZipResult<Bundle> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o755)
        .large_file(false);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file("bootstrap", options)?;
    writer.write_all(executable)?;
    let zip = writer.finish()?.into_inner();
    Ok(Bundle::from_zip(zip))
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn the_same_executable_gives_the_same_bytes() {
        let exe = b"\x7fELF not really, but bytes".repeat(1000);
        let first = zip_bootstrap(&exe).unwrap();
        let second = zip_bootstrap(&exe).unwrap();
        assert_eq!(first, second);
        assert_ne!(zip_bootstrap(b"other").unwrap().sha256, first.sha256);
        assert_eq!(first.path(), format!("assets/{}.zip", first.sha256));
    }

    #[test]
    fn holds_one_executable_bootstrap_entry() {
        let exe = b"#!/bin/true\n".to_vec();
        let bundle = zip_bootstrap(&exe).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bundle.zip)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut entry = archive.by_index(0).unwrap();
        assert_eq!(entry.name(), "bootstrap");
        assert_eq!(entry.unix_mode().map(|mode| mode & 0o777), Some(0o755));
        assert_eq!(entry.last_modified(), Some(DateTime::default()));
        let mut contents = Vec::new();
        entry.read_to_end(&mut contents).unwrap();
        assert_eq!(contents, exe);
    }
}
