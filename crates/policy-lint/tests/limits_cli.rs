//! The loading limits as a user sets them: `--max-*` flags and the
//! `[limits]` table of `policy-lint.toml`, the flag winning; a file past a
//! lowered limit is an input error naming the file and the limit while the
//! other files are still linted; zero and absurd values are refused (exit 2)
//! before anything is linted; the most generous depth accepted still runs
//! through the whole linter without exhausting the stack.

use std::path::Path;
use std::process::{Command, Output};

/// A clean template of a few hundred bytes.
const SMALL: &str = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
  "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}}}
"#;

fn policy_lint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A directory with `big.template.json` (about 2 KiB) and `small.json`.
fn two_templates() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let padding = " ".repeat(2048);
    std::fs::write(
        dir.path().join("big.template.json"),
        format!("{SMALL}{padding}"),
    )
    .expect("big");
    std::fs::write(dir.path().join("small.json"), SMALL).expect("small");
    dir
}

/// `(file, message)` of each input error of a `--format=json` report.
fn json_errors(out: &Output) -> Vec<(String, String)> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let text = |value: &serde_json::Value| value.as_str().expect("a string").to_owned();
    report["input_errors"]
        .as_array()
        .expect("input_errors")
        .iter()
        .map(|e| (text(&e["file"]), text(&e["message"])))
        .collect()
}

/// A run that linted everything it was given: findings allowed, input
/// errors not.
fn assert_linted(out: &Output) {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?} {}",
        out.status,
        stderr(out)
    );
    assert!(!stderr(out).contains("error:"), "{}", stderr(out));
}

