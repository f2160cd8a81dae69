//! The linting pipeline: load, adapt, check, and gather one [`Report`].

use std::path::{Path, PathBuf};

use crate::adapt;
use crate::config::Config;
use crate::finding::Finding;
use crate::load::{self, Document, Format, Limits, LoadError, Loaded};
use crate::model::{Model, Problem};
use crate::output::{InputError, Report};
use crate::resolve::Resolver;
use crate::rules;

/// Settings for one run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub config: Config,
    pub limits: Limits,
}

/// Lints files and directories. Inputs that cannot be read become
/// [`InputError`]s; every other input is still linted.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Report {
    let mut report = Report::default();
    for path in paths {
        match load::load_path(path, &options.limits) {
            Ok(loaded) => {
                for item in loaded {
                    add_loaded(&mut report, item, options);
                }
            }
            Err(e) => report.input_errors.push(input_error(&e)),
        }
    }
    finish(&mut report);
    report
}

/// Lints a template held in memory, such as the synthesizer's output.
pub fn lint_bytes(path: &Path, bytes: &[u8], options: &Options) -> Result<Report, LoadError> {
    let doc = load::load_bytes(path, bytes, &options.limits)?;
    let mut report = Report::default();
    add_document(&mut report, &doc, options);
    finish(&mut report);
    Ok(report)
}

/// The model of one loaded document.
pub fn model_of(doc: &Document) -> Model {
    let mut model = match doc.format {
        Format::CloudFormationJson | Format::CloudFormationYaml => {
            let resolver = Resolver::new(doc);
            let mut model = adapt::cfn::adapt(&doc.path, resolver.template(), &resolver);
            model
                .problems
                .extend(resolver.diagnostics().iter().map(|d| Problem {
                    resource: String::new(),
                    message: format!("{}: {}", d.kind, d.message),
                    loc: d.loc,
                }));
            model
        }
        Format::TerraformJson | Format::TerraformPlan => adapt::tf::adapt(doc),
    };
    model
        .problems
        .extend(doc.diagnostics.iter().map(|d| Problem {
            resource: String::new(),
            message: format!("{}: {}", d.kind, d.message),
            loc: d.loc,
        }));
    if doc.format.is_cloudformation() {
        attribute_problems(&mut model, &doc.root);
    }
    model
}

/// Names the resource each template-level problem sits in, when it sits in
/// the `Resources` section: the resource whose entry starts last before it.
fn attribute_problems(model: &mut Model, root: &crate::tree::Node) {
    let Some(sections) = root.as_object() else {
        return;
    };
    let section_of = |loc: crate::tree::Loc| {
        sections
            .iter()
            .filter(|(key, _)| key.loc <= loc)
            .max_by_key(|(key, _)| key.loc)
            .map(|(key, _)| key.name.as_str())
    };
    let mut starts: Vec<(crate::tree::Loc, String)> = model
        .resources
        .iter()
        .map(|r| (r.loc, r.id.clone()))
        .collect();
    starts.sort();
    for problem in &mut model.problems {
        if !problem.resource.is_empty() || section_of(problem.loc) != Some("Resources") {
            continue;
        }
        if let Some((_, id)) = starts.iter().rev().find(|(loc, _)| *loc <= problem.loc) {
            problem.resource.clone_from(id);
        }
    }
}

/// Every evaluation of every rule on one document.
pub fn check_document(doc: &Document, options: &Options) -> Vec<Finding> {
    let model = model_of(doc);
    rules::run(&model, &options.config)
}

fn add_loaded(report: &mut Report, item: Loaded, options: &Options) {
    match item {
        Loaded::Document(doc) => add_document(report, &doc, options),
        Loaded::Skipped { .. } => {}
        Loaded::Failed(e) => report.input_errors.push(input_error(&e)),
    }
}

fn add_document(report: &mut Report, doc: &Document, options: &Options) {
    report.findings.extend(check_document(doc, options));
    let source = std::fs::read_to_string(&doc.path).unwrap_or_default();
    report.sources.insert(doc.path.clone(), source);
}

fn finish(report: &mut Report) {
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
        .input_errors
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}

fn input_error(e: &LoadError) -> InputError {
    let (line, column) = e.loc().map_or((0, 0), |l| (l.line, l.column));
    // The error's text starts with its own `file:line:col: `; the record
    // carries those as fields, so the message keeps only what went wrong.
    let text = e.to_string();
    let prefix = match e.loc() {
        Some(loc) => format!("{}:{loc}: ", e.path().display()),
        None => format!("{}: ", e.path().display()),
    };
    let message = text.strip_prefix(&prefix).unwrap_or(&text).to_owned();
    InputError {
        file: e.path().to_path_buf(),
        line,
        column,
        message,
    }
}
