//! Replaces `synth`'s output directory with a new set of files, all at once, and only when the
//! directory is ours to replace.
//!
//! The swap itself (staging directory beside the target, every file fsync'd, one
//! `renameat2(RENAME_EXCHANGE)` on Linux, leftovers of killed runs recovered) is
//! [`durable::replace_dir`]. This module adds the guard: an existing target must be empty or hold
//! a stackwright manifest, see [`crate::manifest::is_stackwright_output`], so `--out src` cannot
//! delete sources.

use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context as _, bail};

pub use durable::OutputFile;

/// Makes `target` a directory holding exactly `files`, or leaves it untouched on error.
pub fn replace_dir(target: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    guard_existing(target)?;
    durable::replace_dir(target, files)
        .with_context(|| format!("cannot write the output directory `{}`", target.display()))
}

/// An error when `target` exists and must not be replaced.
fn guard_existing(target: &Path) -> anyhow::Result<()> {
    let metadata = match fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
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
    Ok(())
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot read directory `{}`", dir.display()))?;
    Ok(entries.next().is_none())
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
        assert!(
            format!("{err:#}").contains("not a plain file name"),
            "{err:#}"
        );
        assert_eq!(fs::read_to_string(target.join("a.json")).unwrap(), "old\n");
        assert_eq!(listing(root.path()), ["out"]);
    }
}
