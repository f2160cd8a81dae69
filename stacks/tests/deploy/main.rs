//! `stackwright deploy` (with the site sync), `diff`, `verify`, `destroy` and `rollback`
//! against a local CloudFormation: moto 5.2.1 with our test-support extension
//! (`tests/moto_ext`), which registers the resource types plain moto skips, fixes the moto bugs
//! these tests meet, and adds per-resource events and rollback.
//!
//! What moto cannot do even with the extension, and these tests therefore do not prove:
//! a property change of a type without moto update code (a table, a log group) is accepted
//! but not applied; execution is synchronous, so the event poll never waits; the types the
//! extension only records (alarms, origin access controls, gateway responses, ...) are not
//! visible through their own service APIs; a distribution exists in moto's CloudFront with its
//! origins and default cache behaviour only.

mod moto;
mod release;
mod scenario;
mod site;

use std::process::{Command, Stdio};

/// Without a terminal on stdin and without --yes, deploy refuses before doing anything.
#[test]
fn deploy_without_a_terminal_needs_yes() {
    let output = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .args(["deploy", "--endpoint-url", "http://127.0.0.1:9"])
        .stdin(Stdio::null())
        .output()
        .expect("stackwright runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stdin is not a terminal: pass --yes"),
        "{stderr}"
    );
}

#[test]
fn destroy_without_a_terminal_needs_yes() {
    let output = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .args(["destroy", "--endpoint-url", "http://127.0.0.1:9"])
        .stdin(Stdio::null())
        .output()
        .expect("stackwright runs");
    assert_eq!(output.status.code(), Some(2));
}
