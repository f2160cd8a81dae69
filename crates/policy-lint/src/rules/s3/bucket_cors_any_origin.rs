//! S3003: a bucket whose CORS rules admit any origin.

use crate::finding::Severity;
use crate::model::{Kind, State};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3003",
        name: "bucket-cors-any-origin",
        title: "S3 bucket CORS rules admit any origin",
        control: "S3-3",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &[],
        security_hub: &[],
        rationale: "A wildcard origin lets any web page read the bucket's responses from a \
            signed-in browser; the security model restricts CORS to named origins.",
        remediation: "List the exact `https://` origins of the site in `AllowedOrigins`.",
        limitations: "A wildcard inside an origin (`https://*.example.com`) is reported too: \
            it admits every subdomain, including ones a third party controls.",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for resource in &cx.model.resources {
        let Kind::Bucket(bucket) = &resource.kind else {
            continue;
        };
        let Some(origins) = &bucket.cors_origins else {
            continue;
        };
        for origin in origins {
            let finding = out.on(resource).at(origin);
            match &origin.state {
                State::Set(o) if o.contains('*') => {
                    finding.fail(format!("origin `{o}` is a wildcard"))
                }
                State::Set(o) if o.starts_with("http://") => {
                    finding.fail(format!("origin `{o}` is plain HTTP"));
                }
                State::Set(o) => finding.pass(format!("origin `{o}` is named")),
                State::Unknown(reason) => {
                    finding.unknown(format!("an origin cannot be read: {reason}"))
                }
                _ => {}
            }
        }
    }
}
