//! Every registered rule against its CloudFormation fixture, through the
//! real pipeline (load, adapt, check).
//!
//! `tests/fixtures/rules/<ID>.yaml` (or `.json`; `<ID>-<topic>.yaml` when a
//! rule needs more than one) puts compliant and non-compliant resources side
//! by side and states, in comment lines, every verdict the rule must give:
//!
//! ```text
//! # expect: <resource> <status> [detail="…"] [when=Cond=true,…] [message~="…"]
//! ```
//!
//! The status is `pass`, `fail`, `unknown` or `none`. A JSON fixture, which
//! cannot hold comments, keeps the same lines (without the `#`) in a sibling
//! `<name>.expect`. `<template>` stands for findings on the template itself.
//!
//! An expectation selects the rule's findings on the resource, with that
//! detail and a message containing that text when they are named, under
//! exactly the condition values of `when=` (none when it is left out). It
//! must select at least one finding, and all it selects must have the status
//! named; `none` says the rule does not apply and selects nothing. Every
//! finding of the rule must be selected by some expectation, so a fixture
//! lists all the rule says about it and a new finding cannot slip in
//! unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use policy_lint::finding::{Assumption, Finding, Status};
use policy_lint::lint::{Options, lint_paths};
use policy_lint::rules::REGISTRY;

/// Rules that never record a pass, with the reason: their fixtures need a
/// failure only.
const FAIL_ONLY: &[(&str, &str)] = &[
    (
        "TPL001",
        "input problems are reported as they are found; a clean template records nothing",
    ),
    (
        "IAM003",
        "each partial wildcard is a finding; a policy without one records nothing",
    ),
];

#[derive(Debug)]
struct Expectation {
    line: usize,
    resource: String,
    /// `None` for `none`: the rule must say nothing here.
    status: Option<Status>,
    detail: Option<String>,
    when: Vec<Assumption>,
    message: Option<String>,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// Every fixture template, sorted by name.
fn fixtures() -> Vec<PathBuf> {
    let entries = std::fs::read_dir(fixture_dir()).expect("tests/fixtures/rules is readable");
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| matches!(extension(p), "yaml" | "yml" | "json"))
        .collect();
    paths.sort();
    paths
}

fn extension(path: &Path) -> &str {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
}

/// The rule a fixture is for: its name up to the first `-` or `.`.
fn rule_of(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.split(['-', '.']).next().unwrap_or_default().to_owned()
}

/// The expectation lines of a fixture, with their line numbers.
fn expectation_lines(path: &Path) -> Vec<(usize, String)> {
    if extension(path) == "json" {
        let sidecar = path.with_extension("expect");
        let text = std::fs::read_to_string(&sidecar)
            .unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()));
        return text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                l.trim()
                    .strip_prefix("expect:")
                    .map(|r| (i + 1, r.to_owned()))
            })
            .collect();
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            l.trim()
                .strip_prefix("# expect:")
                .map(|r| (i + 1, r.to_owned()))
        })
        .collect()
}

/// Splits on spaces, keeping double-quoted stretches together (quotes
/// removed).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn parse_status(text: &str) -> Result<Option<Status>, String> {
    match text {
        "pass" => Ok(Some(Status::Pass)),
        "fail" => Ok(Some(Status::Fail)),
        "unknown" => Ok(Some(Status::Unknown)),
        "suppressed" => Ok(Some(Status::Suppressed)),
        "none" => Ok(None),
        other => Err(format!("unknown status `{other}`")),
    }
}

fn parse_when(text: &str) -> Result<Vec<Assumption>, String> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let (condition, value) = item
            .split_once('=')
            .ok_or_else(|| format!("`when={text}` needs Cond=true|false"))?;
        let value = value
            .parse::<bool>()
            .map_err(|_| format!("`{item}`: condition value is not true or false"))?;
        out.push(Assumption {
            condition: condition.to_owned(),
            value,
        });
    }
    out.sort();
    Ok(out)
}

fn parse_expectation(line: usize, text: &str) -> Result<Expectation, String> {
    let tokens = tokens(text);
    let [resource, status, options @ ..] = tokens.as_slice() else {
        return Err(format!("line {line}: needs a resource and a status"));
    };
    let mut expectation = Expectation {
        line,
        resource: if resource == "<template>" {
            String::new()
        } else {
            resource.clone()
        },
        status: parse_status(status).map_err(|e| format!("line {line}: {e}"))?,
        detail: None,
        when: Vec::new(),
        message: None,
    };
    for option in options {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| format!("line {line}: `{option}` is not key=value"))?;
        match key {
            "detail" => expectation.detail = Some(value.to_owned()),
            "when" => {
                expectation.when = parse_when(value).map_err(|e| format!("line {line}: {e}"))?
            }
            "message~" => expectation.message = Some(value.to_owned()),
            other => return Err(format!("line {line}: unknown option `{other}`")),
        }
    }
    Ok(expectation)
}

fn expectations(path: &Path) -> Result<Vec<Expectation>, String> {
    expectation_lines(path)
        .into_iter()
        .map(|(line, text)| parse_expectation(line, &text))
        .collect()
}

