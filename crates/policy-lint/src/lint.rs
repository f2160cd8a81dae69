//! The linting pipeline: load, adapt, check, and gather one [`Report`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::adapt;
use crate::config::Config;
use crate::finding::Finding;
use crate::load::{self, Document, Format, Limits, LoadError, Loaded};
use crate::model::{Model, Problem};
use crate::output::{InputError, Report};
use crate::resolve::Resolver;
use crate::rules;
use crate::waivers::{self, Date, FileWaiver};

/// Settings for one run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub config: Config,
    pub limits: Limits,
    /// Waivers read from reviewed waiver files (`--waivers`, `[waivers]
    /// files`), applied besides the templates' metadata waivers.
    pub waivers: Vec<FileWaiver>,
    /// The date waiver expiry is judged against; today (UTC) when `None`.
    pub today: Option<Date>,
}

/// How far one run's file waivers were used, gathered over its documents.
#[derive(Debug, Default)]
struct WaiverUse {
    used: BTreeSet<usize>,
    unwaivable: BTreeSet<usize>,
    /// The documents linted, normalized, to judge waivers naming a template.
    linted: BTreeSet<PathBuf>,
}

/// Lints files and directories. Inputs that cannot be read become
/// [`InputError`]s; every other input is still linted.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Report {
    let mut report = Report::default();
    let mut waiver_use = WaiverUse::default();
    for path in paths {
        match load::load_path(path, &options.limits) {
            Ok(loaded) => {
                for item in loaded {
                    add_loaded(&mut report, &mut waiver_use, item, options);
                }
            }
            Err(e) => report.input_errors.push(input_error(&e)),
        }
    }
    judge_file_waivers(&mut report, &waiver_use, options, true);
    finish(&mut report);
    report
}

/// Lints a template held in memory, such as the synthesizer's output.
pub fn lint_bytes(path: &Path, bytes: &[u8], options: &Options) -> Result<Report, LoadError> {
    let doc = load::load_bytes(path, bytes, &options.limits)?;
    let mut report = Report::default();
    let mut waiver_use = WaiverUse::default();
    add_document(&mut report, &mut waiver_use, &doc, options);
    // One template is not the whole run: a file waiver naming no template
    // may be for another one.
    judge_file_waivers(&mut report, &waiver_use, options, false);
    finish(&mut report);
    Ok(report)
}

/// Lints one loaded document, such as a Terraform module, which has no
/// single file to read again.
pub fn lint_document(doc: &Document, options: &Options) -> Report {
    let mut report = Report::default();
    let mut waiver_use = WaiverUse::default();
    add_document(&mut report, &mut waiver_use, doc, options);
    judge_file_waivers(&mut report, &waiver_use, options, false);
    finish(&mut report);
    report
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
        Format::TerraformJson | Format::TerraformPlan | Format::TerraformHcl => {
            adapt::tf::adapt(doc)
        }
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
    // A resource no rule could read is not in the model, yet its own
    // problem belongs to it, not to the resource above it.
    let unread = root
        .get("Resources")
        .and_then(crate::tree::Node::as_object)
        .into_iter()
        .flat_map(|resources| resources.iter())
        .filter(|(key, body)| crate::resolve::unreadable_resource(&key.name, body).is_some())
        .map(|(key, _)| (key.loc, key.name.clone()));
    starts.extend(unread);
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

/// Every evaluation of every rule on one document, waivers applied.
pub fn check_document(doc: &Document, options: &Options) -> Vec<Finding> {
    check(doc, options).0
}

fn check(doc: &Document, options: &Options) -> (Vec<Finding>, waivers::Applied) {
    let model = model_of(doc);
    let mut findings = rules::run(&model, &options.config);
    let today = options.today.unwrap_or_else(Date::today);
    let policy = &options.config.waivers;
    let applied = waivers::apply(&model, &mut findings, policy, &options.waivers, today);
    (findings, applied)
}

fn add_loaded(report: &mut Report, waiver_use: &mut WaiverUse, item: Loaded, options: &Options) {
    match item {
        Loaded::Document(doc) => add_document(report, waiver_use, &doc, options),
        Loaded::Skipped { .. } => {}
        Loaded::Failed(e) => report.input_errors.push(input_error(&e)),
    }
}

fn add_document(
    report: &mut Report,
    waiver_use: &mut WaiverUse,
    doc: &Document,
    options: &Options,
) {
    let (mut findings, applied) = check(doc, options);
    if !doc.parts.is_empty() {
        for finding in &mut findings {
            let (file, line) = doc.locate(finding.line);
            finding.file = file.to_path_buf();
            finding.line = line;
        }
    }
    report.findings.extend(findings);
    report.waiver_diagnostics.extend(applied.diagnostics);
    waiver_use.used.extend(applied.used);
    waiver_use.unwaivable.extend(applied.unwaivable);
    waiver_use.linted.insert(waivers::normalize(&doc.path));
    if doc.parts.is_empty() {
        let source = std::fs::read_to_string(&doc.path).unwrap_or_default();
        report.sources.insert(doc.path.clone(), source);
    }
    for part in &doc.parts {
        let source = std::fs::read_to_string(&part.path).unwrap_or_default();
        report.sources.insert(part.path.clone(), source);
    }
}

fn judge_file_waivers(
    report: &mut Report,
    waiver_use: &WaiverUse,
    options: &Options,
    judge_unscoped: bool,
) {
    report.waiver_diagnostics.extend(waivers::file_diagnostics(
        &options.waivers,
        &waiver_use.used,
        &waiver_use.unwaivable,
        &waiver_use.linted,
        judge_unscoped,
        &options.config.waivers,
        options.today.unwrap_or_else(Date::today),
    ));
}

fn finish(report: &mut Report) {
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
        .input_errors
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    report.waiver_diagnostics.sort();
    report.waiver_diagnostics.dedup();
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
