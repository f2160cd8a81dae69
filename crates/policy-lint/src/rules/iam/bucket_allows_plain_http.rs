//! S3007: a bucket whose policy does not refuse requests without TLS.

use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::{BucketId, Coverage, tls_only};
use crate::model::{Kind, PolicyKind};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3007",
        name: "bucket-allows-plain-http",
        title: "Bucket policy does not deny requests made without TLS, on the bucket and its objects",
        control: "DATA-4",
        severity: Severity::Error,
        cdk_nag: &["AwsSolutions-S10"],
        checkov: &["CKV_AWS_379"],
        security_hub: &["S3.5"],
        rationale: "S3 answers plain HTTP unless the bucket policy refuses it; credentials and \
            data then cross the network in the clear.",
        remediation: "Add a `Deny` for `s3:*` to principal `*` with `Bool: {aws:SecureTransport: \
            false}` on both the bucket ARN and `bucket/*`.",
        limitations: "A bucket without any policy fails (the Guard registry rule skips it). The \
            deny must reach both the bucket and its objects; one that covers only `bucket/*` \
            fails, the gap aws-cdk once shipped. Resources are matched by reference or by the \
            bucket's literal name.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        let policies: Vec<&crate::iam::Policy> = cx
            .model
            .policies_on(&resource.id)
            .filter(|p| p.kind == PolicyKind::Resource)
            .map(|p| &p.parsed)
            .collect();
        let id = BucketId {
            target: &resource.id,
            name: bucket.name.as_deref(),
        };
        let verdict = tls_only(&policies, &id, catalog);
        let finding = out.on(resource);
        match (&verdict.bucket, &verdict.objects) {
            (Coverage::Covered(_), Coverage::Covered(site)) => {
                finding
                    .path("bucket policy", site.loc)
                    .pass("requests without TLS are denied");
            }
            (Coverage::Unknown(reason), _) | (_, Coverage::Unknown(reason)) => {
                finding.unknown(format!("the TLS deny cannot be judged: {reason}"));
            }
            _ if policies.is_empty() => {
                finding.fail("no bucket policy denies requests without TLS")
            }
            (Coverage::Missing, Coverage::Missing) => {
                finding.fail("the bucket policy does not deny requests without TLS");
            }
            (Coverage::Missing, _) => {
                finding.fail("the TLS deny covers the objects but not the bucket itself");
            }
            (_, Coverage::Missing) => {
                finding.fail("the TLS deny covers the bucket but not its objects");
            }
        }
    }
}
