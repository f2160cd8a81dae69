//! A whole output directory replaced at once (`synth`'s `out/`).
//!
//! The files are written into `.NAME.staging-PID-SEQ` beside the target
//! (same filesystem, so the final step is a rename), each one fsync'd, and
//! then swapped into place. On Linux the swap is a single
//! `renameat2(RENAME_EXCHANGE)`, so a reader, an error or a kill at any moment
//! sees either the complete old directory or the complete new one. Elsewhere,
//! or on a filesystem without exchange, the old directory is first renamed
//! aside to `.NAME.staging-PID-SEQ.old`, which leaves a window of two renames
//! in which the target is missing; the next run then finishes the swap.
//!
//! Whether an existing target may be replaced at all is the caller's
//! decision: this module replaces whatever directory it is given.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::DurableError;
use crate::file::{parent_of, rename, sync_dir, write_synced};
use crate::owner::{self, Owner, Stale};

/// One output file: a plain file name, or a relative path of plain names
/// (`assets/<sha256>.zip`), and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub contents: Vec<u8>,
}

/// Makes `target` a directory holding exactly `files`, or leaves it as it
/// was on error. Leftovers of killed earlier runs are dealt with first.
pub fn replace_dir(target: &Path, files: &[OutputFile]) -> Result<(), DurableError> {
    for file in files {
        check_file_name(&file.name)?;
    }
    let name = target
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| DurableError::NotAFilePath {
            path: target.to_owned(),
        })?;
    let parent = parent_of(target).to_path_buf();
    fs::create_dir_all(&parent).map_err(|source| DurableError::CreateDir {
        path: parent.clone(),
        source,
    })?;
    recover(&parent, target, name);
    let staging = parent.join(format!(".{name}.staging-{}", Owner::next()));
    if let Err(err) = stage(&staging, files) {
        let _ignored = fs::remove_dir_all(&staging);
        return Err(err);
    }
    install(&staging, target)?;
    sync_dir(&parent)
}

/// Output file names come from stack names and digests; refuse anything
/// that could escape the directory or hide in it. `/` separates
/// subdirectories, each a plain name too.
pub(crate) fn check_file_name(name: &str) -> Result<(), DurableError> {
    let plain = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && !part.contains(['\\', '\0'])
            && !part.starts_with('.')
    };
    if name.split('/').all(plain) {
        Ok(())
    } else {
        Err(DurableError::BadFileName {
            name: name.to_owned(),
        })
    }
}

/// Writes every file into the fresh directory `staging`, durably.
fn stage(staging: &Path, files: &[OutputFile]) -> Result<(), DurableError> {
    let create = |dir: &Path| {
        fs::create_dir_all(dir).map_err(|source| DurableError::CreateDir {
            path: dir.to_owned(),
            source,
        })
    };
    fs::create_dir(staging).map_err(|source| DurableError::CreateDir {
        path: staging.to_owned(),
        source,
    })?;
    let mut subdirs = std::collections::BTreeSet::new();
    for file in files {
        let path = staging.join(&file.name);
        if let Some(dir) = path.parent().filter(|dir| *dir != staging) {
            create(dir)?;
            subdirs.insert(dir.to_path_buf());
        }
        write_synced(&path, &file.contents)?;
    }
    for dir in &subdirs {
        sync_dir(dir)?;
    }
    sync_dir(staging)
}

/// Puts the complete `staging` directory at `target`, old contents deleted.
fn install(staging: &Path, target: &Path) -> Result<(), DurableError> {
    match fs::symlink_metadata(target) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return rename(staging, target),
        Ok(meta) if !meta.is_dir() => {
            let _ignored = fs::remove_dir_all(staging);
            return Err(DurableError::NotADirectory {
                path: target.to_owned(),
            });
        }
        _ => {}
    }
    if exchange(staging, target)? {
        // The staging path now holds the old output.
        return remove_old(staging);
    }
    swap_by_renames(staging, target)
}

/// The portable swap: old output aside, new output in, old output deleted.
pub(crate) fn swap_by_renames(staging: &Path, target: &Path) -> Result<(), DurableError> {
    let aside = aside_of(staging);
    rename(target, &aside)?;
    if let Err(err) = rename(staging, target) {
        // Put the old output back so an error never leaves the target missing.
        let _restored = fs::rename(&aside, target);
        let _removed = fs::remove_dir_all(staging);
        return Err(err);
    }
    remove_old(&aside)
}

fn aside_of(staging: &Path) -> PathBuf {
    let mut aside = staging.as_os_str().to_owned();
    aside.push(".old");
    PathBuf::from(aside)
}

fn remove_old(path: &Path) -> Result<(), DurableError> {
    fs::remove_dir_all(path).map_err(|source| DurableError::RemoveOld {
        path: path.to_owned(),
        source,
    })
}

