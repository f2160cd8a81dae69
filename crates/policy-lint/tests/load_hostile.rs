//! Hostile input: every case ends in a clean error (or a clean load) naming
//! the file, within a second or two, never a panic, hang or abort.

use std::path::Path;
use std::time::{Duration, Instant};

use policy_lint::load::{
    DiagnosticKind, Limits, LoadError, Loaded, load_bytes, load_file, load_path,
};

fn load(name: &str, bytes: &[u8]) -> Result<policy_lint::load::Document, LoadError> {
    load_bytes(Path::new(name), bytes, &Limits::default())
}

/// Runs `f` and checks it took less than two seconds.
fn quick<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn yaml_alias_bomb() {
    let mut text =
        String::from("Resources:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let err = quick(|| load("bomb.yaml", text.as_bytes())).expect_err("bomb");
    assert!(matches!(err, LoadError::AliasBudget { .. }), "{err}");
    assert!(err.to_string().starts_with("bomb.yaml:"), "{err}");
}

#[test]
fn deep_nesting_in_json_and_yaml() {
    let json = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = quick(|| load("deep.json", json.as_bytes())).expect_err("deep json");
    assert!(matches!(err, LoadError::TooDeep { .. }), "{err}");

    let flow = format!("Resources: {}", "[".repeat(100_000));
    let err = quick(|| load("deep.yaml", flow.as_bytes())).expect_err("deep flow yaml");
    assert!(err.to_string().starts_with("deep.yaml:1:"), "{err}");

    let block = format!("Resources:\n  R:\n    {}x\n", "- ".repeat(100_000));
    let err = quick(|| load("deep.yaml", block.as_bytes())).expect_err("deep block yaml");
    assert!(matches!(err, LoadError::TooDeep { .. }), "{err}");
}

#[test]
fn huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(200 * 1024 * 1024).expect("sparse file");
    let err = quick(|| load_file(&path, &Limits::default())).expect_err("huge");
    assert!(
        matches!(
            err,
            LoadError::TooLarge {
                size: 209_715_200,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("huge.json: file is 209715200 bytes, over the limit")
    );
}

#[test]
fn invalid_utf8_nul_empty_and_not_a_mapping() {
    let err = load("bad.yaml", b"Resources:\n  A: \xc3\x28\n").expect_err("utf-8");
    assert_eq!(err.to_string(), "bad.yaml:2:6: invalid utf-8");
    let err = load("nul.json", b"{\"Resources\": {}}\0").expect_err("nul");
    assert_eq!(err.to_string(), "nul.json:1:18: unexpected NUL byte");
    for empty in [&b""[..], b"   \n", b"\xef\xbb\xbf", b"# only a comment\n"] {
        let err = load("empty.yaml", empty).expect_err("empty");
        assert!(matches!(err, LoadError::Empty { .. }), "{err}");
    }
    let err = load("list.yaml", b"- Resources\n").expect_err("list");
    assert_eq!(
        err.to_string(),
        "list.yaml:1:1: top level is a list, not a mapping"
    );
    let err = load("scalar.json", b"42").expect_err("scalar");
    assert_eq!(
        err.to_string(),
        "scalar.json:1:1: top level is a number, not a mapping"
    );
}

#[test]
fn bom_and_crlf_are_fine() {
    let doc = load("bom.json", "\u{feff}{\"Resources\": {}}".as_bytes()).expect("bom json");
    assert!(doc.root.get("Resources").is_some());
    let yaml = "\u{feff}Resources:\r\n  Topic:\r\n    Type: AWS::SNS::Topic\r\n";
    let doc = load("crlf.yaml", yaml.as_bytes()).expect("bom crlf yaml");
    let ty = doc
        .root
        .pointer(&["Resources", "Topic", "Type"])
        .expect("type");
    assert_eq!(
        (ty.as_str(), ty.loc.line, ty.loc.column),
        (Some("AWS::SNS::Topic"), 3, 11)
    );
}

#[test]
fn duplicate_keys_in_both_syntaxes() {
    let doc = load("dup.yaml", b"Resources:\n  A: {Type: X}\n  A: {Type: Y}\n").expect("dup yaml");
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(doc.diagnostics[0].kind, DiagnosticKind::DuplicateKey);
    let a = doc.root.pointer(&["Resources", "A", "Type"]).expect("A");
    assert_eq!(a.as_str(), Some("Y"));
    let doc = load("dup.json", br#"{"Resources": {}, "Resources": {"B": {}}}"#).expect("dup json");
    assert_eq!(doc.diagnostics[0].loc.column, 19);
    assert!(doc.root.pointer(&["Resources", "B"]).is_some());
}

#[test]
fn huge_numbers_and_strings() {
    let digits = "9".repeat(1_000_000);
    let json = format!(
        "{{\"Resources\": {{}}, \"N\": {digits}, \"E\": 1e999999, \"S\": \"{}\"}}",
        "x".repeat(10_000_000)
    );
    let doc = quick(|| load("big.json", json.as_bytes())).expect("big numbers");
    assert_eq!(
        doc.root.get("N").and_then(|n| n.as_f64()),
        Some(f64::INFINITY)
    );
    assert_eq!(
        doc.root.get("E").expect("E").to_json(),
        serde_json::json!("1e999999")
    );
    let yaml = format!("Resources: {{}}\nN: {digits}\n");
    let doc = quick(|| load("big.yaml", yaml.as_bytes())).expect("big yaml number");
    assert_eq!(doc.root.get("N").and_then(|n| n.as_i64()), None);
}

#[test]
fn too_many_values() {
    let limits = Limits {
        max_nodes: 1000,
        ..Limits::default()
    };
    let json = format!("{{\"Resources\": [{}]}}", vec!["1"; 2000].join(","));
    let err = load_bytes(Path::new("many.json"), json.as_bytes(), &limits).expect_err("many");
    assert!(
        matches!(err, LoadError::TooManyNodes { limit: 1000, .. }),
        "{err}"
    );
    let yaml = format!("Resources: [{}]", vec!["1"; 2000].join(","));
    let err = load_bytes(Path::new("many.yaml"), yaml.as_bytes(), &limits).expect_err("many");
    assert!(
        matches!(err, LoadError::TooManyNodes { limit: 1000, .. }),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_link_in_a_walk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).expect("sub");
    std::fs::write(root.join("sub/t.yaml"), "Resources: {}\n").expect("template");
    std::os::unix::fs::symlink(root, root.join("sub/loop")).expect("loop link");
    std::os::unix::fs::symlink(root.join("gone.yaml"), root.join("dangling.yaml")).expect("link");
    let loaded = quick(|| load_path(root, &Limits::default())).expect("walk");
    let docs = loaded
        .iter()
        .filter(|l| matches!(l, Loaded::Document(_)))
        .count();
    assert_eq!(docs, 1, "{loaded:?}");
    let errors: Vec<String> = loaded
        .iter()
        .filter_map(|l| match l {
            Loaded::Failed(e) => Some(e.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("loop") && e.contains("symlink loop")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("dangling.yaml")),
        "{errors:?}"
    );
}
