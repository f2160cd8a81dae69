//! The `assert=`, `expect=parse-ok` and `input-format=` lines of the shared
//! reproduction cases that concern loading and resolving (copies under
//! `tests/fixtures/cases/`, see the README there). Rule verdicts
//! (`rule-kind=…`) are checked by the rule tests, not here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use policy_lint::load::{DiagnosticKind, Format, Limits, load_file};
use policy_lint::resolve::{Resolver, decode};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases")
}

/// `key=value` tokens of one line; double quotes group spaces.
fn tokens(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in line.chars().chain([' ']) {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ' ' if !quoted => {
                if let Some((k, v)) = current.split_once('=') {
                    out.push((k.to_owned(), v.to_owned()));
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    out
}

fn get<'a>(tokens: &'a [(String, String)], key: &str) -> &'a str {
    tokens
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no `{key}` in {tokens:?}"))
}

/// Follows `A.B[0].C` through a JSON value.
fn at<'a>(value: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    let mut current = value;
    for part in path.split('.') {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(k, i)| (k, i));
        current = &current[key];
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().expect("index");
            current = &current[i];
        }
    }
    current
}

fn case_file(id: &str) -> PathBuf {
    let dir = cases_dir();
    let mut found = std::fs::read_dir(&dir)
        .expect("cases dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(&format!("{id}.")) && !name.ends_with(".expect")
        });
    found.next().expect("case template")
}

fn check_line(id: &str, file: &Path, line: &str) -> Result<(), String> {
    let t = tokens(line);
    let first = t.first().map(|(k, v)| (k.as_str(), v.as_str()));
    match first {
        Some(("expect", "parse-ok")) => load_file(file, &Limits::default())
            .map(drop)
            .map_err(|e| e.to_string()),
        Some(("input-format", format)) => {
            let doc = load_file(file, &Limits::default()).map_err(|e| e.to_string())?;
            (doc.format.as_str() == format)
                .then_some(())
                .ok_or(format!("read as {}", doc.format))
        }
        Some(("expect", "diagnostic-or-resolve")) => yaml_alias(file, get(&t, "kind")),
        Some(("assert", kind)) => assertion(kind, file, &t),
        _ => Ok(()),
    }
    .map_err(|e| format!("{id}: `{line}`: {e}"))
}

fn yaml_alias(file: &Path, kind: &str) -> Result<(), String> {
    assert_eq!(kind, "yaml-alias");
    let doc = load_file(file, &Limits::default()).map_err(|e| e.to_string())?;
    let reported = doc
        .diagnostics
        .iter()
        .any(|d| d.kind == DiagnosticKind::YamlAlias);
    reported
        .then_some(())
        .ok_or("aliases resolved without a diagnostic".into())
}

fn assertion(kind: &str, file: &Path, t: &[(String, String)]) -> Result<(), String> {
    let limits = Limits::default();
    let decoded = || decode(file, false, &limits).map_err(|e| e.to_string());
    match kind {
        "decoded" | "resolved" | "if-resolved" => {
            let tree = decode(file, kind != "decoded", &limits).map_err(|e| e.to_string())?;
            let want: serde_json::Value =
                serde_json::from_str(get(t, "equals")).map_err(|e| e.to_string())?;
            let got = at(&tree, get(t, "path"));
            (got == &want).then_some(()).ok_or(format!("got {got}"))
        }
        "equal-trees" => {
            let tree = decoded()?;
            let (a, b) = (at(&tree, get(t, "a")), at(&tree, get(t, "b")));
            (a == b && !a.is_null())
                .then_some(())
                .ok_or(format!("{a} != {b}"))
        }
        "file-analyzed" => {
            let doc = load_file(file, &limits).map_err(|e| e.to_string())?;
            doc.format
                .is_cloudformation()
                .then_some(())
                .ok_or("not analysed".into())
        }
        "branches-evaluated" => branches_evaluated(file, t),
        // A rule verdict, checked with the other rule lines in tests/cases/main.rs.
        "not-reported" => Ok(()),
        "expanded-resources" => expanded_resources(file, get(t, "values")),
        other => Err(format!("assertion kind `{other}` is not handled here")),
    }
}

fn branches_evaluated(file: &Path, t: &[(String, String)]) -> Result<(), String> {
    let doc = load_file(file, &Limits::default()).map_err(|e| e.to_string())?;
    let resolver = Resolver::new(&doc);
    let resource = resolver
        .resource(get(t, "resource"))
        .ok_or("no such resource")?;
    let condition = get(t, "condition");
    let seen: BTreeSet<String> = resolver
        .branches(resource.node)
        .iter()
        .flat_map(|b| {
            b.assumptions
                .iter()
                .filter(|(n, _)| n == condition)
                .map(|(_, v)| v.to_string())
        })
        .collect();
    let want: BTreeSet<String> = get(t, "values").split(',').map(str::to_owned).collect();
    (seen == want)
        .then_some(())
        .ok_or(format!("evaluated {seen:?}"))
}

fn expanded_resources(file: &Path, values: &str) -> Result<(), String> {
    let doc = load_file(file, &Limits::default()).map_err(|e| e.to_string())?;
    let resolver = Resolver::new(&doc);
    let ids: BTreeSet<&str> = resolver.resources().map(|r| r.id).collect();
    let missing: Vec<&str> = values.split(',').filter(|v| !ids.contains(v)).collect();
    missing
        .is_empty()
        .then_some(())
        .ok_or(format!("missing {missing:?} in {ids:?}"))
}

#[test]
fn loader_and_resolver_assertions_hold() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expect"))
        else {
            continue;
        };
        let file = case_file(id);
        for line in std::fs::read_to_string(&path).expect("expect file").lines() {
            checked += 1;
            if let Err(e) = check_line(id, &file, line) {
                failures.push(e);
            }
        }
    }
    assert!(checked > 20, "only {checked} lines");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn case_formats_are_detected() {
    let format = |id| load_file(&case_file(id), &Limits::default()).map(|d| d.format);
    assert_eq!(format("CASE-006").ok(), Some(Format::TerraformJson));
    assert_eq!(format("CASE-008").ok(), Some(Format::TerraformPlan));
    assert_eq!(format("CASE-012").ok(), Some(Format::CloudFormationYaml));
}

#[test]
fn case_copies_match_shared_when_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/cases");
    if !shared.is_dir() {
        return;
    }
    for entry in std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(Result::ok)
    {
        let name = entry.file_name();
        if name.to_str().is_some_and(|n| n.starts_with("CASE-")) {
            let ours = std::fs::read(entry.path()).expect("copy");
            let theirs = std::fs::read(shared.join(&name)).expect("shared case");
            assert_eq!(ours, theirs, "{name:?} differs from ../shared/cases");
        }
    }
}
