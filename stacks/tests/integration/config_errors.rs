//! A bad config exits 2 with one line naming the file, line, column and key, and saying what
//! was expected. The broken configs are derived from the committed `dev.toml`, so these tests
//! follow the config as it grows.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{break_first_scalar, env_config, files_in, stackwright, synth_env};

fn dev_toml() -> String {
    fs::read_to_string(env_config("dev")).unwrap()
}

/// Writes `text` as `name` into `dir` and runs `synth --config name` there.
fn synth_config(dir: &Path, name: &str, text: &str) -> crate::support::Run {
    fs::write(dir.join(name), text).unwrap();
    stackwright(dir, &["synth", "--no-build", "--config", name])
}

#[test]
fn unknown_top_level_key_is_named_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let run = synth_config(
        dir.path(),
        "broken.toml",
        &format!("bogus_key = 1\n{}", dev_toml()),
    );
    assert_eq!(run.code, 2);
    let expected = "error: broken.toml:1:1: key `bogus_key`: unknown field `bogus_key`, expected ";
    assert!(run.stderr.starts_with(expected), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!dir.path().join("out").exists());
}

/// Tables whose keys are free-form (tag names), so any key is accepted there.
const FREE_FORM_TABLES: [&str; 1] = ["tags"];

#[test]
fn unknown_key_in_any_table_is_named_with_its_dotted_path() {
    let text = dev_toml();
    let tables: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| table_header(line).map(|name| (i, name)))
        .filter(|(_, name)| !FREE_FORM_TABLES.contains(name))
        .collect();
    assert!(!tables.is_empty(), "dev.toml has tables");
    let dir = tempfile::tempdir().unwrap();

    for (index, table) in tables {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(index + 1, "bogus_nested = true");
        let run = synth_config(dir.path(), "broken.toml", &lines.join("\n"));

        assert_eq!(run.code, 2, "[{table}]");
        let expected = format!(
            "error: broken.toml:{}:1: key `{table}.bogus_nested`: ",
            index + 2
        );
        assert!(
            run.stderr.starts_with(&expected),
            "want {expected}\ngot {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("unknown field `bogus_nested`"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_value_the_app_refuses_is_located_and_explained() {
    let text = dev_toml().replace("owner = ", "owner = \"\"\nformer-owner = ");
    let line = 1 + text
        .lines()
        .position(|l| l == "owner = \"\"")
        .expect("dev.toml sets tags.owner");
    let dir = tempfile::tempdir().unwrap();

    let run = synth_config(dir.path(), "broken.toml", &text);

    assert_eq!(run.code, 2);
    let expected =
        format!("error: broken.toml:{line}:9: key `tags.owner`: invalid value: expected ");
    assert!(
        run.stderr.starts_with(&expected),
        "want {expected}\ngot {}",
        run.stderr
    );
}

#[test]
fn a_bad_terraform_backend_is_located_like_any_other_key() {
    let text = format!(
        "{}\n[terraform.backend]\nbucket = \"Not_A_Bucket\"\n",
        dev_toml()
    );
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("bucket = "))
        .expect("the backend bucket line");
    let dir = tempfile::tempdir().unwrap();

    let run = synth_config(dir.path(), "broken.toml", &text);

    assert_eq!(run.code, 2);
    let expected = format!("error: broken.toml:{line}:10: key `terraform.backend.bucket`");
    assert!(
        run.stderr.starts_with(&expected),
        "want {expected}\ngot {}",
        run.stderr
    );
}

#[test]
fn wrong_type_is_named_with_what_was_expected() {
    let mut config: toml::Table = toml::from_str(&dev_toml()).unwrap();
    let key = break_first_scalar(&mut config, "").expect("dev.toml has a number or boolean");
    let text = toml::to_string(&config).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.contains("\"not-a-scalar\""))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();

    let run = synth_config(dir.path(), "broken.toml", &text);

    assert_eq!(run.code, 2);
    let expected = format!("error: broken.toml:{line}:");
    assert!(
        run.stderr.starts_with(&expected),
        "want {expected}\ngot {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("key `{key}`: invalid type: string")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(", expected "), "{}", run.stderr);
}

#[test]
fn json_errors_have_positions_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut config: Value = toml::from_str(&dev_toml()).unwrap();
    config
        .as_object_mut()
        .unwrap()
        .insert("bogus_key".into(), Value::Bool(true));
    let text = serde_json::to_string_pretty(&config).unwrap();

    let run = synth_config(dir.path(), "broken.json", &text);

    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: broken.json:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("key `bogus_key`: unknown field `bogus_key`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_json_config_synthesizes_the_same_templates_as_its_toml_twin() {
    let dir = tempfile::tempdir().unwrap();
    let config: Value = toml::from_str(&dev_toml()).unwrap();
    fs::write(
        dir.path().join("dev.json"),
        serde_json::to_string(&config).unwrap(),
    )
    .unwrap();

    let run = stackwright(
        dir.path(),
        &[
            "synth",
            "--no-build",
            "--config",
            "dev.json",
            "--out",
            "from-json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    synth_env(dir.path(), "dev", &dir.path().join("from-toml"));

    // Templates only: the manifest names the config file, and the compliance reports record
    // where the config came from (the commit of the repository holding it, or none).
    let templates = |dir: &std::path::Path| {
        let mut files = files_in(dir);
        files.retain(|name, _| name.ends_with(".template.json"));
        files
    };
    let from_json = templates(&dir.path().join("from-json"));
    let from_toml = templates(&dir.path().join("from-toml"));
    assert!(!from_json.is_empty());
    assert_eq!(from_json, from_toml);
}

#[test]
fn a_missing_config_file_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = stackwright(
        dir.path(),
        &["synth", "--no-build", "--config", "nowhere.toml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot read config `nowhere.toml`: "),
        "{}",
        run.stderr
    );
}

fn table_header(line: &str) -> Option<&str> {
    let name = line.trim().strip_prefix('[')?.strip_suffix(']')?;
    let plain = !name.starts_with('[') && !name.contains(['"', '\'', ' ']);
    plain.then_some(name)
}
