//! The shared reproduction cases: every line of every `.expect` file in
//! `tests/fixtures/cases` (a copy of `../shared/cases`) must hold.
//!
//! `FORMAT.md` there says what the lines mean and `KINDS.md` maps each
//! `rule-kind` to control IDs. A rule line is judged on the findings of the
//! real pipeline for its resource whose control is one of the kind's:
//! `fail` needs a failure; `pass` allows neither a failure nor an unknown;
//! `not-fail` allows unknowns; `not-pass` needs a failure, an unknown or an
//! input problem on the resource; `warn-allowed` allows failures below error
//! severity. Every verdict also needs the file to have been analysed and
//! some registered rule to enforce one of the kind's controls, so a missing
//! rule or a silently skipped file never passes for a clean result.
//!
//! KINDS.md maps five kinds to the one control IAM-2, yet the cases tell them
//! apart on the same resource (CASE-025: a service-wide action fails while
//! the resources are scoped). For those kinds [`KIND_RULES`] narrows the
//! findings to the rules that check what the kind names; everywhere else
//! the control is what counts.
//!
//! Assertions on the resolved template use [`policy_lint::resolve`];
//! `branches-evaluated` also needs the linter's own findings on the resource
//! to cover every value, since evaluating both branches is the point.
//! `synth=` lines belong to the synthesizer's tests and are skipped with the
//! reason. The test prints a table of every line and fails when any line does
//! not hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use policy_lint::finding::{Finding, Severity, Status};
use policy_lint::lint::{Options, lint_paths};
use policy_lint::load::{Document, Limits, LoadError, load_file};
use policy_lint::output::Report;
use policy_lint::resolve::{Resolver, decode};
use policy_lint::rules::{REGISTRY, Rule};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases")
}

/// `../shared/cases` of the checkout this crate sits in, when it exists.
fn shared_cases_dir() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/cases"))
        .find(|dir| dir.join("KINDS.md").is_file())
}

/// What each `rule-kind` means, read from `KINDS.md`.
fn kinds() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(cases_dir().join("KINDS.md")).expect("KINDS.md");
    let mut kinds = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, kind, controls, ..] = cells.as_slice() else {
            continue;
        };
        if kind.is_empty() || *kind == "rule-kind" || kind.starts_with('-') {
            continue;
        }
        let controls = controls.split(',').map(|c| c.trim().to_owned()).collect();
        kinds.insert((*kind).to_owned(), controls);
    }
    kinds
}

/// Kinds that share a control with other kinds, narrowed to the rules that
/// check what the kind names.
const KIND_RULES: &[(&str, &[&str])] = &[
    ("iam-admin-policy", &["IAM002"]),
    ("iam-wildcard-action", &["IAM002"]),
    ("iam-service-wildcard-action", &["IAM002"]),
    ("iam-partial-wildcard-action", &["IAM003"]),
    ("iam-wildcard-resource", &["IAM004"]),
];

fn kind_rules(kind: &str) -> Option<&'static [&'static str]> {
    KIND_RULES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, rules)| *rules)
}

// ---------------------------------------------------------------------------
// Reading `.expect` lines

/// One `.expect` line as `key=value` tokens, in order. A bound such as
/// `peak-rss<200MiB` is kept as key `peak-rss<` and value `200MiB`.
#[derive(Debug, Default)]
struct Line {
    tokens: Vec<(String, String)>,
}

