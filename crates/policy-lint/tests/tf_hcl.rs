//! Terraform HCL input: a module of three `.tf` files (a variable with a
//! default, a local, references across files) is read as one module, its
//! findings point at the right file, line and column, and the same module in
//! JSON syntax gives the same findings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use policy_lint::finding::Status;
use policy_lint::lint::{Options, lint_paths};
use policy_lint::load::{self, Format, Limits, Loaded};
use policy_lint::output::{Report, render_human};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tf")
        .join(name)
}

fn lint(path: PathBuf) -> Report {
    lint_paths(&[path], &Options::default())
}

fn portable(text: &str) -> String {
    text.replace(&format!("{}/", env!("CARGO_MANIFEST_DIR")), "")
}

/// What a finding says, leaving out where it is written.
fn verdicts(report: &Report) -> BTreeSet<(String, String, Status, Option<String>, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            let message = f.message.clone();
            (
                f.rule.to_owned(),
                f.resource.clone(),
                f.status,
                f.detail.clone(),
                message,
            )
        })
        .collect()
}

#[test]
fn a_module_of_tf_files_is_one_document() {
    let loaded = load::load_path(&fixture("hcl_module"), &Limits::default()).expect("walks");
    let docs: Vec<_> = loaded
        .iter()
        .filter_map(|l| match l {
            Loaded::Document(doc) => Some(doc),
            _ => None,
        })
        .collect();
    assert_eq!(docs.len(), 1, "{loaded:?}");
    assert_eq!(docs[0].format, Format::TerraformHcl);
    let files: Vec<_> = docs[0]
        .parts
        .iter()
        .map(|p| {
            p.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(files, ["main.tf", "security.tf", "variables.tf"]);
}

#[test]
fn hcl_module_human_output() {
    let report = lint(fixture("hcl_module"));
    insta::assert_snapshot!("hcl_module_human", portable(&render_human(&report)));
}

#[test]
fn findings_point_at_the_file_line_and_column() {
    let report = lint(fixture("hcl_module"));
    let at = |rule: &str| {
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == rule && f.status == Status::Fail)
            .unwrap_or_else(|| panic!("a {rule} failure"));
        let file = f
            .file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        (file.to_owned(), f.line, f.column)
    };
    // The public access block is in security.tf; the variable's default
    // (7 days) comes from variables.tf; the bucket is in main.tf.
    assert_eq!(at("S3001"), ("security.tf".to_owned(), 5, 29));
    assert_eq!(at("LOG001"), ("main.tf".to_owned(), 26, 23));
    assert_eq!(at("S3007"), ("main.tf".to_owned(), 5, 26));
    assert_eq!(at("IAM002"), ("security.tf".to_owned(), 24, 12));
    // Tags come from a local in another file: TAG001 passes everywhere.
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "TAG001")
            .all(|f| f.status == Status::Pass)
    );
    assert_eq!(report.sources.len(), 3);
}

#[test]
fn the_same_module_in_json_gives_the_same_findings() {
    let hcl = lint(fixture("hcl_module"));
    let json = lint(fixture("hcl_parity/module.tf.json"));
    assert!(!hcl.findings.is_empty());
    assert_eq!(verdicts(&hcl), verdicts(&json));
}

#[test]
fn a_syntax_error_is_located() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ok.tf"), "variable \"a\" {}\n").expect("write");
    std::fs::write(
        dir.path().join("bad.tf"),
        "resource \"x\" \"y\" {\n  a = \n}\n",
    )
    .expect("write");
    let report = lint(dir.path().to_path_buf());
    assert_eq!(report.input_errors.len(), 1, "{:?}", report.input_errors);
    let e = &report.input_errors[0];
    assert!(e.file.ends_with("bad.tf"), "{e:?}");
    assert_eq!((e.line, e.column), (2, 7), "{e:?}");
}

#[test]
fn a_tf_file_named_directly_is_read_on_its_own() {
    let report = lint(fixture("hcl_module/security.tf"));
    assert!(report.input_errors.is_empty(), "{:?}", report.input_errors);
    // Without variables.tf the tags local is unknown, never a pass.
    let role_tags = report
        .findings
        .iter()
        .find(|f| f.rule == "TAG001" && f.resource == "aws_iam_role.worker")
        .expect("TAG001 on the role");
    assert_ne!(role_tags.status, Status::Pass);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "IAM002" && f.status == Status::Fail)
    );
}

