//! Every synthesized template passes cfn-lint with no error and no warning.
//!
//! cfn-lint is the reference validator for CloudFormation (resource schemas, intrinsic
//! functions, cross-property rules) and is installed into `.venv-aws` by `scripts/setup-tools`.
//! A missing cfn-lint fails this test: a skipped check would look like a passing one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{ENVIRONMENTS, installed_tool, missing_tool, synth_env, templates_in};

/// Rules we ignore, each with the reason it does not apply. Keep it empty unless a rule is
/// wrong for our templates; never add a rule only to make a real finding go away.
const IGNORED_RULES: &[(&str, &str)] = &[];

#[test]
fn every_synthesized_template_passes_cfn_lint() {
    let cfn_lint =
        installed_tool("cfn-lint").unwrap_or_else(|| panic!("{}", missing_tool("cfn-lint")));
    let cwd = tempfile::tempdir().unwrap();
    let mut templates = Vec::new();
    for env in ENVIRONMENTS {
        let out = cwd.path().join(env);
        synth_env(cwd.path(), env, &out);
        templates.extend(templates_in(&out));
    }
    assert!(templates.len() >= ENVIRONMENTS.len(), "found {templates:?}");

    let (code, report) = run_cfn_lint(&cfn_lint, &templates);
    assert!(
        code == 0 && report.trim().is_empty(),
        "cfn-lint exited {code}:\n{report}"
    );
}

#[test]
fn cfn_lint_reports_a_broken_template() {
    // Proves the test above can fail: the same invocation must flag a template cfn-lint
    // rejects, so a wrong path or a silent cfn-lint cannot pass for a clean result.
    let cfn_lint =
        installed_tool("cfn-lint").unwrap_or_else(|| panic!("{}", missing_tool("cfn-lint")));
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.template.json");
    std::fs::write(
        &broken,
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Bogus": 1}}}}"#,
    )
    .unwrap();
    let (code, report) = run_cfn_lint(&cfn_lint, &[broken]);
    assert_ne!(code, 0, "{report}");
    assert!(report.contains("E3002"), "{report}");
}

fn run_cfn_lint(cfn_lint: &Path, templates: &[PathBuf]) -> (i32, String) {
    let mut command = Command::new(cfn_lint);
    command.args(["--format", "parseable"]);
    for (rule, _reason) in IGNORED_RULES {
        command.args(["--ignore-checks", rule]);
    }
    let output = command
        .arg("--")
        .args(templates)
        .output()
        .expect("cfn-lint runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), report)
}
