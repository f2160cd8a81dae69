//! S3005: a bucket served as an S3 website endpoint.

use crate::finding::Severity;
use crate::model::Kind;
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3005",
        name: "bucket-website-endpoint",
        title: "S3 bucket is configured as a website endpoint, which serves only HTTP",
        control: "DATA-4",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-CFR7"],
        checkov: &[],
        security_hub: &[],
        rationale: "S3 website endpoints speak plain HTTP and need public reads, so they can \
            satisfy neither an HTTPS-only website nor blocked public access.",
        remediation: "Remove `WebsiteConfiguration`, keep the bucket private and serve it \
            through CloudFront with Origin Access Control and `redirect-to-https`.",
        limitations: "",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        let finding = out.on(resource);
        if bucket.website {
            finding
                .path("Properties.WebsiteConfiguration", resource.loc)
                .fail("the bucket is an S3 website endpoint (HTTP only)");
        } else {
            finding.pass("the bucket is not a website endpoint");
        }
    }
}
