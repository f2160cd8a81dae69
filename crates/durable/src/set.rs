//! Several files published as one set into a directory that also holds
//! other files (`report --out .` writes `NAME.compliance.{md,html,json,csv}`
//! next to anything), where the directory cannot simply be swapped.
//!
//! A journal in the file system gives the set a single commit point:
//!
//! 1. every file is written and fsync'd into `.LABEL.staging-PID-SEQ/`;
//! 2. that directory is renamed to `.LABEL.commit-PID-SEQ/` and the parent
//!    fsync'd: the commit point;
//! 3. the files are renamed from it into place, in the order given, the
//!    parent fsync'd, and the empty journal removed.
//!
//! A crash before the commit point leaves every old file as it was; the
//! next write of the same set deletes the staging directory. A crash after
//! it may leave some files new and some old until the next write of the same
//! set (or of any set with the same label), which first finishes step 3 for
//! the dead writer, then writes its own. Each file is whole at every moment.

use std::fs;
use std::path::{Path, PathBuf};

use crate::dir::check_file_name;
use crate::file::{rename, sync_dir, write_synced};
use crate::owner::{self, Owner, Stale};
use crate::{DurableError, OutputFile};

/// Publishes `files` (plain names) into `dir` (created if missing) as one
/// set, returning their paths in the order given. `label` names the set's
/// journal and must be the same every time the same set is written.
pub fn write_set(
    dir: &Path,
    label: &str,
    files: &[OutputFile],
) -> Result<Vec<PathBuf>, DurableError> {
    for file in files {
        check_plain(&file.name)?;
    }
    check_plain(label)?;
    fs::create_dir_all(dir).map_err(|source| DurableError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    recover_set(dir, label);
    let owner = Owner::next();
    let staging = dir.join(format!(".{label}.staging-{owner}"));
    if let Err(err) = stage(&staging, files) {
        let _ignored = fs::remove_dir_all(&staging);
        return Err(err);
    }
    let journal = dir.join(format!(".{label}.commit-{owner}"));
    rename(&staging, &journal)?;
    sync_dir(dir)?;
    publish(dir, &journal, files.iter().map(|f| f.name.as_str()))
}

fn check_plain(name: &str) -> Result<(), DurableError> {
    check_file_name(name)?;
    if name.contains('/') {
        return Err(DurableError::BadFileName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn stage(staging: &Path, files: &[OutputFile]) -> Result<(), DurableError> {
    fs::create_dir(staging).map_err(|source| DurableError::CreateDir {
        path: staging.to_owned(),
        source,
    })?;
    for file in files {
        write_synced(&staging.join(&file.name), &file.contents)?;
    }
    sync_dir(staging)
}

/// Step 3: moves each named file from the committed `journal` into `dir`.
fn publish<'a>(
    dir: &Path,
    journal: &Path,
    names: impl Iterator<Item = &'a str>,
) -> Result<Vec<PathBuf>, DurableError> {
    let mut written = Vec::new();
    for name in names {
        let path = dir.join(name);
        rename(&journal.join(name), &path)?;
        written.push(path);
    }
    sync_dir(dir)?;
    // Only fails if something else was put in our journal; it then stays
    // for the next run's recovery.
    let _ignored = fs::remove_dir(journal);
    Ok(written)
}

/// Finishes the sets labelled `label` in `dir` whose writers died after
/// their commit point, and deletes what writers died with before it.
/// [`write_set`] does this first; a reader that wants a consistent set
/// without writing one may call it too. Best effort: a leftover that cannot
/// be handled is removed rather than block every later run.
pub fn recover_set(dir: &Path, label: &str) {
    for (staging, _) in owner::leftovers(dir, &format!(".{label}.staging-"), "") {
        let _ignored = fs::remove_dir_all(staging);
    }
    for (journal, stale) in owner::leftovers(dir, &format!(".{label}.commit-"), "") {
        // An abandoned journal may predate sets written since: never let it
        // overwrite them.
        if stale == Stale::OwnerGone {
            let _ignored = publish(
                dir,
                &journal,
                journal_names(&journal).iter().map(String::as_str),
            );
        }
        let _ignored = fs::remove_dir_all(&journal);
    }
}

fn journal_names(journal: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(journal)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::dead_pid;
    use crate::test_support::*;

    #[test]
    fn writes_the_set_beside_other_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let set = [file("r.md", "md1"), file("r.json", "json1")];
        let written = write_set(dir.path(), "r.compliance", &set).unwrap();
        assert_eq!(
            written,
            [dir.path().join("r.md"), dir.path().join("r.json")]
        );
        write_set(
            dir.path(),
            "r.compliance",
            &[file("r.md", "md2"), file("r.json", "json2")],
        )
        .unwrap();
        assert_eq!(listing(dir.path()), ["notes.txt", "r.json", "r.md"]);
        assert_eq!(fs::read_to_string(dir.path().join("r.md")).unwrap(), "md2");
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_set_committed_by_a_dead_writer_is_finished_first() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), "r.c", &[file("a", "old"), file("b", "old")]).unwrap();
        // A writer died after its commit point, having published `a` only.
        let journal = dir.path().join(format!(".r.c.commit-{}-0", dead_pid()));
        fs::create_dir(&journal).unwrap();
        fs::write(journal.join("b"), "dead writer").unwrap();
        fs::write(dir.path().join("a"), "dead writer").unwrap();
        // Any later write of the set (here one that fails) recovers first.
        let err = write_set(dir.path(), "r.c", &[file("../x", "")]).unwrap_err();
        assert!(matches!(err, DurableError::BadFileName { .. }));
        assert_eq!(fs::read_to_string(dir.path().join("b")).unwrap(), "old");
        write_set(dir.path(), "r.c", &[file("c", "new")]).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a")).unwrap(),
            "dead writer"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("b")).unwrap(),
            "dead writer"
        );
        assert_eq!(listing(dir.path()), ["a", "b", "c"]);
    }

    #[test]
    fn a_set_staged_by_a_dead_writer_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), "r.c", &[file("a", "old")]).unwrap();
        let staging = dir.path().join(format!(".r.c.staging-{}-4", dead_pid()));
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a"), "half").unwrap();
        let live = dir
            .path()
            .join(format!(".r.c.staging-{}-999999", std::process::id()));
        fs::create_dir(&live).unwrap();
        write_set(dir.path(), "r.c", &[file("b", "new")]).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "old");
        let live_name = live.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            listing(dir.path()),
            [live_name, "a".to_owned(), "b".to_owned()]
        );
    }

    #[test]
    fn an_abandoned_journal_is_removed_without_publishing() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir
            .path()
            .join(format!(".r.c.commit-{}-999998", std::process::id()));
        fs::create_dir(&journal).unwrap();
        fs::write(journal.join("a"), "ancient").unwrap();
        let long_ago = std::time::SystemTime::now() - owner::MAX_AGE * 2;
        fs::File::open(&journal)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        write_set(dir.path(), "r.c", &[file("b", "new")]).unwrap();
        assert_eq!(listing(dir.path()), ["b"]);
    }

    #[test]
    fn a_failed_stage_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), "r.c", &[file("a", "old")]).unwrap();
        let err = write_set(dir.path(), "r.c", &[file("a", "new"), file("a", "twice")]);
        assert!(err.is_err());
        assert_eq!(listing(dir.path()), ["a"]);
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "old");
    }
}
