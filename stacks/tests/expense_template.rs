//! Snapshot and structural tests of the synthesized expense-tracker template, per environment.

use std::path::Path;

use serde_json::Value;
use stackwright::expense::{self, ExpenseConfig};

fn config(env: &str) -> ExpenseConfig {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("config/{env}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str(&text).unwrap()
}

fn template(env: &str) -> Value {
    let app = expense::build(&config(env)).unwrap();
    let mut stacks = app.synthesize().unwrap();
    assert_eq!(stacks.len(), 1);
    stacks.remove(0).template
}

#[test]
fn dev_template_snapshot() {
    insta::assert_json_snapshot!("dev", template("dev"));
}

#[test]
fn prod_template_snapshot() {
    insta::assert_json_snapshot!("prod", template("prod"));
}
