//! Judging one `.expect` line against what running its case gave.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use policy_lint::finding::{Finding, Severity, Status};
use policy_lint::load::Limits;
use policy_lint::output::Report;
use policy_lint::resolve::{Resolver, decode};
use policy_lint::rules::{REGISTRY, Rule};

use crate::expect::{Line, angle_pseudo, at_path};
use crate::process::{check_bound, run_binary};
use crate::{Case, kind_rules};

pub(crate) enum Verdict {
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

pub(crate) struct Judge<'a> {
    pub(crate) case: &'a Case,
    pub(crate) kinds: &'a BTreeMap<String, Vec<String>>,
}

impl Judge<'_> {
    pub(crate) fn judge(&self, line: &Line) -> Verdict {
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
        // A failure found the same under every branch is reported once,
        // without conditions: it holds, and so was judged, under each value.
        let assumed = |value: bool| {
            report.findings.iter().any(|f| {
                f.resource == id
                    && (f.conditions.is_empty() && f.status != Status::Pass
                        || f.conditions
                            .iter()
                            .any(|a| a.condition == condition && a.value == value))
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
