//! `lint --output FILE` is crash-safe: the binary is killed with SIGKILL
//! at many points of a large run (loading, linting, rendering, writing) and
//! afterwards FILE holds either the previous output, byte for byte, or the
//! complete new output, never a truncated or mixed file.

#![cfg(unix)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Resources in the generated template: enough for a run of a few hundred
/// milliseconds and an output of about 10 MB, so kills land in every phase.
const RESOURCES: usize = 3000;
/// How many runs are killed.
const KILLS: u32 = 16;
const PREVIOUS: &[u8] = b"{\"previous\": \"output of an earlier run\"}\n";

/// Public buckets without encryption: each yields several findings with
/// evidence, so the output is large. (Buckets, not roles with `Action: *`:
/// expanding a wildcard against the action catalog is slow in a debug build.)
fn noisy_template(n: usize) -> String {
    let mut out = String::from("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#""Bucket{i}": {{"Type": "AWS::S3::Bucket", "Properties": {{"AccessControl": "PublicRead"}}}}"#
        );
    }
    out.push_str("}}");
    out
}

fn start(input: &Path, output: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .arg("lint")
        .arg("--format=json")
        .arg("--output")
        .arg(output)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("policy-lint starts")
}

/// One complete run: the bytes a finished run writes, and how long it took.
fn complete_run(input: &Path, output: &Path) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let status = start(input, output).wait().expect("waits");
    let took = started.elapsed();
    assert_eq!(status.code(), Some(1), "findings expected");
    let bytes = std::fs::read(output).expect("output written");
    assert!(bytes.len() > 1_000_000, "only {} bytes", bytes.len());
    serde_json::from_slice::<serde_json::Value>(&bytes).expect("complete output is valid JSON");
    (bytes, took)
}

/// When kill `i` lands, as a fraction of a complete run: even kills spread
/// over the whole run, odd ones over its last stretch, where the output is
/// rendered, written and renamed into place.
fn kill_point(i: u32) -> f64 {
    let at = f64::from(i) / f64::from(KILLS);
    if i % 2 == 0 {
        1.1 * at
    } else {
        0.75 + 0.4 * at
    }
}

#[test]
fn killed_runs_never_leave_a_partial_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("big.template.json");
    std::fs::write(&input, noisy_template(RESOURCES)).expect("input");
    let output = dir.path().join("out").join("lint.json");
    std::fs::create_dir(output.parent().expect("parent")).expect("out dir");
    let (complete, took) = complete_run(&input, &output);

    let mut killed_mid_run = 0;
    for i in 0..KILLS {
        std::fs::write(&output, PREVIOUS).expect("previous output");
        let mut child = start(&input, &output);
        std::thread::sleep(took.mul_f64(kill_point(i)));
        if child.try_wait().expect("polls").is_none() {
            killed_mid_run += 1;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let now = std::fs::read(&output).expect("output still there");
        assert!(
            now == PREVIOUS || now == complete,
            "kill {i} after {:?} left {} bytes that are neither the old nor the new output",
            took.mul_f64(kill_point(i)),
            now.len()
        );
    }
    assert!(
        killed_mid_run >= KILLS / 2,
        "only {killed_mid_run} kills landed mid-run"
    );
}
