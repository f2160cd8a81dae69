//! The config's JSON Schema: the committed copy is current, the committed configs validate
//! against it, and the broken configs the loader rejects are rejected by the schema too, so an
//! editor using the schema and the command line agree.
//!
//! Validation uses the Python `jsonschema` package that cfn-lint brings into `.venv-aws`: a
//! second, independent implementation is a better witness than our own code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{
    ENVIRONMENTS, break_first_scalar, env_config, installed_tool, missing_tool, stackwright,
};

fn committed_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/schema.json")
}

#[test]
fn committed_schema_is_what_the_schema_command_prints() {
    let cwd = tempfile::tempdir().unwrap();
    let run = stackwright(cwd.path(), &["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = fs::read_to_string(committed_schema()).unwrap_or_default();
    assert!(
        committed == run.stdout,
        "stacks/config/schema.json is stale: regenerate it with \
         `cargo run -- schema > stacks/config/schema.json` and commit it"
    );
}

#[test]
fn committed_configs_validate_against_the_schema() {
    let configs: Vec<PathBuf> = ENVIRONMENTS.iter().map(|env| env_config(env)).collect();
    let (code, report) = validate(&configs);
    assert_eq!(code, 0, "committed configs violate the schema:\n{report}");
}

#[test]
fn broken_configs_violate_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let dev: toml::Table = toml::from_str(&fs::read_to_string(env_config("dev")).unwrap()).unwrap();

    let mut unknown_key = dev.clone();
    unknown_key.insert("bogus_key".into(), toml::Value::Boolean(true));
    let mut wrong_type = dev;
    let key = break_first_scalar(&mut wrong_type, "").expect("dev.toml has a number or boolean");

    let cases = [
        ("unknown-key.toml", unknown_key, "bogus_key".to_owned()),
        (
            "wrong-type.toml",
            wrong_type,
            format!("$.{key}: 'not-a-scalar' is not of type"),
        ),
    ];
    for (name, config, needle) in cases {
        let path = dir.path().join(name);
        fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
        let (code, report) = validate(&[path]);
        assert_eq!(code, 1, "{name} passed the schema:\n{report}");
        assert!(report.contains(&needle), "want {needle}\ngot {report}");
    }
}

/// Runs the validator script; returns its exit code and stdout + stderr.
fn validate(configs: &[PathBuf]) -> (i32, String) {
    let python = installed_tool("python3").unwrap_or_else(|| panic!("{}", missing_tool("python3")));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/validate_config.py");
    let output = Command::new(python)
        .arg(script)
        .arg(committed_schema())
        .args(configs)
        .output()
        .expect("python runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let code = output.status.code().expect("python exits");
    assert_ne!(code, 3, "{report}");
    (code, report)
}
