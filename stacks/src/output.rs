//! Replaces an output directory with a new set of files, all at once.
//!
//! The files are written into a staging directory beside the target (same filesystem, so the
//! final step is a rename), each one fsync'd, and then swapped into place. On Linux the swap is a
//! single `renameat2(RENAME_EXCHANGE)`, so a reader, an error or a kill at any moment sees either
//! the complete old directory or the complete new one. Elsewhere, or on a filesystem without
//! exchange, the old directory is first renamed aside, which leaves a window of two renames in
//! which the target is missing; the old contents are still on disk beside it in that window.
//!
//! This module never deletes a directory it did not write: an existing target must be empty or
//! hold a stackwright manifest, see [`crate::manifest::is_stackwright_output`].

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// One file of the output directory: a plain file name, or a relative path of plain names
/// (`assets/<sha256>.zip`), and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub contents: Vec<u8>,
}

/// Makes `target` a directory holding exactly `files`, or leaves it untouched on error.
pub fn replace_dir(target: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    for file in files {
        check_file_name(&file.name)?;
    }
    let parent = parent_of(target);
    fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create directory `{}`", parent.display()))?;
    let replaces_existing = guard_existing(target)?;

    let staging = stage(&parent, target, files)?;
    if replaces_existing {
        swap(staging, target)?;
    } else {
        let staged = staging.keep();
        rename(&staged, target)?;
    }
    sync_dir(&parent)
}

/// Output file names come from stack names and digests; refuse anything that could escape the
/// directory. `/` separates subdirectories, each a plain name too.
fn check_file_name(name: &str) -> anyhow::Result<()> {
    let plain = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && !part.contains(['\\', '\0'])
            && !part.starts_with('.')
    };
    if !name.split('/').all(plain) {
        bail!("refusing to write output file `{name}`: not a plain file name");
    }
    Ok(())
}

/// The directory that holds `target`; `Path::parent` gives `""` for a bare name.
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `target` exists and may be replaced; an error when it exists and must not be.
fn guard_existing(target: &Path) -> anyhow::Result<bool> {
    let metadata = match fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(err) => {
            return Err(err).with_context(|| format!("cannot inspect `{}`", target.display()));
        }
    };
    if !metadata.is_dir() {
        bail!(
            "output `{}` exists and is not a directory",
            target.display()
        );
    }
    if !is_empty_dir(target)? && !crate::manifest::is_stackwright_output(target) {
        bail!(
            "refusing to replace `{}`: it is not empty and holds no stackwright manifest.json",
            target.display()
        );
    }
    Ok(true)
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot read directory `{}`", dir.display()))?;
    Ok(entries.next().is_none())
}

/// Writes every file into a fresh hidden directory beside `target`, durably.
fn stage(parent: &Path, target: &Path, files: &[OutputFile]) -> anyhow::Result<tempfile::TempDir> {
    let prefix = format!(".{}.staging-", file_name_of(target));
    let staging = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a staging directory in `{}`",
                parent.display()
            )
        })?;
    let mut subdirs = std::collections::BTreeSet::new();
    for file in files {
        let path = staging.path().join(&file.name);
        if let Some(dir) = path.parent().filter(|dir| *dir != staging.path()) {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory `{}`", dir.display()))?;
            subdirs.insert(dir.to_path_buf());
        }
        write_synced(&path, &file.contents)?;
    }
    for dir in &subdirs {
        sync_dir(dir)?;
    }
    sync_dir(staging.path())?;
    Ok(staging)
}

