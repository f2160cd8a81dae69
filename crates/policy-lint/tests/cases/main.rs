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

mod expect;
mod judge;
mod process;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use policy_lint::lint::{Options, lint_paths};
use policy_lint::load::{Document, Limits, LoadError, load_file};
use policy_lint::output::Report;

use expect::{angle_pseudo, at_path, parse_line};
use judge::{Judge, Verdict};

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
pub(crate) fn kinds() -> BTreeMap<String, Vec<String>> {
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
pub(crate) const KIND_RULES: &[(&str, &[&str])] = &[
    ("iam-admin-policy", &["IAM002"]),
    ("iam-wildcard-action", &["IAM002"]),
    ("iam-service-wildcard-action", &["IAM002"]),
    ("iam-partial-wildcard-action", &["IAM003"]),
    ("iam-wildcard-resource", &["IAM004"]),
];

pub(crate) fn kind_rules(kind: &str) -> Option<&'static [&'static str]> {
    KIND_RULES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, rules)| *rules)
}

/// One case: its template and what running it gave.
pub(crate) struct Case {
    pub(crate) template: PathBuf,
    /// The loaded document, or the load error; `Err` with the panic text
    /// when loading panicked.
    pub(crate) load: Result<Result<Document, LoadError>, String>,
    /// The lint report, or the panic text.
    pub(crate) report: Result<Report, String>,
}

impl Case {
    pub(crate) fn run(template: PathBuf) -> Self {
        let load = guarded(|| load_file(&template, &Limits::default()));
        let report = guarded(|| lint_paths(std::slice::from_ref(&template), &Options::default()));
        Self {
            template,
            load,
            report,
        }
    }

    pub(crate) fn doc(&self) -> Result<&Document, String> {
        match &self.load {
            Ok(Ok(doc)) => Ok(doc),
            Ok(Err(e)) => Err(format!("the file does not load: {e}")),
            Err(panic) => Err(format!("loading panicked: {panic}")),
        }
    }

    /// The report of an analysed file: it loaded and gave findings.
    pub(crate) fn analysed(&self) -> Result<&Report, String> {
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

    pub(crate) fn resolved(&self) -> bool {
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
