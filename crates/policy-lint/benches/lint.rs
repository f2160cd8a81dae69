//! Linter speed: the CDK-written expense template, the whole public
//! corpus, and generated templates of 1,000 and 10,000 resources (cost must
//! grow linearly). Run with `cargo bench -p policy-lint`; whole-process
//! figures against peer tools come from `scripts/compare-peers`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use divan::Bencher;
use policy_lint::lint::{Options, lint_bytes, lint_paths};

fn main() {
    divan::main();
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[divan::bench]
fn cdk_expense_template(bencher: Bencher<'_, '_>) {
    let path = fixtures().join("anchors/cdk-expense.template.json");
    let bytes = std::fs::read(&path).expect("the anchor template is in the repository");
    let options = Options::default();
    bencher.bench(|| lint_bytes(&path, &bytes, &options).map(|r| r.findings.len()));
}

#[divan::bench(sample_count = 10)]
fn public_corpus(bencher: Bencher<'_, '_>) {
    let paths = vec![fixtures().join("corpus")];
    let options = Options::default();
    bencher.bench(|| lint_paths(&paths, &options).findings.len());
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn generated(bencher: Bencher<'_, '_>, resources: usize) {
    let path = PathBuf::from(format!("generated-{resources}.json"));
    let bytes = generated_template(resources).into_bytes();
    let options = Options::default();
    bencher.bench(|| lint_bytes(&path, &bytes, &options).map(|r| r.findings.len()));
}

/// A template of `n` resources cycling through a bucket with its policy, a
/// table, a log group and a role with an inline policy on the table.
fn generated_template(n: usize) -> String {
    let mut out = String::from("{\"Resources\": {");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = match i % 5 {
            0 => write!(
                out,
                r#""Bucket{i}": {{"Type": "AWS::S3::Bucket", "Properties": {{"PublicAccessBlockConfiguration": {{"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}, "Tags": [{{"Key": "project", "Value": "p"}}]}}}}"#
            ),
            1 => write!(
                out,
                r#""Policy{i}": {{"Type": "AWS::S3::BucketPolicy", "Properties": {{"Bucket": {{"Ref": "Bucket{b}"}}, "PolicyDocument": {{"Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [{{"Fn::GetAtt": ["Bucket{b}", "Arn"]}}, {{"Fn::Sub": "${{Bucket{b}.Arn}}/*"}}], "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}]}}}}}}"#,
                b = i - 1
            ),
            2 => write!(
                out,
                r#""Table{i}": {{"Type": "AWS::DynamoDB::Table", "Properties": {{"KeySchema": [{{"AttributeName": "userId", "KeyType": "HASH"}}], "SSESpecification": {{"SSEEnabled": true}}}}}}"#
            ),
            3 => write!(
                out,
                r#""Logs{i}": {{"Type": "AWS::Logs::LogGroup", "Properties": {{"RetentionInDays": 30}}}}"#
            ),
            _ => write!(
                out,
                r#""Role{i}": {{"Type": "AWS::IAM::Role", "Properties": {{"AssumeRolePolicyDocument": {{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}, "Policies": [{{"PolicyName": "data", "PolicyDocument": {{"Statement": [{{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": {{"Fn::GetAtt": ["Table{t}", "Arn"]}}}}]}}}}]}}}}"#,
                t = i - 2
            ),
        };
    }
    out.push_str("}}");
    out
}