impl Line {
    fn get(&self, key: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a line into tokens. A value that starts with `"`, `{` or `[` is
/// read as JSON when it parses, so `equals="a b"` keeps its space.
fn parse_line(text: &str) -> Result<Line, String> {
    let mut line = Line::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (key, value_start) = match rest[..end].split_once('=') {
            Some((key, _)) => (key.to_owned(), key.len() + 1),
            None => match rest[..end].split_once('<') {
                Some((key, _)) => (format!("{key}<"), key.len() + 1),
                None => return Err(format!("`{}` is not key=value", &rest[..end])),
            },
        };
        let after = &rest[value_start..];
        let len = json_prefix_len(after)
            .unwrap_or_else(|| after.find(char::is_whitespace).unwrap_or(after.len()));
        line.tokens.push((key, after[..len].to_owned()));
        rest = after[len..].trim_start();
    }
    Ok(line)
}

/// The length of the JSON string, object or array `text` starts with.
fn json_prefix_len(text: &str) -> Option<usize> {
    if !text.starts_with(['"', '{', '[']) {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => Some(stream.byte_offset()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Running a case

/// One case: its template and what running it gave.
struct Case {
    template: PathBuf,
    /// The loaded document, or the load error; `Err` with the panic text
    /// when loading panicked.
    load: Result<Result<Document, LoadError>, String>,
    /// The lint report, or the panic text.
    report: Result<Report, String>,
}

impl Case {
    fn run(template: PathBuf) -> Self {
        let load = guarded(|| load_file(&template, &Limits::default()));
        let report = guarded(|| lint_paths(std::slice::from_ref(&template), &Options::default()));
        Self {
            template,
            load,
            report,
        }
    }

    fn doc(&self) -> Result<&Document, String> {
        match &self.load {
            Ok(Ok(doc)) => Ok(doc),
            Ok(Err(e)) => Err(format!("the file does not load: {e}")),
            Err(panic) => Err(format!("loading panicked: {panic}")),
        }
    }

    /// The report of an analysed file: it loaded and gave findings.
    fn analysed(&self) -> Result<&Report, String> {
        self.doc()?;
        let report = self
            .report
            .as_ref()
            .map_err(|p| format!("linting panicked: {p}"))?;
        if let Some(e) = report.input_errors.first() {
            return Err(format!("input error: {}", e.message));
        }
        if report.findings.is_empty() {
            return Err("the file gave no findings at all".to_owned());
        }
        Ok(report)
    }

    fn resolved(&self) -> bool {
        matches!(self.load, Ok(Ok(_)))
    }
}

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// Every case: name, template and `.expect` text, sorted by name.
fn cases() -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(cases_dir()).expect("tests/fixtures/cases is readable");
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for expect in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
    {
        let name = file_name(expect).trim_end_matches(".expect").to_owned();
        let template = paths
            .iter()
            .find(|p| file_name(p).starts_with(&format!("{name}.")) && *p != expect)
            .unwrap_or_else(|| panic!("{name}: no template next to the .expect file"))
            .clone();
        let text = std::fs::read_to_string(expect).expect("readable .expect");
        out.push((name, template, text));
    }
    out
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Judging lines

enum Verdict {
    Holds(String),
    Fails(String),
    Skipped(String),
}

const KNOWN_KEYS: &[&str] = &[
    "expect",
    "kind",
    "input-format",
    "rule-kind",
    "resource",
    "condition",
    "mode",
    "when",
    "count",
    "detail",
    "confidence",
    "note",
    "assert",
    "path",
    "equals",
    "a",
    "b",
    "values",
    "env",
    "limit",
    "peak-rss<",
    "wall-time<",
];

struct Judge<'a> {
    case: &'a Case,
    kinds: &'a BTreeMap<String, Vec<String>>,
}

impl Judge<'_> {
    fn judge(&self, line: &Line) -> Verdict {
        if line.get("synth").is_some() {
            return Verdict::Skipped("a synthesizer expectation (crates/synth tests)".to_owned());
        }
        if let Some((key, _)) = line
            .tokens
            .iter()
            .find(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
        {
            return Verdict::Fails(format!("unrecognised key `{key}`"));
        }
        let result = if let Some(assert) = line.get("assert") {
            self.assertion(assert, line)
        } else if line.get("rule-kind").is_some() {
            self.rule_line(line)
        } else if let Some(format) = line.get("input-format") {
            self.input_format(format)
        } else if let Some(limit) = line.get("limit") {
            self.limit(limit, line)
        } else if let Some(expect) = line.get("expect") {
            self.expect(expect, line)
        } else {
            Err("nothing to check on this line".to_owned())
        };
        match result {
            Ok(why) => Verdict::Holds(why),
            Err(why) => Verdict::Fails(why),
        }
    }

    fn expect(&self, expect: &str, line: &Line) -> Result<String, String> {
        let case = self.case;
        match expect {
            "no-crash" => {
                case.load
                    .as_ref()
                    .map_err(|p| format!("loading panicked: {p}"))?;
                case.report
                    .as_ref()
                    .map_err(|p| format!("linting panicked: {p}"))?;
                Ok("no panic".to_owned())
            }
            "parse-ok" => case.doc().map(|d| format!("read as {}", d.format)),
            "diagnostic-or-resolve" | "error-or-diagnostic" => {
                let kind = line.get("kind").ok_or("needs kind=")?;
                self.diagnostic_or(kind, expect == "diagnostic-or-resolve")
            }
            other => Err(format!("unknown expectation `{other}`")),
        }
    }

    fn diagnostic_or(&self, kind: &str, resolving_is_enough: bool) -> Result<String, String> {
        match &self.case.load {
            Ok(Ok(doc)) => {
                let raised = doc.diagnostics.iter().any(|d| d.kind.as_str() == kind);
                match (raised, resolving_is_enough) {
                    (true, _) => Ok(format!("resolved, with a `{kind}` diagnostic")),
                    (false, true) => Ok("resolved, without a diagnostic".to_owned()),
                    (false, false) => Err(format!("loaded without a `{kind}` diagnostic")),
                }
            }
            Ok(Err(e)) if e.loc().is_some() => Ok(format!("located error: {e}")),
            Ok(Err(e)) => Err(format!("an error without a location: {e}")),
            Err(panic) => Err(format!("loading panicked: {panic}")),
        }
    }

    fn input_format(&self, format: &str) -> Result<String, String> {
        let doc = self.case.doc()?;
        if doc.format.as_str() == format {
            Ok(format!("read as {format}"))
        } else {
            Err(format!("read as {}", doc.format))
        }
    }

    fn assertion(&self, assert: &str, line: &Line) -> Result<String, String> {
        match assert {
            "decoded" => self.tree_equals(line, false),
            "resolved" => self.tree_equals(line, true),
            "if-resolved" if !self.case.resolved() => Ok("not resolved".to_owned()),
            "if-resolved" => self.tree_equals(line, true),
            "equal-trees" => self.equal_trees(line),
            "not-reported" => self.not_reported(line),
            "file-analyzed" => self.file_analyzed(line),
            "expanded-resources" => self.expanded_resources(line),
            "branches-evaluated" => self.branches_evaluated(line),
            other => Err(format!("unknown assertion `{other}`")),
        }
    }

    /// `path=` of the decoded (or resolved) template equals `equals=`.
    fn tree_equals(&self, line: &Line, resolve: bool) -> Result<String, String> {
        let path = line.get("path").ok_or("needs path=")?;
        let equals = line.get("equals").ok_or("needs equals=")?;
        let expected: serde_json::Value =
            serde_json::from_str(equals).map_err(|e| format!("equals= is not JSON: {e}"))?;
        let tree = decode(&self.case.template, resolve, &Limits::default())
            .map_err(|e| format!("the file does not decode: {e}"))?;
        let actual = at_path(&tree, path)?;
        if *actual == expected {
            Ok(format!("{path} = {actual}"))
        } else {
            Err(format!("{path} is {actual}"))
        }
    }

    fn expanded_resources(&self, line: &Line) -> Result<String, String> {
        let values = line.get("values").ok_or("needs values=")?;
        let resolver = Resolver::new(self.case.doc()?);
        let ids: BTreeSet<&str> = resolver.resources().map(|r| r.id).collect();
        let missing: Vec<&str> = values.split(',').filter(|v| !ids.contains(v)).collect();
        if missing.is_empty() {
            Ok(format!("{} resource(s) after expansion", ids.len()))
        } else {
            Err(format!("{missing:?} missing from {ids:?}"))
        }
    }

    /// The resolver enumerates each value of the condition for the resource,
    /// and the linter's findings on it hold under each value.
    fn branches_evaluated(&self, line: &Line) -> Result<String, String> {
        let id = line.get("resource").ok_or("needs resource=")?;
        let condition = line.get("condition").ok_or("needs condition=")?;
        let values = line.get("values").ok_or("needs values=")?;
        let wanted: BTreeSet<bool> = values
            .split(',')
            .map(|v| v.parse().map_err(|_| format!("`{v}` is not a boolean")))
            .collect::<Result<_, _>>()?;
        let resolver = Resolver::new(self.case.doc()?);
        let resource = resolver
            .resource(id)
            .ok_or_else(|| format!("no resource `{id}`"))?;
        let enumerated: BTreeSet<bool> = resolver
            .branches(resource.node)
            .iter()
            .flat_map(|b| {
                b.assumptions
                    .iter()
                    .filter(|(n, _)| n == condition)
                    .map(|(_, v)| *v)
            })
            .collect();
        if enumerated != wanted {
            return Err(format!(
                "the resolver enumerates {condition} = {enumerated:?}"
            ));
        }
        let report = self.case.analysed()?;
        let assumed = |value: bool| {
            report.findings.iter().any(|f| {
                f.resource == id
                    && f.conditions
                        .iter()
                        .any(|a| a.condition == condition && a.value == value)
            })
        };
        let linted: BTreeSet<bool> = wanted.iter().copied().filter(|v| assumed(*v)).collect();
        if linted == wanted {
            Ok(format!("resolved and linted under {condition} = {values}"))
        } else {
            Err(format!(
                "the resolver enumerates {condition} = {values}, but the linter's findings on \
                 `{id}` assume only {linted:?}"
            ))
        }
    }

    fn equal_trees(&self, line: &Line) -> Result<String, String> {
        let (a, b) = (
            line.get("a").ok_or("needs a=")?,
            line.get("b").ok_or("needs b=")?,
        );
        let tree = self.case.doc()?.root.to_json();
        let (left, right) = (at_path(&tree, a)?, at_path(&tree, b)?);
        if left == right {
            Ok("equal".to_owned())
        } else {
            Err(format!("{a} is {left}, {b} is {right}"))
        }
    }

    fn not_reported(&self, line: &Line) -> Result<String, String> {
        let report = self.case.analysed()?;
        let selected = self.select(report, line)?;
        let reported: Vec<&Finding> = selected
            .iter()
            .copied()
            .filter(|f| matches!(f.status, Status::Fail | Status::Unknown))
            .collect();
        if reported.is_empty() {
            Ok(format!(
                "{} matching finding(s), none reported",
                selected.len()
            ))
        } else {
            Err(format!("reported: {}", describe_all(reported)))
        }
    }

    fn file_analyzed(&self, line: &Line) -> Result<String, String> {
        let report = self.case.analysed()?;
        let Some(env) = line.get("env") else {
            return Ok(format!("{} finding(s)", report.findings.len()));
        };
        let (key, value) = env.split_once('=').ok_or("env= needs NAME=value")?;
        let run = run_binary(&self.case.template, &[(key, value)])?;
        let json: serde_json::Value = serde_json::from_slice(&run.stdout)
            .map_err(|e| format!("with {env}: the JSON output does not parse: {e}"))?;
        let errors = json["input_errors"].as_array().map_or(0, Vec::len);
        if run.code > 1 || errors > 0 {
            return Err(format!(
                "with {env}: exit {} and {errors} input error(s)",
                run.code
            ));
        }
        Ok(format!("with {env}: exit {}", run.code))
    }

    fn rule_line(&self, line: &Line) -> Result<String, String> {
        let expect = line.get("expect").ok_or("needs expect=")?;
        if line.get("when") == Some("resolved") && !self.case.resolved() {
            return Ok("not resolved".to_owned());
        }
        let report = self.case.analysed()?;
        self.enforced(line)?;
        let selected = self.select(report, line)?;
        let failures = selected.iter().filter(|f| f.status == Status::Fail).count();
        if let Some(count) = line.get("count") {
            let count: usize = count
                .parse()
                .map_err(|_| format!("count={count} is no number"))?;
            if failures != count {
                return Err(format!(
                    "{failures} failure(s), not {count}: {}",
                    describe_all(selected)
                ));
            }
        }
        let (holds, want) = match expect {
            "fail" => (failures > 0, "a failure"),
            "pass" => (
                none_with(&selected, |f| f.status != Status::Pass),
                "no failure or unknown",
            ),
            "not-fail" => (
                none_with(&selected, |f| f.status == Status::Fail),
                "no failure",
            ),
            "not-pass" => (
                self.not_pass(report, line, &selected),
                "a failure or an unknown",
            ),
            "warn-allowed" => (
                none_with(&selected, |f| {
                    f.status != Status::Pass && f.severity == Severity::Error
                }),
                "nothing at error severity",
            ),
            other => return Err(format!("unknown verdict `{other}`")),
        };
        if holds {
            Ok(describe_all(selected))
        } else {
            Err(format!("wanted {want}; got {}", describe_all(selected)))
        }
    }

    fn not_pass(&self, report: &Report, line: &Line, selected: &[&Finding]) -> bool {
        let resource = line.get("resource").unwrap_or_default();
        let input_problem = report
            .findings
            .iter()
            .any(|f| f.control == "TPL-1" && f.resource == resource);
        input_problem
            || selected
                .iter()
                .any(|f| matches!(f.status, Status::Fail | Status::Unknown))
    }

    /// The findings a rule line speaks about: on its resource, with one of
    /// its kind's controls, under its condition, mentioning its detail.
    fn select<'r>(&self, report: &'r Report, line: &Line) -> Result<Vec<&'r Finding>, String> {
        let controls = self.controls(line)?;
        let resource = line.get("resource").ok_or("needs resource=")?;
        let condition = match line.get("condition") {
            Some(c) => Some(parse_condition(c)?),
            None => None,
        };
        let detail = line.get("detail");
        let rules = line.get("rule-kind").and_then(kind_rules);
        Ok(report
            .findings
            .iter()
            .filter(|f| f.resource == resource && controls.iter().any(|c| c == f.control))
            .filter(|f| rules.is_none_or(|rules| rules.contains(&f.rule)))
            .filter(|f| {
                condition
                    .as_ref()
                    .is_none_or(|(name, value)| holds_under(f, name, *value))
            })
            .filter(|f| detail.is_none_or(|d| mentions(f, d)))
            .collect())
    }

    fn controls(&self, line: &Line) -> Result<&[String], String> {
        let kind = line.get("rule-kind").ok_or("needs rule-kind=")?;
        self.kinds
            .get(kind)
            .map(Vec::as_slice)
            .ok_or_else(|| format!("rule-kind `{kind}` is not in KINDS.md"))
    }

    /// Some registered rule enforces one of the line's controls.
    fn enforced(&self, line: &Line) -> Result<(), String> {
        let controls = self.controls(line)?;
        let rules = line.get("rule-kind").and_then(kind_rules);
        let enforces = |r: &Rule| {
            controls.iter().any(|c| c == r.meta.control)
                && rules.is_none_or(|rules| rules.contains(&r.meta.id))
        };
        if REGISTRY.iter().any(|r| enforces(r)) {
            Ok(())
        } else {
            Err(format!(
                "no registered rule enforces {}",
                controls.join(" or ")
            ))
        }
    }

    fn limit(&self, first: &str, line: &Line) -> Result<String, String> {
        let mut bounds = vec![first.to_owned()];
        bounds.extend(
            line.tokens
                .iter()
                .filter(|(k, _)| k.ends_with('<'))
                .map(|(k, v)| format!("{k}{v}")),
        );
        let run = run_binary(&self.case.template, &[])?;
        if run.code > 2 {
            return Err(format!("exit code {}", run.code));
        }
        for bound in &bounds {
            check_bound(bound, &run)?;
        }
        Ok(format!(
            "{} ms, {} KiB peak",
            run.elapsed.as_millis(),
            run.peak_kib
        ))
    }
}

fn none_with(findings: &[&Finding], bad: impl Fn(&Finding) -> bool) -> bool {
    !findings.iter().any(|f| bad(f))
}

fn parse_condition(text: &str) -> Result<(String, bool), String> {
    let (name, value) = text.split_once('=').ok_or("condition= needs Name=value")?;
    let value = value
        .parse()
        .map_err(|_| format!("condition value `{value}` is not a boolean"))?;
    Ok((name.to_owned(), value))
}

/// A finding holds under `name = value` unless it assumes the opposite.
fn holds_under(f: &Finding, name: &str, value: bool) -> bool {
    f.conditions
        .iter()
        .all(|a| a.condition != name || a.value == value)
}

/// True when the finding's detail, message or observed value names `text`.
/// Cases write a pseudo parameter as `<AWS::Partition>`; findings render it
/// as `${AWS::Partition}`, so both are compared in the first spelling.
fn mentions(f: &Finding, text: &str) -> bool {
    let wanted = angle_pseudo(text);
    [
        f.detail.as_deref(),
        Some(f.message.as_str()),
        f.observed.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|field| angle_pseudo(field).contains(&wanted))
}

fn angle_pseudo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let _ = write!(out, "<{}>", &rest[start + 2..start + end]);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn describe_all<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> String {
    let parts: Vec<String> = findings
        .into_iter()
        .map(|f| {
            let mut text = format!("{} {} {}", f.rule, f.status.as_str(), f.severity.as_str());
            if let Some(d) = &f.detail {
                let _ = write!(text, " [{d}]");
            }
            for a in &f.conditions {
                let _ = write!(text, " {}={}", a.condition, a.value);
            }
            text
        })
        .collect();
    if parts.is_empty() {
        "no finding".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Follows a dotted path with `[i]` indices (`Resources.A.Properties.Tags[0].Key`).
fn at_path<'v>(tree: &'v serde_json::Value, path: &str) -> Result<&'v serde_json::Value, String> {
    let mut node = tree;
    for segment in path.split('.') {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            node = node
                .get(key)
                .ok_or_else(|| format!("{path}: no key `{key}`"))?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("{path}: bad index `{index}`"))?;
            node = node.get(i).ok_or_else(|| format!("{path}: no item {i}"))?;
        }
    }
    Ok(node)
}

