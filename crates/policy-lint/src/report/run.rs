//! `policy-lint report`: one compliance report per template found under the
//! given paths, each named after its template.
//!
//! A template's report is `<stem>.compliance.{md,html,json,csv}`, where the
//! stem is the file name without its extensions (`.json`, `.yaml`, `.yml`,
//! then `.template` or `.tf`): `expense.template.json` gives
//! `expense.compliance.md`. Two templates with the same stem are refused
//! before anything is written. An input that cannot be read gets no report;
//! it is returned as an input error, as `lint` does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{InputFile, ReportError, ReportMeta, generation_time, git_commit, write_reports};
use crate::lint::{self, Options};
use crate::load::{self, Document, LoadError, Loaded};
use crate::output::{InputError, Report};

/// What one `report` run did.
#[derive(Debug, Default)]
pub struct ReportRun {
    /// Every file written, four per template.
    pub written: Vec<PathBuf>,
    /// All findings and input errors of the run, for the exit code.
    pub combined: Report,
}

/// Lints every template under `paths` and writes its report into `out_dir`.
pub fn report_paths(
    paths: &[PathBuf],
    options: &Options,
    out_dir: &Path,
) -> Result<ReportRun, ReportError> {
    let mut run = ReportRun::default();
    let docs = load_all(paths, options, &mut run.combined.input_errors);
    let stems = stems(&docs)?;
    let generated_at = generation_time()?;
    for (doc, stem) in docs.iter().zip(stems) {
        match report_one(doc, &stem, options, out_dir, generated_at)? {
            Outcome::Written(report, written) => {
                run.combined.findings.extend(report.findings);
                run.combined.sources.extend(report.sources);
                run.written.extend(written);
            }
            Outcome::Unreadable(e) => run.combined.input_errors.push(input_error(&e)),
        }
    }
    Ok(run)
}

/// What became of one template.
enum Outcome {
    Written(Report, Vec<PathBuf>),
    /// The template changed or vanished after the walk found it.
    Unreadable(LoadError),
}

/// Reads the template again so that the digest in the header is of the
/// exact bytes the findings come from.
fn report_one(
    doc: &Document,
    stem: &str,
    options: &Options,
    out_dir: &Path,
    generated_at: u64,
) -> Result<Outcome, ReportError> {
    if !doc.parts.is_empty() {
        return report_module(doc, stem, options, out_dir, generated_at);
    }
    let bytes = match std::fs::read(&doc.path) {
        Ok(bytes) => bytes,
        Err(source) => {
            let path = doc.path.clone();
            return Ok(Outcome::Unreadable(LoadError::Read { path, source }));
        }
    };
    let report = match lint::lint_bytes(&doc.path, &bytes, options) {
        Ok(report) => report,
        Err(e) => return Ok(Outcome::Unreadable(e)),
    };
    let meta = ReportMeta {
        stacks: vec![stack_name(doc).unwrap_or_else(|| stem.to_owned())],
        git_commit: git_commit(&doc.path),
        generated_at,
    };
    let inputs = [InputFile::from_bytes(&doc.path, &bytes)];
    let written = write_reports(&report, &inputs, &meta, out_dir, stem)?;
    Ok(Outcome::Written(report, written))
}

/// A Terraform module's report: the digest of each of its files.
fn report_module(
    doc: &Document,
    stem: &str,
    options: &Options,
    out_dir: &Path,
    generated_at: u64,
) -> Result<Outcome, ReportError> {
    let mut inputs = Vec::new();
    for part in &doc.parts {
        match std::fs::read(&part.path) {
            Ok(bytes) => inputs.push(InputFile::from_bytes(&part.path, &bytes)),
            Err(source) => {
                let path = part.path.clone();
                return Ok(Outcome::Unreadable(LoadError::Read { path, source }));
            }
        }
    }
    let report = lint::lint_document(doc, options);
    let meta = ReportMeta {
        stacks: vec![stem.to_owned()],
        git_commit: git_commit(&doc.path),
        generated_at,
    };
    let written = write_reports(&report, &inputs, &meta, out_dir, stem)?;
    Ok(Outcome::Written(report, written))
}

fn load_all(paths: &[PathBuf], options: &Options, errors: &mut Vec<InputError>) -> Vec<Document> {
    let mut docs = Vec::new();
    for path in paths {
        match load::load_path(path, &options.limits) {
            Ok(items) => {
                for item in items {
                    match item {
                        Loaded::Document(doc) => docs.push(doc),
                        Loaded::Skipped { .. } => {}
                        Loaded::Failed(e) => errors.push(input_error(&e)),
                    }
                }
            }
            Err(e) => errors.push(input_error(&e)),
        }
    }
    docs
}

/// The stem of every document, refusing two documents with the same one
/// (their reports would overwrite each other).
fn stems(docs: &[Document]) -> Result<Vec<String>, ReportError> {
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    let mut stems = Vec::with_capacity(docs.len());
    for doc in docs {
        let stem = stem_of(&doc.path);
        if let Some(first) = seen.insert(stem.clone(), &doc.path) {
            return Err(ReportError::SameStem {
                stem,
                first: first.to_owned(),
                second: doc.path.clone(),
            });
        }
        stems.push(stem);
    }
    Ok(stems)
}

/// The file name without its format extension and a `.template` or `.tf`
/// infix.
pub fn stem_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "template".into(), |n| n.to_string_lossy());
    let mut stem: &str = &name;
    for ext in [".json", ".yaml", ".yml"] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    for infix in [".template", ".tf"] {
        stem = stem.strip_suffix(infix).unwrap_or(stem);
    }
    if stem.is_empty() || stem == "." || stem == ".." {
        "template".to_owned()
    } else {
        stem.to_owned()
    }
}

/// The stack a stackwright template names in `Metadata.stackwright.stack`.
fn stack_name(doc: &Document) -> Option<String> {
    let node = doc.root.pointer(&["Metadata", "stackwright", "stack"])?;
    node.as_str().map(str::to_owned)
}

fn input_error(e: &LoadError) -> InputError {
    let (line, column) = e.loc().map_or((0, 0), |l| (l.line, l.column));
    InputError {
        file: e.path().to_path_buf(),
        line,
        column,
        message: e.to_string(),
    }
}