fn selects(e: &Expectation, f: &Finding) -> bool {
    f.resource == e.resource
        && e.detail
            .as_ref()
            .is_none_or(|d| f.detail.as_ref() == Some(d))
        && f.conditions == e.when
        && e.message
            .as_ref()
            .is_none_or(|m| f.message.contains(m.as_str()))
}

fn describe(f: &Finding) -> String {
    let mut text = format!("{} {}", display_resource(&f.resource), f.status.as_str());
    if let Some(detail) = &f.detail {
        let _ = write!(text, " detail=\"{detail}\"");
    }
    if !f.conditions.is_empty() {
        let conds: Vec<String> = f
            .conditions
            .iter()
            .map(|a| format!("{}={}", a.condition, a.value))
            .collect();
        let _ = write!(text, " when={}", conds.join(","));
    }
    let _ = write!(text, " ({}:{}: {})", f.line, f.column, f.message);
    text
}

fn display_resource(id: &str) -> &str {
    if id.is_empty() { "<template>" } else { id }
}

/// Everything wrong with one fixture, as lines of text.
fn check_fixture(path: &Path) -> Vec<String> {
    let rule = rule_of(path);
    let expected = match expectations(path) {
        Ok(e) if e.is_empty() => return vec!["no `expect:` lines".to_owned()],
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let report = lint_paths(&[path.to_path_buf()], &Options::default());
    let mut problems: Vec<String> = report
        .input_errors
        .iter()
        .map(|e| format!("input error: {}", e.message))
        .collect();
    let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == rule).collect();
    let mut covered = BTreeSet::new();
    for e in &expected {
        let selected: Vec<(usize, &&Finding)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| selects(e, f))
            .collect();
        let Some(status) = e.status else {
            for (i, f) in selected {
                covered.insert(i);
                problems.push(format!(
                    "line {}: expected no finding, got {}",
                    e.line,
                    describe(f)
                ));
            }
            continue;
        };
        if selected.is_empty() {
            problems.push(format!("line {}: no finding matches {e:?}", e.line));
        }
        for (i, f) in selected {
            covered.insert(i);
            if f.status != status {
                let want = status.as_str();
                problems.push(format!(
                    "line {}: expected {want}, got {}",
                    e.line,
                    describe(f)
                ));
            }
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if !covered.contains(&i) {
            problems.push(format!("unexpected: {}", describe(f)));
        }
    }
    problems
}

#[test]
fn every_fixture_gets_exactly_the_expected_verdicts() {
    let mut failures = String::new();
    for path in fixtures() {
        let problems = check_fixture(&path);
        if !problems.is_empty() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let _ = writeln!(failures, "{name}:\n  {}", problems.join("\n  "));
        }
    }
    assert!(
        failures.is_empty(),
        "rule fixtures disagree with the rules:\n{failures}"
    );
}

#[test]
fn every_registered_rule_has_a_fixture_with_both_verdicts() {
    let mut by_rule: BTreeMap<String, Vec<Expectation>> = BTreeMap::new();
    for path in fixtures() {
        let expected = expectations(&path).unwrap_or_default();
        by_rule.entry(rule_of(&path)).or_default().extend(expected);
    }
    let mut problems = Vec::new();
    for rule in REGISTRY {
        let id = rule.meta.id;
        let Some(expected) = by_rule.get(id) else {
            problems.push(format!(
                "{id}: no fixture (add tests/fixtures/rules/{id}.yaml)"
            ));
            continue;
        };
        let has = |s: Status| expected.iter().any(|e| e.status == Some(s));
        if !has(Status::Fail) {
            problems.push(format!("{id}: the fixture expects no failure"));
        }
        let fail_only = FAIL_ONLY.iter().any(|(r, _)| *r == id);
        if !has(Status::Pass) && !fail_only {
            problems.push(format!("{id}: the fixture expects no pass"));
        }
    }
    for id in by_rule.keys() {
        if policy_lint::rules::find(id).is_none() {
            problems.push(format!("{id}: fixture for a rule that is not registered"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn expectation_syntax_is_understood() {
    let e = parse_expectation(
        3,
        r#"Pool fail detail="access tokens" when=B=false,A=true message~="more than""#,
    )
    .expect("valid line");
    assert_eq!(e.resource, "Pool");
    assert_eq!(e.status, Some(Status::Fail));
    assert_eq!(e.detail.as_deref(), Some("access tokens"));
    assert_eq!(
        e.when
            .iter()
            .map(|a| a.condition.as_str())
            .collect::<Vec<_>>(),
        ["A", "B"]
    );
    assert_eq!(e.message.as_deref(), Some("more than"));
    assert!(parse_expectation(1, "Pool maybe").is_err());
    assert!(parse_expectation(1, "Pool pass colour=red").is_err());
    assert_eq!(
        parse_expectation(1, "<template> fail")
            .expect("valid")
            .resource,
        ""
    );
    assert_eq!(
        parse_expectation(1, "Key none").expect("valid").status,
        None
    );
}