#[test]
fn nesting_is_bounded_before_parsing() {
    let limits = Limits::default();
    let nested = |depth: usize| {
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    // hcl-edit itself stops at 64 levels, with a located syntax error.
    let ok = load::load_bytes(Path::new("ok.tf"), nested(60).as_bytes(), &limits);
    assert!(ok.is_ok(), "{ok:?}");
    let parser =
        load::load_bytes(Path::new("p.tf"), nested(100).as_bytes(), &limits).expect_err("refused");
    assert!(parser.to_string().starts_with("p.tf:2:"), "{parser}");
    let deep = load::load_bytes(
        Path::new("deep.tf"),
        nested(limits.max_depth * 4).as_bytes(),
        &limits,
    )
    .expect_err("refused");
    assert!(deep.to_string().starts_with("deep.tf:2:"), "{deep}");
    assert!(deep.to_string().contains("nesting deeper than"), "{deep}");
}

#[test]
fn lint_bytes_reads_a_tf_file() {
    let text = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n";
    let report =
        policy_lint::lint::lint_bytes(Path::new("k.tf"), text.as_bytes(), &Options::default())
            .expect("lints");
    let kms = report
        .findings
        .iter()
        .find(|f| f.rule == "KMS001")
        .expect("KMS001");
    assert_eq!((kms.status, kms.line, kms.column), (Status::Fail, 2, 25));
    assert_eq!(kms.file, Path::new("k.tf"));
}

#[test]
fn a_module_gets_one_compliance_report_with_every_file_as_input() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = policy_lint::report::report_paths(
        &[fixture("hcl_module")],
        &Options::default(),
        out.path(),
    )
    .expect("writes");
    assert!(
        run.combined.input_errors.is_empty(),
        "{:?}",
        run.combined.input_errors
    );
    let json =
        std::fs::read_to_string(out.path().join("hcl_module.compliance.json")).expect("read");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let inputs: Vec<&str> = doc["header"]["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .filter_map(|p| p.rsplit('/').next())
        .collect();
    assert_eq!(inputs, ["main.tf", "security.tf", "variables.tf"]);
}

/// Seeded byte mutations of the module's files and of a waiver file: every
/// mutant gives a report or a load error (HCL) and waivers or an error
/// (waiver file), never a panic.
#[test]
fn mutated_hcl_and_waiver_files_never_panic() {
    let mut seeds: Vec<(String, Vec<u8>)> = ["main.tf", "security.tf", "variables.tf"]
        .iter()
        .map(|n| {
            let bytes = std::fs::read(fixture("hcl_module").join(n)).expect("read");
            ((*n).to_owned(), bytes)
        })
        .collect();
    let waivers = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/waivers/policy-lint.waivers.toml");
    seeds.push(("w.toml".to_owned(), std::fs::read(waivers).expect("read")));
    let mut state: u64 = 0x5eed_1234_abcd_ef01;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const BYTES: &[u8] = b"{}[]()\"=\\$%#\n x1.-<>?:,*";
    for round in 0..600 {
        let (name, seed) = &seeds[round % seeds.len()];
        let mut bytes = seed.clone();
        for _ in 0..(1 + next() % 4) {
            let at = (next() as usize) % bytes.len().max(1);
            let byte = BYTES[(next() as usize) % BYTES.len()];
            match next() % 3 {
                0 => bytes.insert(at, byte),
                1 if !bytes.is_empty() => {
                    bytes.remove(at.min(bytes.len() - 1));
                }
                _ => bytes.truncate(at),
            }
        }
        if name.ends_with(".toml") {
            let text = String::from_utf8_lossy(&bytes);
            let _ = policy_lint::waivers::file::parse(Path::new(name), &text);
        } else if let Ok(report) =
            policy_lint::lint::lint_bytes(Path::new(name), &bytes, &Options::default())
        {
            let _ = render_human(&report);
        }
    }
}