// ---------------------------------------------------------------------------
// Running the binary (for `env=` and `limit=`)

struct BinaryRun {
    code: i32,
    stdout: Vec<u8>,
    elapsed: Duration,
    /// The largest resident set seen while the process ran (`VmHWM`).
    peak_kib: u64,
}

fn run_binary(template: &Path, env: &[(&str, &str)]) -> Result<BinaryRun, String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["lint", "--format", "json"])
        .arg(template)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start policy-lint: {e}"))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kib = 0;
    let mut stdout = Vec::new();
    let mut pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let _ = std::io::Read::read_to_end(&mut pipe, &mut stdout);
        stdout
    });
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm)
        {
            peak_kib = peak_kib.max(kib);
        }
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    };
    let elapsed = started.elapsed();
    let stdout = reader.join().map_err(|_| "the output reader panicked")?;
    Ok(BinaryRun {
        code: status.code().unwrap_or(-1),
        stdout,
        elapsed,
        peak_kib,
    })
}

fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Checks `wall-time<2s` or `peak-rss<200MiB` against a run.
fn check_bound(bound: &str, run: &BinaryRun) -> Result<(), String> {
    let (what, limit) = bound
        .split_once('<')
        .ok_or_else(|| format!("bad bound `{bound}`"))?;
    let (number, unit) = split_unit(limit);
    let number: f64 = number.parse().map_err(|_| format!("bad bound `{bound}`"))?;
    let (actual, allowed) = match (what, unit) {
        ("wall-time", "ms") => (run.elapsed.as_secs_f64() * 1000.0, number),
        ("wall-time", "s") => (run.elapsed.as_secs_f64(), number),
        ("peak-rss", "KiB") => (run.peak_kib as f64, number),
        ("peak-rss", "MiB" | "MB") => (run.peak_kib as f64 / 1024.0, number),
        ("peak-rss", "GiB" | "GB") => (run.peak_kib as f64 / 1024.0 / 1024.0, number),
        _ => return Err(format!("unknown bound `{bound}`")),
    };
    if actual < allowed {
        Ok(())
    } else {
        Err(format!("{what} is {actual:.1}{unit}, not below {limit}"))
    }
}