/// Deals with the leftovers of killed runs: a staging directory is deleted
/// unless the run died between the two renames of the portable swap (an
/// `.old` beside it and no target), in which case it is the complete new
/// output and is moved into place.
fn recover(parent: &Path, target: &Path, name: &str) {
    let prefix = format!(".{name}.staging-");
    for (aside, stale) in owner::leftovers(parent, &prefix, ".old") {
        if fs::symlink_metadata(target).is_err() {
            let staged = aside.with_extension("");
            let complete = stale == Stale::OwnerGone && staged.is_dir();
            let _ignored = fs::rename(if complete { &staged } else { &aside }, target);
        }
        let _ignored = fs::remove_dir_all(&aside);
    }
    for (staging, _) in owner::leftovers(parent, &prefix, "") {
        let _ignored = fs::remove_dir_all(staging);
    }
}

/// Atomically exchanges two directories; `Ok(false)` when the system cannot.
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> Result<bool, DurableError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;

    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(err) => Err(DurableError::Rename {
            from: a.to_owned(),
            to: b.to_owned(),
            source: io::Error::from(err),
        }),
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_a: &Path, _b: &Path) -> Result<bool, DurableError> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::dead_pid;
    use crate::test_support::*;

    #[test]
    fn creates_a_missing_directory_and_its_parents() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("a/b/out");
        replace_dir(&target, &[file("x.json", "1\n")]).unwrap();
        assert_eq!(fs::read_to_string(target.join("x.json")).unwrap(), "1\n");
        assert_eq!(listing(&root.path().join("a/b")), ["out"]);
    }

    #[test]
    fn replaces_previous_output_and_drops_stale_files() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[file("old.json", "old\n")]).unwrap();
        replace_dir(&target, &[file("new.json", "new\n")]).unwrap();
        assert_eq!(listing(&target), ["new.json"]);
        assert_eq!(
            listing(root.path()),
            ["out"],
            "no staging directory left behind"
        );
    }

    #[test]
    fn refuses_a_file_in_place_of_the_directory() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::write(&target, "not a dir").unwrap();
        let err = replace_dir(&target, &[file("a", "")]).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn bad_file_names_leave_old_output_untouched() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[file("assets/a.zip", "zip")]).unwrap();
        for bad in [
            "../escape",
            "assets/../x",
            "assets/",
            "/abs",
            "assets/.hidden",
            "a\\b",
        ] {
            let err = replace_dir(&target, &[file(bad, "x")]).unwrap_err();
            assert!(
                err.to_string().contains("not a plain file name"),
                "{bad}: {err}"
            );
        }
        assert_eq!(listing(&target.join("assets")), ["a.zip"]);
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn portable_swap_replaces_contents() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[file("a.json", "old\n")]).unwrap();
        let staging = root.path().join(".out.staging-1-1");
        stage(&staging, &[file("b.json", "new\n")]).unwrap();
        swap_by_renames(&staging, &target).unwrap();
        assert_eq!(listing(&target), ["b.json"]);
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn exchange_swaps_both_directories_when_supported() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("from-a"), "").unwrap();
        fs::write(b.join("from-b"), "").unwrap();
        let swapped = exchange(&a, &b).unwrap();
        let (expect_a, expect_b) = if swapped {
            ("from-b", "from-a")
        } else {
            ("from-a", "from-b")
        };
        assert_eq!(listing(&a), [expect_a]);
        assert_eq!(listing(&b), [expect_b]);
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed_and_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[file("a", "old")]).unwrap();
        let dead = dead_pid();
        let gone = root.path().join(format!(".out.staging-{dead}-3"));
        fs::create_dir(&gone).unwrap();
        fs::write(gone.join("a"), "half").unwrap();
        let live = format!(".out.staging-{}-999999", std::process::id());
        fs::create_dir(root.path().join(&live)).unwrap();
        fs::create_dir(root.path().join(format!(".other.staging-{dead}-3"))).unwrap();
        replace_dir(&target, &[file("a", "new")]).unwrap();
        let other = format!(".other.staging-{dead}-3");
        assert_eq!(listing(root.path()), [other, live, "out".to_owned()]);
        assert_eq!(fs::read_to_string(target.join("a")).unwrap(), "new");
    }

    #[test]
    fn a_run_killed_between_the_portable_renames_is_finished() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let staged = root.path().join(format!(".out.staging-{}-5", dead_pid()));
        stage(&staged, &[file("a", "complete new")]).unwrap();
        fs::create_dir(aside_of(&staged)).unwrap();
        fs::write(aside_of(&staged).join("a"), "old").unwrap();
        // The next run recovers first, then fails on a bad name: the killed
        // run's complete output is in place.
        assert!(replace_dir(&target, &[file("..", "")]).is_err());
        assert!(!target.exists(), "names are checked before recovery");
        recover(root.path(), &target, "out");
        assert_eq!(
            fs::read_to_string(target.join("a")).unwrap(),
            "complete new"
        );
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn a_run_killed_with_only_the_old_output_aside_restores_it() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let aside = root
            .path()
            .join(format!(".out.staging-{}-6.old", dead_pid()));
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("a"), "old").unwrap();
        recover(root.path(), &target, "out");
        assert_eq!(fs::read_to_string(target.join("a")).unwrap(), "old");
        assert_eq!(listing(root.path()), ["out"]);
    }
}