#[test]
fn a_file_over_a_lowered_size_limit_is_refused_and_the_others_still_linted() {
    let dir = two_templates();
    let out = policy_lint(
        dir.path(),
        &[
            "lint",
            "--format=json",
            "--max-file-size",
            "1KiB",
            "big.template.json",
            "small.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let errors = json_errors(&out);
    assert_eq!(
        errors,
        [(
            "big.template.json".to_owned(),
            "file is 2181 bytes, over the limit of 1024 (`max-file-size`)".to_owned()
        )]
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        report.to_string().contains("small.json"),
        "the small file is still linted"
    );

    let raised = policy_lint(
        dir.path(),
        &[
            "lint",
            "--max-file-size",
            "4 KiB",
            "big.template.json",
            "small.json",
        ],
    );
    assert_linted(&raised);
}

#[test]
fn the_config_sets_limits_and_a_flag_overrides_it() {
    let dir = two_templates();
    std::fs::write(
        dir.path().join("policy-lint.toml"),
        "[limits]\nmax-file-size = \"1KiB\"\n",
    )
    .expect("config");
    let limited = policy_lint(dir.path(), &["lint", "big.template.json"]);
    assert_eq!(limited.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&limited.stdout);
    assert!(
        stdout.contains("error: big.template.json")
            && stdout.contains("file is 2181 bytes, over the limit of 1024 (`max-file-size`)"),
        "{stdout}"
    );

    let overridden = policy_lint(
        dir.path(),
        &["lint", "--max-file-size=1MB", "big.template.json"],
    );
    assert_linted(&overridden);

    std::fs::write(
        dir.path().join("policy-lint.toml"),
        "[limits]\nmax-file-size = 100000\nmax-depth = 3\n",
    )
    .expect("config");
    let shallow = policy_lint(dir.path(), &["lint", "--format=json", "small.json"]);
    assert_eq!(shallow.status.code(), Some(2));
    let errors = json_errors(&shallow);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "small.json");
    assert!(
        errors[0]
            .1
            .contains("nesting deeper than 3 levels (`max-depth`)"),
        "{errors:?}"
    );
}

#[test]
fn report_takes_the_limit_flags_too() {
    let dir = two_templates();
    let out = policy_lint(
        dir.path(),
        &[
            "report",
            "--out",
            "reports",
            "--max-file-size",
            "1KiB",
            "big.template.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("big.template.json: file is"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn zero_and_absurd_flags_are_usage_errors() {
    let dir = two_templates();
    for (flag, value, says) in [
        ("--max-file-size", "0", "is zero"),
        ("--max-file-size", "2GiB", "over the most allowed, 1GiB"),
        ("--max-file-size", "lots", "is not a size"),
        ("--max-depth", "0", "must be 1 to 512"),
        ("--max-depth", "100000", "must be 1 to 512"),
        ("--max-values", "0", "must be 1 to 20000000"),
        ("--max-alias-values=-5", "", "not a whole number"),
    ] {
        let mut args = vec!["lint", flag, "small.json"];
        if !value.is_empty() {
            args.insert(2, value);
        }
        let out = policy_lint(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = stderr(&out);
        assert!(
            err.contains(flag.trim_end_matches("=-5")) && err.contains(says),
            "{flag} {value}: {err}"
        );
        assert!(out.stdout.is_empty(), "nothing linted for {flag} {value}");
    }
}

#[test]
fn zero_and_absurd_config_values_are_located_errors() {
    let dir = two_templates();
    for (text, says) in [
        (
            "[limits]\nmax-depth = 0\n",
            "policy-lint.toml:2:13: key `limits.max-depth`: 0 is out of range: must be 1 to 512",
        ),
        (
            "[limits]\nmax-file-size = \"0B\"\n",
            "key `limits.max-file-size`: `0B` is zero",
        ),
        (
            "[limits]\nmax-file-size = 4294967296\n",
            "key `limits.max-file-size`: 4294967296 is 4294967296 bytes, over the most allowed",
        ),
        (
            "[limits]\nmax-values = -1\n",
            "key `limits.max-values`: -1 is out of range",
        ),
        (
            "[limits]\nmax-file-size = true\n",
            "key `limits.max-file-size`: a size in bytes or a string",
        ),
        (
            "[limits]\nmax-aliases = 5\n",
            "key `limits.max-aliases`: unknown field",
        ),
    ] {
        std::fs::write(dir.path().join("policy-lint.toml"), text).expect("config");
        let out = policy_lint(dir.path(), &["lint", "small.json"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(err.contains(says), "{text}: {err}");
    }
}

/// A queue whose `Metadata` nests arrays `depth` deep (the template's own
/// levels come on top). The JSON parser stops at about 510 levels itself.
fn nested_json(depth: usize) -> String {
    let inner = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    format!(r#"{{"Resources": {{"Q": {{"Type": "AWS::SQS::Queue", "Metadata": {inner}}}}}}}"#)
}

/// A queue whose `Metadata` and tags nest block mappings: the template's
/// levels plus `depth` maps, so `nested_yaml(509)` is exactly 512 deep.
fn nested_yaml(depth: usize) -> String {
    let block = |depth: usize, indent: usize| -> String {
        let lines: String = (0..depth)
            .map(|level| format!("\n{}k:", " ".repeat(indent + level)))
            .collect();
        format!("{lines} 1")
    };
    format!(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:{}\n    Properties:\n      Tags:{}\n",
        block(depth, 5),
        block(depth - 2, 7)
    )
}

#[test]
fn the_deepest_nesting_accepted_passes_the_whole_linter() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The template's own levels sit above the nested value.
    std::fs::write(dir.path().join("deep.json"), nested_json(505)).expect("json");
    std::fs::write(dir.path().join("deep.yaml"), nested_yaml(509)).expect("yaml");
    let default = policy_lint(
        dir.path(),
        &["lint", "--format=json", "deep.json", "deep.yaml"],
    );
    assert_eq!(default.status.code(), Some(2));
    assert_eq!(json_errors(&default).len(), 2);

    for format in ["json", "sarif", "human"] {
        let out = policy_lint(
            dir.path(),
            &[
                "lint",
                "--max-depth",
                "512",
                "--format",
                format,
                "deep.json",
                "deep.yaml",
            ],
        );
        let err = stderr(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !err.contains("panicked"),
            "{format}: {:?} {err}",
            out.status
        );
    }
    let one_less = policy_lint(dir.path(), &["lint", "--max-depth=511", "deep.yaml"]);
    assert_eq!(one_less.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&one_less.stdout);
    assert!(
        stdout.contains("deep.yaml:513:517: nesting deeper than 511 levels (`max-depth`)"),
        "{stdout}"
    );
    let decoded = policy_lint(
        dir.path(),
        &["decode", "--resolve", "--max-depth=512", "deep.yaml"],
    );
    assert_eq!(decoded.status.code(), Some(0), "{}", stderr(&decoded));
}
