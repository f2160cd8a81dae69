//! Helpers shared by the unit tests of this crate.

use std::fs;
use std::path::Path;

use crate::OutputFile;

pub(crate) fn file(name: &str, contents: &str) -> OutputFile {
    OutputFile {
        name: name.to_owned(),
        contents: contents.as_bytes().to_vec(),
    }
}

/// The sorted names in `dir`.
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
