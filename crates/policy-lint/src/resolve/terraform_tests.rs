//! Tests of Terraform interpolations and `jsonencode` documents.

use std::path::Path;

use super::*;
use crate::load::{Limits, load_bytes};

const TF: &str = r#"{
  "variable": {"stage": {"default": "dev"}, "free": {}, "cfg": {"default": {"name": "n", "list": ["a"]}}},
  "locals": {"prefix": "app-${var.stage}", "policy": {"Version": "2012-10-17"}, "loop": "${local.loop}x",
             "doc": "${jsonencode({Version = \"2012-10-17\"})}"},
  "resource": {"aws_s3_bucket": {"site": {"bucket": "${local.prefix}-site"}}}
}"#;

fn resolver() -> TfResolver {
    let doc = load_bytes(Path::new("main.tf.json"), TF.as_bytes(), &Limits::default()).unwrap();
    TfResolver::new(&doc)
}

fn sym(text: &str) -> Sym {
    resolver().sym(&Node::string(text, Default::default()))
}

#[test]
fn references_variables_and_locals() {
    assert_eq!(
        sym("${aws_s3_bucket.site.arn}"),
        Sym::reference("aws_s3_bucket.site", Some("arn"))
    );
    assert_eq!(
        sym("${aws_s3_bucket.site[0].arn}/*").to_string(),
        "${aws_s3_bucket.site.arn}/*"
    );
    assert_eq!(
        sym("${aws_kms_key.k}"),
        Sym::reference("aws_kms_key.k", None)
    );
    assert_eq!(sym("${var.stage}-x"), Sym::text("dev-x"));
    assert_eq!(sym("${var.cfg.name}/${var.cfg.list[0]}"), Sym::text("n/a"));
    assert_eq!(
        sym("${var.free}").unknown_reason(),
        Some("variable `free` has no default")
    );
    assert_eq!(sym("${local.prefix}"), Sym::text("app-dev"));
    assert!(
        sym("${local.loop}")
            .unknown_reason()
            .is_some_and(|r| r.contains("refer back"))
    );
}

#[test]
fn unknowable_values_have_reasons() {
    let reason = |t| {
        sym(t)
            .unknown_reason()
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert_eq!(
        reason("${data.aws_iam_policy_document.p.json}"),
        "data source `data.aws_iam_policy_document.p` is read at plan time"
    );
    assert_eq!(reason("${module.web.arn}"), "output of module `web`");
    assert_eq!(
        reason("${each.value}"),
        "`each.value` depends on where it is evaluated"
    );
    assert_eq!(
        reason("${upper(var.stage)}"),
        "function `upper` is not evaluated"
    );
    assert_eq!(
        reason("${var.a == 1 ? 2 : 3}"),
        "expression `var.a == 1 ? 2 : 3` is not evaluated"
    );
    assert_eq!(
        reason("%{ if true }x%{ endif }"),
        "template directives are not evaluated"
    );
}

#[test]
fn escapes_and_literals() {
    assert_eq!(
        sym("arn:aws:s3:::b/$${aws:username}/*"),
        Sym::text("arn:aws:s3:::b/${aws:username}/*")
    );
    assert_eq!(sym("${\"quoted ${var.stage}\"}"), Sym::text("quoted dev"));
    assert_eq!(sym("plain"), Sym::text("plain"));
    assert_eq!(sym("${unclosed"), Sym::text("${unclosed"));
}

#[test]
fn jsonencode_of_literals_becomes_a_tree() {
    let r = resolver();
    let text = r#"${jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        "Action" = ["s3:GetObject", "s3:PutObject"],
        Resource = "${aws_s3_bucket.site.arn}/*"
        Other    = aws_s3_bucket.site.arn # a comment
        Count    = 2
        Half     = var.n / 2 // halves
        Cond     = { Bool = { "aws:SecureTransport" = false } }
      }]
    })}"#;
    let doc = r.document(&Node::string(text, Default::default())).unwrap();
    let want = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "${aws_s3_bucket.site.arn}/*",
            "Other": "${aws_s3_bucket.site.arn}",
            "Count": 2,
            "Half": "${var.n / 2}",
            "Cond": {"Bool": {"aws:SecureTransport": false}},
        }],
    });
    assert_eq!(doc.to_json(), want);
    let resource = doc.pointer(&["Statement"]).unwrap().as_array().unwrap()[0]
        .get("Other")
        .unwrap();
    assert_eq!(
        r.sym(resource),
        Sym::reference("aws_s3_bucket.site", Some("arn"))
    );
}

#[test]
fn documents_from_json_strings_and_locals() {
    let r = resolver();
    let json = Node::string(
        r#"{"Version":"2012-10-17","Statement":[]}"#,
        Default::default(),
    );
    assert_eq!(
        r.document(&json).unwrap().to_json()["Version"],
        "2012-10-17"
    );
    let local = Node::string("${local.policy}", Default::default());
    assert_eq!(
        r.document(&local).unwrap().to_json(),
        serde_json::json!({"Version": "2012-10-17"})
    );
    let encoded = Node::string("${local.doc}", Default::default());
    assert_eq!(
        r.document(&encoded).unwrap().to_json(),
        serde_json::json!({"Version": "2012-10-17"})
    );
    assert!(
        r.document(&Node::string("${data.x.y.json}", Default::default()))
            .is_none()
    );
    assert!(
        r.document(&Node::string("not json", Default::default()))
            .is_none()
    );
    assert!(
        r.document(&Node::string("${jsonencode(var.x) }", Default::default()))
            .is_some_and(|n| n.as_str() == Some("${var.x}"))
    );
}
