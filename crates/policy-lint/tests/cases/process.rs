//! Running the `policy-lint` binary on a case, for `env=` and `limit=`
//! lines: exit code, output, wall time and peak resident memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct BinaryRun {
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) elapsed: Duration,
    /// The largest resident set seen while the process ran (`VmHWM`).
    pub(crate) peak_kib: u64,
}

pub(crate) fn run_binary(template: &Path, env: &[(&str, &str)]) -> Result<BinaryRun, String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["lint", "--format", "json"])
        .arg(template)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start policy-lint: {e}"))?;
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kib = 0;
    let mut stdout = Vec::new();
    let mut pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let _ = std::io::Read::read_to_end(&mut pipe, &mut stdout);
        stdout
    });
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm)
        {
            peak_kib = peak_kib.max(kib);
        }
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    };
    let elapsed = started.elapsed();
    let stdout = reader.join().map_err(|_| "the output reader panicked")?;
    Ok(BinaryRun {
        code: status.code().unwrap_or(-1),
        stdout,
        elapsed,
        peak_kib,
    })
}

fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Checks `wall-time<2s` or `peak-rss<200MiB` against a run.
pub(crate) fn check_bound(bound: &str, run: &BinaryRun) -> Result<(), String> {
    let (what, limit) = bound
        .split_once('<')
        .ok_or_else(|| format!("bad bound `{bound}`"))?;
    let (number, unit) = split_unit(limit);
    let number: f64 = number.parse().map_err(|_| format!("bad bound `{bound}`"))?;
    let (actual, allowed) = match (what, unit) {
        ("wall-time", "ms") => (run.elapsed.as_secs_f64() * 1000.0, number),
        ("wall-time", "s") => (run.elapsed.as_secs_f64(), number),
        ("peak-rss", "KiB") => (run.peak_kib as f64, number),
        ("peak-rss", "MiB" | "MB") => (run.peak_kib as f64 / 1024.0, number),
        ("peak-rss", "GiB" | "GB") => (run.peak_kib as f64 / 1024.0 / 1024.0, number),
        _ => return Err(format!("unknown bound `{bound}`")),
    };
    if actual < allowed {
        Ok(())
    } else {
        Err(format!("{what} is {actual:.1}{unit}, not below {limit}"))
    }
}

fn split_unit(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    text.split_at(at)
}
