//! An error never costs the user their previous output: whatever goes wrong, `out/` keeps the
//! bytes of the last successful synth, and a directory stackwright did not write is never
//! replaced.

use std::fs;
use std::path::Path;

use crate::kill_pacer::Pacer;
use crate::support::{env_config, files_in, stackwright, synth_env};

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_config_error_leaves_the_previous_output_untouched() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    synth_env(cwd.path(), "dev", &out);
    let before = files_in(&out);

    let broken = cwd.path().join("broken.toml");
    let dev = fs::read_to_string(env_config("dev")).unwrap();
    fs::write(&broken, format!("{dev}\n[this is not toml")).unwrap();
    let run = stackwright(
        cwd.path(),
        &["synth", "--no-build", "--config", path_str(&broken)],
    );

    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(files_in(&out), before);
    assert_eq!(leftovers(cwd.path()), ["broken.toml", "out"]);
}

#[test]
fn an_unknown_stack_leaves_the_previous_output_untouched() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    synth_env(cwd.path(), "prod", &out);
    let before = files_in(&out);

    let run = stackwright(
        cwd.path(),
        &[
            "synth",
            "--no-build",
            "--stack",
            "nope",
            "--out",
            path_str(&out),
        ],
    );

    assert_eq!(run.code, 2);
    assert_eq!(files_in(&out), before);
}

#[test]
fn a_directory_stackwright_did_not_write_is_never_replaced() {
    let cwd = tempfile::tempdir().unwrap();
    let precious = cwd.path().join("src");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("main.rs"), "fn main() {}\n").unwrap();

    let run = stackwright(cwd.path(), &["synth", "--no-build", "--out", "src"]);

    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("refusing to replace `src`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(precious.join("main.rs")).unwrap(),
        "fn main() {}\n"
    );
    assert_eq!(
        leftovers(cwd.path()),
        ["src"],
        "no staging directory left behind"
    );
}

#[test]
fn a_new_synth_replaces_stale_files() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    synth_env(cwd.path(), "dev", &out);
    fs::write(out.join("stale.template.json"), "{}\n").unwrap();

    synth_env(cwd.path(), "dev", &out);

    assert!(!out.join("stale.template.json").exists());
    assert_eq!(leftovers(cwd.path()), ["out"]);
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// `synth` killed with SIGKILL at many points of a run leaves `out/` as the complete previous
/// output or the complete new one, never a mix or a partial file. A kill after staging began
/// leaves its hidden `.out.staging-PID-SEQ` directory beside `out/`; the next run removes it.
#[cfg(unix)]
#[test]
fn a_killed_synth_leaves_the_old_or_the_new_output() {
    use std::process::{Command, Stdio};
    use std::time::Instant;

    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    synth_env(cwd.path(), "prod", &out);
    let new = files_in(&out);
    let started = Instant::now();
    synth_env(cwd.path(), "dev", &out);
    let took = started.elapsed();
    let old = files_in(&out);
    assert_ne!(old, new);

    const KILLS: u32 = 16;
    let mut pacer = Pacer::new(took, KILLS, |i| 1.2 * f64::from(i) / f64::from(KILLS));
    while let Some((i, delay)) = pacer.next_kill() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stackwright"))
            .args([
                "synth",
                "--no-build",
                "--env",
                "prod",
                "--out",
                path_str(&out),
            ])
            .current_dir(cwd.path())
            // As in `synth_env`: the same placeholders, and no Lambda build for a kill to orphan.
            .env("CARGO_TARGET_DIR", cwd.path().join("no-lambda-target"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        pacer.landed(child.try_wait().unwrap().is_none());
        child.kill().unwrap();
        child.wait().unwrap();
        let now = files_in(&out);
        assert!(
            now == old || now == new,
            "kill {i} left a mixed or partial `out/`"
        );
        if now == new {
            synth_env(cwd.path(), "dev", &out);
        }
    }
    pacer.assert_enough_landed();
    synth_env(cwd.path(), "dev", &out);
    assert_eq!(
        leftovers(cwd.path()),
        ["out"],
        "the next run removes what the killed runs left"
    );
}
