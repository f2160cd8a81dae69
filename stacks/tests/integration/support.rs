//! Helpers shared by the integration tests: running the real binary in a scratch directory,
//! snapshotting directories byte for byte, and finding the external tools the tests drive.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The environments with a committed config, each of which must synthesize cleanly.
pub(crate) const ENVIRONMENTS: [&str; 2] = ["dev", "prod"];

/// What one run of `stackwright` did.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs the built `stackwright` binary with `args`, in `cwd`, as a fresh process.
///
/// Its cargo target directory is an empty one inside `cwd`, so `synth --no-build` finds no
/// Lambda binaries from an earlier build and every run sees the same placeholders.
pub(crate) fn stackwright(cwd: &Path, args: &[&str]) -> Run {
    stackwright_with_target(cwd, args, &cwd.join("no-lambda-target"))
}

/// [`stackwright`] with the cargo target directory `target_dir`.
pub(crate) fn stackwright_with_target(cwd: &Path, args: &[&str], target_dir: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .args(args)
        .current_dir(cwd)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("the stackwright binary runs");
    Run {
        code: output
            .status
            .code()
            .expect("stackwright exits rather than being killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `stackwright synth --env <env> --out <out>` and insists that it succeeds.
pub(crate) fn synth_env(cwd: &Path, env: &str, out: &Path) -> Run {
    let out = out.to_str().expect("temp paths are UTF-8");
    let run = stackwright(cwd, &["synth", "--no-build", "--env", env, "--out", out]);
    assert_eq!(run.code, 0, "synth --env {env} failed:\n{}", run.stderr);
    run
}

/// The workspace root, where `scripts/` and `.venv-aws/` live.
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The committed config file of an environment.
pub(crate) fn env_config(env: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("config")
        .join(format!("{env}.toml"))
}

/// Every file below `dir`, by its `/`-separated path relative to `dir`, with its bytes.
pub(crate) fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("directory is readable") {
        let entry = entry.expect("directory entry is readable");
        let name = entry
            .file_name()
            .into_string()
            .expect("file names are UTF-8");
        if entry.path().is_dir() {
            for (inner, bytes) in files_in(&entry.path()) {
                files.insert(format!("{name}/{inner}"), bytes);
            }
        } else {
            files.insert(name, fs::read(entry.path()).expect("file is readable"));
        }
    }
    files
}

/// The template files (`*.template.json`) an output directory holds.
pub(crate) fn templates_in(dir: &Path) -> Vec<PathBuf> {
    let mut templates: Vec<PathBuf> = files_in(dir)
        .into_keys()
        .filter(|name| name.ends_with(".template.json") && !name.contains('/'))
        .map(|name| dir.join(name))
        .collect();
    templates.sort();
    templates
}

/// An executable installed by `scripts/setup-tools`: the repository's pinned copy in
/// `.venv-aws/bin` first, so a different version elsewhere on the machine cannot change the
/// verdict, then whatever `PATH` offers.
pub(crate) fn installed_tool(name: &str) -> Option<PathBuf> {
    let in_venv = repo_root().join(".venv-aws/bin").join(name);
    let on_path = env::var_os("PATH")
        .map(|path| {
            env::split_paths(&path)
                .map(|dir| dir.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    [in_venv]
        .into_iter()
        .chain(on_path)
        .find(|candidate| candidate.is_file())
}

/// The message every test that needs a setup-tools tool fails with when it is missing.
pub(crate) fn missing_tool(name: &str) -> String {
    format!(
        "`{name}` was not found on PATH or in .venv-aws/bin: run the tests with ./scripts/test, \
         which installs it through scripts/setup-tools and puts .venv-aws/bin on PATH"
    )
}

/// Replaces the first number or boolean (depth first, in key order) with a string and
/// returns its dotted key.
pub(crate) fn break_first_scalar(table: &mut toml::Table, prefix: &str) -> Option<String> {
    for (key, value) in table.iter_mut() {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                *value = toml::Value::String("not-a-scalar".into());
                return Some(path);
            }
            toml::Value::Table(inner) => {
                if let Some(found) = break_first_scalar(inner, &path) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}
