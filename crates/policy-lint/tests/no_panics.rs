//! The `policy-lint` binary never panics: every hostile input below, and
//! every file of the fixture corpus, ends with exit code 0, 1 or 2 and no
//! `panicked` on stderr, linted one file at a time and as one directory
//! (where a bad file must not stop the others).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Inputs that break a naive reader: broken syntax, wrong shapes at every
/// level the linter looks into, and resource bombs.
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let mut bomb = String::from("Resources:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let text: &[(&str, &str)] = &[
        ("truncated.json", r#"{"Resources": {"A": {"Type": "#),
        ("unterminated.yaml", "Resources:\n  A: \"open\n"),
        ("tabs.yaml", "Resources:\n\tA:\n\t\tType: AWS::S3::Bucket\n"),
        (
            "tags.yaml",
            "Resources:\n  A:\n    Type: !Foo [1, {a: !Ref}]\n    Properties: !GetAtt\n",
        ),
        ("bad-intrinsics.yaml", BAD_INTRINSICS),
        ("bad-shapes.json", BAD_SHAPES),
        ("bad-policy.json", BAD_POLICY),
        ("resources-list.yaml", "Resources: [1, 2]\n"),
        (
            "resources-string.yaml",
            "Resources: nope\nConditions: 5\nParameters: []\n",
        ),
        ("cycle.yaml", CYCLE),
        ("foreach.yaml", FOREACH),
        (
            "bad.tf.json",
            r#"{"resource": {"aws_s3_bucket": 5, "aws_iam_role": {"r": []}}}"#,
        ),
        (
            "bad-list.tf.json",
            r#"{"resource": [{"aws_iam_policy": {"p": {"policy": "{\"Statement\": 5"}}}]}"#,
        ),
        (
            "bad.tfplan.json",
            r#"{"format_version": "1.2", "planned_values": 5, "resource_changes": [{"change": 7}]}"#,
        ),
        ("only-comment.yaml", "# nothing\n"),
        ("list.yaml", "- a\n"),
        ("dup.yaml", "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n"),
        (
            "crlf.yaml",
            "\u{feff}Resources:\r\n  T:\r\n    Type: AWS::SNS::Topic\r\n",
        ),
        ("bomb.yaml", &bomb),
    ];
    let mut out: Vec<(&str, Vec<u8>)> = text
        .iter()
        .map(|(n, t)| (*n, t.as_bytes().to_vec()))
        .collect();
    let deep = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    out.push(("deep.json", deep.into_bytes()));
    out.push((
        "deep.yaml",
        format!("Resources: {}", "{a: ".repeat(100_000)).into_bytes(),
    ));
    out.push(("utf8.yaml", b"Resources:\n  A: \xc3\x28\n".to_vec()));
    out.push(("nul.json", b"{\"Resources\": {}}\0".to_vec()));
    out.push(("utf16.json", b"\xff\xfe{\0\"".to_vec()));
    let digits = "9".repeat(100_000);
    let big = format!(
        "{{\"Resources\": {{\"A\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"N\": {digits}, \"E\": 1e99999, \"S\": \"{}\"}}}}}}}}",
        "x".repeat(1_000_000)
    );
    out.push(("big.json", big.into_bytes()));
    out
}

const BAD_INTRINSICS: &str = r#"Resources:
  A:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${unterminated"
      Tags: !Join [",", !Split]
      X: !Select [99, [1]]
      Y: !FindInMap [M, !Ref AWS::Region, k]
      Z: !If [NoSuchCondition, 1, 2]
      W: !GetAZs 5
      V: !Base64 {a: b}
      U: {"Fn::Sub": [5, {x: y}]}
"#;

const BAD_SHAPES: &str = r#"{"Resources": {
  "A": {"Type": 5, "Properties": []},
  "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": "yes", "PublicAccessBlockConfiguration": [true]}},
  "C": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": 5, "Policies": {"x": 1}}},
  "D": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": [1, 2]}}},
  "E": {"Type": "AWS::DynamoDB::Table", "Properties": {"SSESpecification": null}},
  "F": "not an object",
  "G": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": "text"}}
}}"#;

const BAD_POLICY: &str = r#"{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
  "Statement": [
    {"Effect": ["Allow"], "Action": {"a": 1}, "Resource": 5},
    {"Effect": "Allow", "NotAction": [], "NotResource": [null]},
    {"Effect": "Deny", "Action": "*", "Principal": {"AWS": {"x": []}}, "Condition": {"Bogus": 5}},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": [1]}},
    5, null, []
  ]}}}}}"#;

const CYCLE: &str = r#"Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  X:
    Type: AWS::S3::Bucket
    Condition: A
    Properties:
      BucketName: !GetAtt Y.Arn
  Y:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !GetAtt X.Arn
"#;

const FOREACH: &str = r#"Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Bad:
    - X
    - !Ref Missing
    - B${X}:
        Type: AWS::S3::Bucket
  Fn::ForEach::Worse: 5
"#;

fn lint(paths: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .arg("lint")
        .arg("--format=json")
        .args(paths)
        .output()
        .expect("policy-lint runs")
}

fn decode(path: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["decode", "--resolve"])
        .arg(path)
        .output()
        .expect("policy-lint runs")
}

fn assert_clean_exit(what: &str, output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{what}: exit {:?}, stderr {stderr}",
        output.status
    );
}

#[test]
fn hostile_inputs_one_by_one_and_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in hostile() {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = lint(&[&path]);
        assert_clean_exit(name, &output);
        assert_eq!(output.status.code(), Some(lint_code(&output)), "{name}");
        assert_clean_exit(name, &decode(&path));
    }
    add_file_system_oddities(dir.path());
    let output = lint(&[dir.path()]);
    assert_clean_exit("the hostile directory", &output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    assert_eq!(output.status.code(), Some(2), "input errors give exit 2");
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["file"]
            .as_str()
            .is_some_and(|p| p.ends_with("bad-shapes.json"))),
        "the good parts of the directory are still linted"
    );
}

/// The exit code a run must have: 2 when an input could not be read.
fn lint_code(output: &std::process::Output) -> i32 {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    let input_errors = report["input_errors"].as_array().map_or(0, Vec::len);
    match (input_errors, output.status.code()) {
        (0, Some(code)) => code,
        _ => 2,
    }
}

/// A sparse 200 MB file, a directory named like a template, a symlink loop
/// and a link to a device.
fn add_file_system_oddities(dir: &Path) {
    let huge = std::fs::File::create(dir.join("huge.json")).expect("create");
    huge.set_len(200 * 1024 * 1024).expect("sparse");
    std::fs::create_dir(dir.join("dir.json")).expect("dir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir, dir.join("dir.json/loop")).expect("loop");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).expect("zero");
    }
}

#[test]
fn every_fixture_lints_and_decodes_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert_clean_exit("the fixture corpus", &lint(&[&root]));
    for path in templates(&root) {
        assert_clean_exit(&path.display().to_string(), &decode(&path));
    }
}

fn templates(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(templates(&path));
        } else if path.extension().is_some_and(|e| {
            ["json", "yaml", "yml", "template"].contains(&e.to_string_lossy().as_ref())
        }) {
            out.push(path);
        }
    }
    out.sort();
    out
}
