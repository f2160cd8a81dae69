//! Writes the four report files so that readers never see a partial set:
//! every file is rendered and written to a temporary file in the output
//! directory first, and only then are all of them renamed into place.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::ReportError;

/// The extensions of the report files, in the order they are returned.
pub const EXTENSIONS: [&str; 4] = ["md", "html", "json", "csv"];

/// Writes `files` (name, content) into `dir`, all or nothing as far as the
/// file system allows: a failure before the renames leaves no new file.
pub(super) fn write_all(
    dir: &Path,
    files: &[(String, String)],
) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    let mut staged = Vec::with_capacity(files.len());
    for (name, content) in files {
        let path = dir.join(name);
        staged.push((stage(dir, &path, content.as_bytes())?, path));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| ReportError::Write {
            path: path.clone(),
            source: e.error,
        })?;
        written.push(path);
    }
    Ok(written)
}

fn stage(dir: &Path, path: &Path, bytes: &[u8]) -> Result<NamedTempFile, ReportError> {
    let write = || -> std::io::Result<NamedTempFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".compliance-").suffix(".tmp");
        // Temporary files are private (0600); a report is not, so it gets
        // the permissions any new file gets under the user's umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        Ok(tmp)
    };
    write().map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })
}
