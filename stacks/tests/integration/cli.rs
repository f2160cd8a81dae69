//! The command-line surface: subcommands, help, version, exit codes and the output directory.

use std::fs;

use serde_json::Value;

use crate::support::{ENVIRONMENTS, files_in, stackwright, synth_env, templates_in};

#[test]
fn synth_with_no_flags_writes_out_in_the_working_directory() {
    let cwd = tempfile::tempdir().unwrap();
    let run = stackwright(cwd.path(), &["synth", "--no-build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(cwd.path().join("out/manifest.json").is_file());
    assert!(!templates_in(&cwd.path().join("out")).is_empty());
    assert!(run.stdout.contains("out/manifest.json"), "{}", run.stdout);
}

#[test]
fn manifest_indexes_exactly_the_templates_written() {
    let cwd = tempfile::tempdir().unwrap();
    for env in ENVIRONMENTS {
        let out = cwd.path().join(env);
        synth_env(cwd.path(), env, &out);
        let files = files_in(&out);
        let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();

        assert_eq!(manifest["format"], "stackwright-manifest/1");
        assert_eq!(manifest["tool"]["name"], "stackwright");
        assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(manifest["config"]["file"], format!("{env}.toml"));

        let stacks = manifest["stacks"].as_array().unwrap();
        let mut listed: Vec<&str> = vec!["manifest.json"];
        for stack in stacks {
            let template = stack["template"].as_str().unwrap();
            let bytes = &files[template];
            assert_eq!(
                stack["sha256"],
                stackwright::manifest::sha256_hex(bytes),
                "{template}"
            );
            assert!(stack["assets"].is_array());
            listed.push(template);
            let terraform = stack["terraform"]["file"].as_str().unwrap();
            assert_eq!(
                stack["terraform"]["sha256"],
                stackwright::manifest::sha256_hex(&files[terraform]),
                "{terraform}"
            );
            listed.push(terraform);
            for report in stack["reports"].as_array().unwrap() {
                let file = report["file"].as_str().unwrap();
                assert_eq!(
                    report["sha256"],
                    stackwright::manifest::sha256_hex(&files[file]),
                    "{file}"
                );
                listed.push(file);
            }
        }
        listed.sort_unstable();
        let on_disk: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(on_disk, listed, "{env}: no stray or missing files");
    }
}

#[test]
fn templates_are_two_space_indented_json_with_a_final_newline() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("out");
    synth_env(cwd.path(), "dev", &out);
    for path in templates_in(&out) {
        let text = fs::read_to_string(&path).unwrap();
        let template: Value = serde_json::from_str(&text).unwrap();
        assert!(
            template["Resources"]
                .as_object()
                .is_some_and(|r| !r.is_empty())
        );
        assert!(text.starts_with("{\n  \""), "{}", path.display());
        assert!(
            text.ends_with("}\n") && !text.ends_with("\n\n"),
            "{}",
            path.display()
        );
        assert!(!text.contains('\t') && !text.contains('\r'));
    }
}

#[test]
fn stack_flag_selects_stacks_and_rejects_unknown_names() {
    let cwd = tempfile::tempdir().unwrap();
    let listed = stackwright(cwd.path(), &["ls"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let first = listed
        .stdout
        .lines()
        .next()
        .expect("ls lists at least one stack");

    let run = stackwright(cwd.path(), &["synth", "--no-build", "--stack", first]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = cwd.path().join("out");
    assert_eq!(
        templates_in(&out),
        [out.join(format!("{first}.template.json"))]
    );

    let run = stackwright(
        cwd.path(),
        &["synth", "--no-build", "--stack", "no-such-stack"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: no stack named `no-such-stack`"),
        "{}",
        run.stderr
    );
}

#[test]
fn ls_lists_the_stacks_synth_writes() {
    let cwd = tempfile::tempdir().unwrap();
    for env in ENVIRONMENTS {
        let out = cwd.path().join(env);
        synth_env(cwd.path(), env, &out);
        let run = stackwright(cwd.path(), &["ls", "--env", env]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let expected: Vec<String> = templates_in(&out)
            .iter()
            .map(|path| {
                path.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .replace(".template.json", "")
            })
            .collect();
        let mut listed: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
        listed.sort();
        assert_eq!(listed, expected, "{env}");
    }
}

#[test]
fn help_is_available_everywhere_and_documents_exit_codes() {
    let cwd = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["synth", "--help"],
        &["ls", "--help"],
        &["schema", "--help"],
        &["rollback", "--help"],
    ] {
        let run = stackwright(cwd.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("Usage: stackwright"), "{args:?}");
        assert!(run.stdout.contains("Exit status:"), "{args:?}");
    }
    let run = stackwright(cwd.path(), &["help", "synth"]);
    assert!(
        run.stdout.contains("--out <DIR>")
            && run.stdout.contains("--stack <NAME>")
            && run.stdout.contains("--no-build")
    );
}

#[test]
fn version_prints_the_crate_version() {
    let cwd = tempfile::tempdir().unwrap();
    for flag in ["--version", "-V"] {
        let run = stackwright(cwd.path(), &[flag]);
        assert_eq!(run.code, 0);
        assert_eq!(
            run.stdout,
            format!("stackwright {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let cwd = tempfile::tempdir().unwrap();
    for args in [
        &[][..],
        &["deploy"],
        &["synth", "--no-build", "--bogus"],
        &["synth", "--no-build", "--env"],
    ] {
        let run = stackwright(cwd.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}: usage errors go to stderr");
    }
    let run = stackwright(
        cwd.path(),
        &["synth", "--no-build", "--env", "dev", "--config", "x.toml"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn unknown_environment_exits_2_and_names_the_known_ones() {
    let cwd = tempfile::tempdir().unwrap();
    let run = stackwright(cwd.path(), &["synth", "--no-build", "--env", "staging"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: unknown environment `staging`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("dev, prod"), "{}", run.stderr);
    assert!(!cwd.path().join("out").exists());
}

#[test]
fn schema_prints_a_json_schema() {
    let cwd = tempfile::tempdir().unwrap();
    let run = stackwright(cwd.path(), &["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown keys are rejected"
    );
}

#[test]
fn target_selects_the_engines_written_and_the_manifest_follows() {
    let cwd = tempfile::tempdir().unwrap();
    let config = crate::support::env_config("dev");
    let config = config.to_str().unwrap();
    let synth = |target: &str| {
        let out = cwd.path().join(target);
        let args = [
            "synth",
            "--no-build",
            "--config",
            config,
            "--target",
            target,
            "--out",
        ];
        let mut args: Vec<&str> = args.to_vec();
        let out_arg = out.to_str().unwrap().to_owned();
        args.push(&out_arg);
        let run = stackwright(cwd.path(), &args);
        assert_eq!(run.code, 0, "{target}: {}", run.stderr);
        let files = files_in(&out);
        let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        (files, manifest["stacks"][0].clone(), run.stdout)
    };
    let (files, entry, stdout) = synth("tf");
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["expense-tracker-dev/main.tf.json", "manifest.json"]);
    assert!(
        entry.get("template").is_none() && entry.get("reports").is_none(),
        "{entry}"
    );
    assert_eq!(
        entry["terraform"]["file"],
        "expense-tracker-dev/main.tf.json"
    );
    assert!(stdout.contains("main.tf.json"), "{stdout}");
    let tf: Value = serde_json::from_slice(&files["expense-tracker-dev/main.tf.json"]).unwrap();
    assert_eq!(
        tf["terraform"]["required_providers"]["aws"]["source"],
        "hashicorp/aws"
    );

    let (files, entry, _) = synth("cfn");
    assert!(
        !files.keys().any(|name| name.ends_with(".tf.json")),
        "{:?}",
        files.keys()
    );
    assert!(entry.get("terraform").is_none(), "{entry}");
    assert_eq!(entry["template"], "expense-tracker-dev.template.json");
}
