//! One file replaced atomically: written to `.NAME.PID-SEQ.tmp` beside it,
//! fsync'd, renamed over it, and the directory fsync'd, so that after a
//! crash at any moment the file holds its old bytes or its new bytes, and
//! after the call returns the new bytes survive a power loss.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use crate::DurableError;
use crate::owner::{self, Owner};

/// Replaces `path` with `bytes` atomically and durably. Leftover temporary
/// files of earlier, killed writers of the same `path` are removed first.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), DurableError> {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| DurableError::NotAFilePath {
            path: path.to_owned(),
        })?;
    let dir = parent_of(path);
    remove_leftovers(dir, name);
    let tmp = dir.join(format!(".{name}.{}.tmp", Owner::next()));
    let result = write_synced(&tmp, bytes)
        .and_then(|()| rename(&tmp, path))
        .and_then(|()| sync_dir(dir));
    if result.is_err() {
        let _ignored = fs::remove_file(&tmp);
    }
    result
}

/// The directory holding `path`; `Path::parent` gives `""` for a bare name.
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn remove_leftovers(dir: &Path, name: &str) {
    for (leftover, _) in owner::leftovers(dir, &format!(".{name}."), ".tmp") {
        if fs::symlink_metadata(&leftover).is_ok_and(|m| m.is_file()) {
            let _ignored = fs::remove_file(&leftover);
        }
    }
}

/// Creates `path` (never following or reusing an existing entry) with
/// `bytes`, flushed to disk.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), DurableError> {
    let write = || -> std::io::Result<()> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    write().map_err(|source| DurableError::Write {
        path: path.to_owned(),
        source,
    })
}

pub(crate) fn rename(from: &Path, to: &Path) -> Result<(), DurableError> {
    fs::rename(from, to).map_err(|source| DurableError::Rename {
        from: from.to_owned(),
        to: to.to_owned(),
        source,
    })
}

/// Makes the directory's entries (creations, renames) durable; a renamed
/// file whose directory was not synced can vanish in a power loss.
pub fn sync_dir(dir: &Path) -> Result<(), DurableError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .map_err(|source| DurableError::SyncDir {
            path: dir.to_owned(),
            source,
        })?;
    #[cfg(not(unix))]
    let _ = (dir, File::open);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::dead_pid;
    use crate::test_support::*;

    #[test]
    fn replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_file(&path, b"old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(listing(dir.path()), ["out.json"]);
    }

    #[test]
    fn a_bare_name_is_written_in_the_current_directory() {
        assert_eq!(parent_of(Path::new("x.json")), Path::new("."));
        assert_eq!(parent_of(Path::new("a/x.json")), Path::new("a"));
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), "").unwrap();
        let err = write_file(&path, b"new").unwrap_err();
        assert!(err.to_string().starts_with("cannot rename"), "{err}");
        assert_eq!(listing(dir.path()), ["out"]);
        assert!(matches!(
            write_file(Path::new("/"), b"x"),
            Err(DurableError::NotAFilePath { .. })
        ));
    }

    #[test]
    fn leftovers_of_gone_writers_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dead_pid();
        let live = std::process::id();
        let gone = [
            format!(".out.json.{dead}-0.tmp"),
            format!(".out.json.{dead}.tmp"),
        ];
        let kept = [
            format!(".out.json.{live}-999999.tmp"),
            format!(".other.json.{dead}-0.tmp"),
            format!(".out.json.{dead}-0.tmp.keep"),
            "notes.txt".to_owned(),
        ];
        for name in gone.iter().chain(&kept) {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        fs::create_dir(dir.path().join(format!(".out.json.{dead}-1.tmp"))).unwrap();
        write_file(&dir.path().join("out.json"), b"new").unwrap();
        let mut expected: Vec<String> = kept.to_vec();
        expected.push(format!(".out.json.{dead}-1.tmp"));
        expected.push("out.json".to_owned());
        expected.sort();
        assert_eq!(
            listing(dir.path()),
            expected,
            "only regular files of the pattern go"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "untouched").unwrap();
        let planted = dir.path().join(".out.1-1.tmp");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert!(write_synced(&planted, b"new").is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "untouched");
    }
}
