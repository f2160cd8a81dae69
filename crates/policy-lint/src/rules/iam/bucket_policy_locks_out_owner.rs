//! S3008: a bucket policy that denies everyone the right to change it.

use super::{Protected, at_policy, at_site, finish, protected};
use crate::finding::Severity;
use crate::iam::Catalog;
use crate::iam::eval::{BucketId, LockoutTarget, owner_lockout};
use crate::model::{Kind, Policy, PolicyKind};
use crate::rules::{Context, Emitter, Rule, RuleMeta};

pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "S3008",
        name: "bucket-policy-locks-out-owner",
        title: "Bucket policy denies everyone, unconditionally, the right to change the policy",
        control: "S3-2",
        severity: Severity::Error,
        cdk_nag: &[],
        checkov: &["CKV_AWS_93"],
        security_hub: &[],
        rationale: "Once applied, nobody but the account root user can repair the policy: the \
            bucket's access can no longer be managed.",
        remediation: "Give the deny a condition (such as `aws:SecureTransport: false`) or \
            exempt the administrators with `aws:PrincipalArn`.",
        limitations: "Deliberately narrow: only an unconditional `Deny` to `*` of \
            `s3:PutBucketPolicy` or `s3:DeleteBucketPolicy` on the bucket counts. Guard-rail \
            denies with conditions, and denies of object actions, pass (checkov CKV_AWS_93 \
            reports them).",
    },
    check,
};

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let catalog = Catalog::embedded();
    let policies = cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Resource && protected(p) == Protected::Bucket);
    for policy in policies {
        let Some((target, name)) = bucket_of(cx, policy) else {
            continue;
        };
        let id = BucketId {
            target: &target,
            name: name.as_deref(),
        };
        let found = owner_lockout(&policy.parsed, &LockoutTarget::S3Bucket(id), catalog);
        if found.is_empty() {
            at_policy(out, policy).pass("the policy can still be changed by its owner");
        }
        for f in found {
            let message = format!("denies everyone `{}` on the bucket", f.actions.join("`, `"));
            finish(at_site(out, policy, &f.site), &f.status, message);
        }
    }
}

/// The bucket a bucket policy is attached to, with its literal name.
fn bucket_of(cx: &Context<'_>, policy: &Policy) -> Option<(String, Option<String>)> {
    let sym = policy.attached_to.first()?;
    if let Some((target, _)) = sym.references().next() {
        let name = cx.model.resource(target).find_map(|r| match &r.kind {
            Kind::Bucket(b) => b.name.clone(),
            _ => None,
        });
        return Some((target.to_owned(), name));
    }
    sym.as_literal()
        .map(|name| (String::new(), Some(name.to_owned())))
}
