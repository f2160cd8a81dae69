//! `lint --output FILE` is crash-safe: the binary is killed with SIGKILL
//! at many points of a large run (loading, linting, rendering, writing) and
//! afterwards FILE holds either the previous output, byte for byte, or the
//! complete new output, never a truncated or mixed file.

#![cfg(unix)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../durable/test-support/kill_pacer.rs"]
mod kill_pacer;
use kill_pacer::Pacer;

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

    let mut pacer = Pacer::new(took, KILLS, kill_point);
    while let Some((i, delay)) = pacer.next_kill() {
        std::fs::write(&output, PREVIOUS).expect("previous output");
        let mut child = start(&input, &output);
        std::thread::sleep(delay);
        pacer.landed(child.try_wait().expect("polls").is_none());
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let now = std::fs::read(&output).expect("output still there");
        assert!(
            now == PREVIOUS || now == complete,
            "kill {i} after {delay:?} left {} bytes that are neither the old nor the new output",
            now.len()
        );
    }
    pacer.assert_enough_landed();
}

/// The report files of `big.template.json`, in the order `report` writes them.
fn report_files(dir: &Path) -> Vec<std::path::PathBuf> {
    ["md", "html", "json", "csv"]
        .iter()
        .map(|ext| dir.join(format!("big.compliance.{ext}")))
        .collect()
}

fn read_set(dir: &Path) -> Vec<Vec<u8>> {
    report_files(dir)
        .iter()
        .map(|path| std::fs::read(path).expect("report file still there"))
        .collect()
}

fn run_report(input: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .arg("report")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("--out")
        .arg(out)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("policy-lint starts")
}

/// The hidden entries `report` keeps beside the files while it writes.
fn journal_entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

/// `report --out DIR` killed at many points: every one of its four files is
/// at all times the complete old or the complete new file, and once the
/// killed run's journal is recovered (as the next `report` does first) the
/// four form one set, all old or all new, with nothing left beside them.
#[test]
fn killed_reports_leave_whole_files_and_recover_to_one_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("big.template.json");
    let out = dir.path().join("reports");
    std::fs::write(&input, noisy_template(RESOURCES / 6)).expect("old input");
    assert_eq!(
        run_report(&input, &out).wait().expect("waits").code(),
        Some(1)
    );
    let old = read_set(&out);
    std::fs::write(&input, noisy_template(RESOURCES / 4)).expect("new input");
    let started = Instant::now();
    assert_eq!(
        run_report(&input, &out).wait().expect("waits").code(),
        Some(1)
    );
    let took = started.elapsed();
    let new = read_set(&out);
    assert!(old.iter().zip(&new).all(|(o, n)| o != n));

    let mut pacer = Pacer::new(took, KILLS, kill_point);
    while let Some((i, delay)) = pacer.next_kill() {
        let mut child = run_report(&input, &out);
        std::thread::sleep(delay);
        pacer.landed(child.try_wait().expect("polls").is_none());
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let now = read_set(&out);
        for (k, bytes) in now.iter().enumerate() {
            assert!(
                *bytes == old[k] || *bytes == new[k],
                "kill {i} left {} as neither the old nor the new file",
                report_files(&out)[k].display()
            );
        }
        durable::recover_set(&out, "big.compliance");
        let recovered = read_set(&out);
        assert!(
            recovered == old || recovered == new,
            "kill {i}: the recovered set mixes old and new files"
        );
        assert!(
            journal_entries(&out).is_empty(),
            "kill {i}: {:?}",
            journal_entries(&out)
        );
        // Back to the old set, so the next kill can tell old from new.
        for (path, bytes) in report_files(&out).iter().zip(&old) {
            std::fs::write(path, bytes).expect("restore old");
        }
    }
    pacer.assert_enough_landed();
}

/// A killed `lint --output` leaves its `.NAME.PID-SEQ.tmp` behind at most
/// until the next run that writes the same file.
#[test]
fn the_next_run_removes_what_a_killed_run_left() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("big.template.json");
    std::fs::write(&input, noisy_template(RESOURCES)).expect("input");
    let output = dir.path().join("lint.json");
    let (_, took) = complete_run(&input, &output);
    let mut left_behind = 0;
    for i in 0..KILLS {
        let mut child = start(&input, &output);
        std::thread::sleep(took.mul_f64(0.75 + 0.4 * f64::from(i) / f64::from(KILLS)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        left_behind += usize::from(!journal_entries(dir.path()).is_empty());
    }
    // Whether or not a kill landed mid-write, a dead writer's leftover goes,
    // and someone else's hidden file in the same directory stays.
    let mut gone = Command::new("true").spawn().expect("true runs");
    let dead = gone.id();
    gone.wait().expect("reaped");
    std::fs::write(dir.path().join(format!(".lint.json.{dead}-0.tmp")), "{").expect("leftover");
    std::fs::write(dir.path().join(".lint.json.keep"), "mine").expect("foreign file");
    complete_run(&input, &output);
    assert_eq!(
        journal_entries(dir.path()),
        [".lint.json.keep"],
        "{left_behind} runs left files"
    );
}