fn file_name_of(target: &Path) -> String {
    target.file_name().map_or_else(
        || "out".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

fn write_synced(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let write = || -> io::Result<()> {
        let mut file = File::create(path)?;
        file.write_all(contents)?;
        file.sync_all()
    };
    write().with_context(|| format!("cannot write `{}`", path.display()))
}

/// Puts the staged directory at `target` and deletes the old contents.
fn swap(staging: tempfile::TempDir, target: &Path) -> anyhow::Result<()> {
    if exchange(staging.path(), target)? {
        // The staging path now holds the old output; dropping it deletes that.
        return Ok(());
    }
    swap_by_renames(staging, target)
}

/// The portable swap: old output aside, new output in, old output deleted.
fn swap_by_renames(staging: tempfile::TempDir, target: &Path) -> anyhow::Result<()> {
    let aside = staging.path().with_extension("old");
    rename(target, &aside)?;
    let staged = staging.keep();
    if let Err(err) = rename(&staged, target) {
        // Put the old output back so the target is never left missing after an error.
        let _restored = fs::rename(&aside, target);
        let _removed = fs::remove_dir_all(&staged);
        return Err(err);
    }
    fs::remove_dir_all(&aside)
        .with_context(|| format!("cannot remove the old output `{}`", aside.display()))
}

/// Atomically exchanges two directories; `Ok(false)` when the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;

    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(err) => Err(io::Error::from(err))
            .with_context(|| format!("cannot swap `{}` into `{}`", a.display(), b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> anyhow::Result<bool> {
    Ok(false)
}

fn rename(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::rename(from, to)
        .with_context(|| format!("cannot rename `{}` to `{}`", from.display(), to.display()))
}

/// Makes the directory's entries (the renames) durable, not only the file contents.
fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .with_context(|| format!("cannot sync directory `{}`", dir.display()))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> OutputFile {
        OutputFile {
            name: name.to_owned(),
            contents: contents.as_bytes().to_vec(),
        }
    }

    fn manifest() -> OutputFile {
        file(
            "manifest.json",
            "{\"format\": \"stackwright-manifest/1\"}\n",
        )
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

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
        replace_dir(&target, &[manifest(), file("old.template.json", "old\n")]).unwrap();
        replace_dir(&target, &[manifest(), file("new.template.json", "new\n")]).unwrap();
        assert_eq!(listing(&target), ["manifest.json", "new.template.json"]);
        assert_eq!(
            listing(root.path()),
            ["out"],
            "no staging directory left behind"
        );
    }

    #[test]
    fn refuses_to_replace_a_directory_it_did_not_write() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("src");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("main.rs"), "fn main() {}").unwrap();
        let err = replace_dir(&target, &[manifest()]).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"), "{err}");
        assert_eq!(listing(&target), ["main.rs"]);
    }

    #[test]
    fn replaces_an_empty_directory() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::create_dir(&target).unwrap();
        replace_dir(&target, &[manifest()]).unwrap();
        assert_eq!(listing(&target), ["manifest.json"]);
    }

    #[test]
    fn refuses_a_file_in_place_of_the_directory() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::write(&target, "not a dir").unwrap();
        let err = replace_dir(&target, &[manifest()]).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }

    #[test]
    fn bad_file_name_leaves_old_output_untouched() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[manifest(), file("a.json", "old\n")]).unwrap();
        let err = replace_dir(&target, &[manifest(), file("../escape", "x")]).unwrap_err();
        assert!(err.to_string().contains("not a plain file name"), "{err}");
        assert_eq!(fs::read_to_string(target.join("a.json")).unwrap(), "old\n");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn writes_files_in_subdirectories_and_refuses_escapes() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[manifest(), file("assets/a.zip", "zip")]).unwrap();
        assert_eq!(listing(&target.join("assets")), ["a.zip"]);
        for bad in ["assets/../x", "assets/", "/abs", "assets/.hidden", "a\\b"] {
            let err = replace_dir(&target, &[manifest(), file(bad, "x")]).unwrap_err();
            assert!(
                err.to_string().contains("not a plain file name"),
                "{bad}: {err}"
            );
        }
        assert_eq!(listing(&target.join("assets")), ["a.zip"]);
    }

    #[test]
    fn portable_swap_replaces_contents() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        replace_dir(&target, &[manifest(), file("a.json", "old\n")]).unwrap();
        let staging = stage(root.path(), &target, &[manifest(), file("b.json", "new\n")]).unwrap();
        swap_by_renames(staging, &target).unwrap();
        assert_eq!(listing(&target), ["b.json", "manifest.json"]);
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
}