fn split_unit(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    text.split_at(at)
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn every_case_line_holds() {
    let kinds = kinds();
    let mut table = String::new();
    let mut failures = String::new();
    let mut count = 0;
    for (name, template, text) in cases() {
        let case = Case::run(template);
        let judge = Judge {
            case: &case,
            kinds: &kinds,
        };
        for (i, raw) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            count += 1;
            let verdict = match parse_line(raw) {
                Ok(line) => judge.judge(&line),
                Err(e) => Verdict::Fails(e),
            };
            let (mark, why) = match verdict {
                Verdict::Holds(why) => ("ok", why),
                Verdict::Skipped(why) => ("skip", why),
                Verdict::Fails(why) => ("FAIL", why),
            };
            let row = format!(
                "{name:<8} {:>2}  {mark:<4}  {raw}\n{:>18}{why}\n",
                i + 1,
                ""
            );
            if mark == "FAIL" {
                failures.push_str(&row);
            }
            table.push_str(&row);
        }
    }
    println!("{table}");
    let failed = failures.lines().count() / 2;
    assert!(
        failed == 0,
        "{failed} of {count} case lines do not hold:\n{failures}"
    );
}

#[test]
fn the_case_copies_match_the_shared_set_when_present() {
    let Some(shared) = shared_cases_dir() else {
        return;
    };
    let mut problems = Vec::new();
    let entries = std::fs::read_dir(&shared).expect("shared cases are readable");
    for entry in entries.map(|e| e.expect("entry").path()) {
        let name = file_name(&entry);
        // The shared README is kept as FORMAT.md; README.md describes the copy.
        let copy = if name == "README.md" {
            "FORMAT.md"
        } else {
            name
        };
        match std::fs::read(cases_dir().join(copy)) {
            Ok(bytes) if bytes == std::fs::read(&entry).unwrap_or_default() => {}
            Ok(_) => problems.push(format!("{copy} differs from {}", entry.display())),
            Err(_) => problems.push(format!("{name} is not copied")),
        }
    }
    let copies = std::fs::read_dir(cases_dir()).expect("tests/fixtures/cases is readable");
    for copy in copies.map(|e| e.expect("entry").path()) {
        let name = file_name(&copy);
        if name.starts_with("CASE-") && !shared.join(name).exists() {
            problems.push(format!("{name} is not in {}", shared.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "tests/fixtures/cases is out of date:\n{}",
        problems.join("\n")
    );
}

#[test]
fn expect_lines_are_tokenised_like_the_format_says() {
    let line = parse_line(r#"assert=decoded path=A.B[0] equals="x – y ☺" note=z"#).expect("ok");
    let keys: Vec<&str> = line.tokens.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["assert", "path", "equals", "note"]);
    assert_eq!(line.get("equals"), Some(r#""x – y ☺""#));
    let line =
        parse_line(r#"assert=decoded path=P equals={"Fn::GetAtt": ["T", "Arn"]}"#).expect("ok");
    assert_eq!(line.get("equals"), Some(r#"{"Fn::GetAtt": ["T", "Arn"]}"#));
    let line = parse_line("limit=wall-time<2s peak-rss<200MiB").expect("ok");
    assert_eq!(line.get("limit"), Some("wall-time<2s"));
    assert_eq!(line.get("peak-rss<"), Some("200MiB"));
    let line = parse_line("synth=x bucket-policy-resources=[bucket-arn,bucket-arn/*]").expect("ok");
    assert_eq!(
        line.get("bucket-policy-resources"),
        Some("[bucket-arn,bucket-arn/*]")
    );
    assert!(parse_line("just-a-word").is_err());
    assert_eq!(
        angle_pseudo("arn:${AWS::Partition}:iam::aws:x"),
        "arn:<AWS::Partition>:iam::aws:x"
    );
    let tree = serde_json::json!({"A": {"B": [{"C": 1}]}});
    assert_eq!(at_path(&tree, "A.B[0].C"), Ok(&serde_json::json!(1)));
    assert!(at_path(&tree, "A.B[1]").is_err());
}

#[test]
fn every_kind_maps_to_catalogue_controls() {
    let kinds = kinds();
    assert!(
        kinds.len() >= 20,
        "KINDS.md gave only {} kinds",
        kinds.len()
    );
    for (kind, controls) in &kinds {
        for control in controls {
            assert!(
                control
                    .split_once('-')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()),
                "{kind}: `{control}` does not look like a control ID"
            );
        }
    }
}

#[test]
fn limit_lines_measure_the_linter_process() {
    let kinds = kinds();
    let template = cases_dir().join("CASE-017.yaml");
    let case = Case::run(template);
    let judge = Judge {
        case: &case,
        kinds: &kinds,
    };
    let line = |text: &str| parse_line(text).expect("valid line");
    let generous = judge.judge(&line("limit=wall-time<60s peak-rss<2GiB"));
    assert!(
        matches!(generous, Verdict::Holds(_)),
        "a generous bound must hold"
    );
    let tiny = judge.judge(&line("limit=wall-time<60s peak-rss<1KiB"));
    assert!(
        matches!(tiny, Verdict::Fails(_)),
        "no process fits in 1 KiB"
    );
    let odd = judge.judge(&line("limit=cpu-time<1s"));
    assert!(
        matches!(odd, Verdict::Fails(_)),
        "an unknown bound is not ignored"
    );
}

#[test]
fn narrowed_kinds_name_registered_rules_of_their_controls() {
    let kinds = kinds();
    for (kind, rules) in KIND_RULES {
        let controls = kinds
            .get(*kind)
            .unwrap_or_else(|| panic!("{kind} is not in KINDS.md"));
        for id in *rules {
            let rule = policy_lint::rules::find(id).unwrap_or_else(|| panic!("{kind}: no {id}"));
            assert!(
                controls.iter().any(|c| c == rule.meta.control),
                "{kind}: {id} enforces {}, not one of {controls:?}",
                rule.meta.control
            );
        }
    }
}
