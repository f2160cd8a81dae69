//! Finding the templates under a directory.
//!
//! Uses the `ignore` crate (ripgrep's walker): recursive, honouring
//! `.gitignore`, `.ignore` and git's exclude files even outside a git
//! checkout, skipping hidden entries, siblings sorted by name so the order
//! is the same on every machine. Symbolic links are followed; a link that
//! points back to an ancestor is reported as a failed entry, and the walk
//! goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use super::detect::{Outcome, classify, is_tf_json};
use super::{Limits, LoadError, Loaded, is_tf, load_module, text};

/// Extensions of files worth opening.
const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

/// Words whose presence makes an unreadable file a failed template rather
/// than some other broken file to skip.
const TEMPLATE_MARKERS: &[&str] = &["AWSTemplateFormatVersion", "Resources", "format_version"];

pub(crate) fn walk(root: &Path, limits: &Limits) -> Vec<Loaded> {
    let walker = WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    let mut out = Vec::new();
    // The `.tf` files of one directory are one Terraform module.
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                let path = entry.path();
                if is_tf(path) {
                    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
                    modules.entry(dir).or_default().push(path.to_path_buf());
                } else if is_candidate(path) {
                    out.push(load_walked(path, limits));
                }
            }
            Ok(_) => {}
            Err(e) => out.push(Loaded::Failed(walk_error(root, &e))),
        }
    }
    for (dir, files) in modules {
        out.push(load_module(&dir, &files, limits));
    }
    out
}

fn is_candidate(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Loads a file met in a walk, where not being a template is no error.
fn load_walked(path: &Path, limits: &Limits) -> Loaded {
    let bytes = match text::read_file(path, limits) {
        Ok(bytes) => bytes,
        Err(e) => return Loaded::Failed(e),
    };
    let outcome = text::decode(path, &bytes).and_then(|text| classify(path, &text, limits));
    match outcome {
        Ok(Outcome::Document(doc)) => Loaded::Document(doc),
        Ok(Outcome::NotTemplate(reason)) => skipped(path, reason),
        Err(e) if looks_like_template(path, &bytes) => Loaded::Failed(e),
        Err(e) => skipped(path, format!("not a template ({e})")),
    }
}

fn skipped(path: &Path, reason: String) -> Loaded {
    Loaded::Skipped {
        path: path.to_owned(),
        reason,
    }
}

fn looks_like_template(path: &Path, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    is_tf_json(path) || TEMPLATE_MARKERS.iter().any(|m| text.contains(m))
}

fn walk_error(root: &Path, err: &ignore::Error) -> LoadError {
    let (path, message) = describe(err);
    LoadError::Walk {
        path: path.unwrap_or_else(|| root.to_owned()),
        message,
    }
}

/// The path and a lower-case message for a walk error.
fn describe(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err)
        }
        ignore::Error::Loop { ancestor, child } => (
            Some(child.clone()),
            format!("symlink loop: points back to `{}`", ancestor.display()),
        ),
        ignore::Error::Io(e) => (None, format!("cannot read: {e}")),
        ignore::Error::Partial(errs) => match errs.first() {
            Some(first) => describe(first),
            None => (None, "walk failed".into()),
        },
        other => (None, other.to_string()),
    }
}
