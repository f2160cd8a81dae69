//! Walking a directory: templates found by extension, `.gitignore` and
//! hidden entries honoured, non-templates skipped with a reason, broken
//! templates reported, and the order the same every time.

use std::path::Path;

use policy_lint::load::{Limits, Loaded, load_path};

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn summary(root: &Path) -> Vec<String> {
    let loaded = load_path(root, &Limits::default()).expect("walk");
    loaded
        .iter()
        .map(|l| {
            let (path, what) = match l {
                Loaded::Document(d) => (d.path.clone(), d.format.to_string()),
                Loaded::Skipped { path, .. } => (path.clone(), "skipped".into()),
                Loaded::Failed(e) => (e.path().to_owned(), "failed".into()),
            };
            let rel = path.strip_prefix(root).expect("inside root").display();
            format!("{rel} {what}")
        })
        .collect()
}

#[test]
fn a_repository_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "ignored/\n*.bak.yaml\n");
    write(
        root,
        "z-stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
    );
    write(root, "infra/main.tf.json", r#"{"resource": {}}"#);
    write(
        root,
        "infra/plan.json",
        r#"{"format_version": "1.2", "resource_changes": []}"#,
    );
    write(root, "cdk.out/App.template.json", r#"{"Resources": {}}"#);
    write(root, "package.json", r#"{"name": "app"}"#);
    write(root, "tsconfig.json", "{ // comments\n}");
    write(root, "workflow.yml", "on: push\njobs: {}\n");
    write(root, "broken.json", r#"{"Resources": {"#);
    write(root, "notes.md", "Resources");
    write(root, "ignored/t.yaml", "Resources: {}\n");
    write(root, "old.bak.yaml", "Resources: {}\n");
    write(root, ".github/ci.yaml", "Resources: {}\n");
    let want = [
        "broken.json failed",
        "cdk.out/App.template.json cfn-json",
        "infra/main.tf.json terraform-json",
        "infra/plan.json terraform-plan-json",
        "package.json skipped",
        "tsconfig.json skipped",
        "workflow.yml skipped",
        "z-stack.yaml cfn-yaml",
    ];
    assert_eq!(summary(root), want);
    assert_eq!(summary(root), want, "same order every time");
}

#[test]
fn skipped_files_say_why_and_a_named_file_must_be_a_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "package.json", r#"{"name": "app"}"#);
    let loaded = load_path(dir.path(), &Limits::default()).expect("walk");
    let Some(Loaded::Skipped { reason, .. }) = loaded.first() else {
        panic!("{loaded:?}");
    };
    assert!(reason.contains("no `Resources`"), "{reason}");
    let named = load_path(&dir.path().join("package.json"), &Limits::default()).expect("file");
    let Some(Loaded::Failed(err)) = named.first() else {
        panic!("{named:?}");
    };
    assert!(err.to_string().ends_with("not a CloudFormation template, Terraform JSON or Terraform plan: no `Resources` or `AWSTemplateFormatVersion` key"), "{err}");
    assert!(load_path(&dir.path().join("missing"), &Limits::default()).is_err());
    let one = load_path(&dir.path().join("package.json"), &Limits::default()).expect("file");
    assert_eq!(one.len(), 1);
}

#[test]
fn a_folder_without_templates_passes_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "package.json", r#"{"name": "app"}"#);
    let lint = |path: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_policy-lint"))
            .arg("lint")
            .arg(path)
            .output()
            .expect("the binary runs")
    };
    let out = lint(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: no CloudFormation or Terraform template found in")
            && stderr.contains("nothing was checked"),
        "{stderr}"
    );
    write(
        dir.path(),
        "t.json",
        r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#,
    );
    let out = lint(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("nothing was checked"), "{stderr}");
}
