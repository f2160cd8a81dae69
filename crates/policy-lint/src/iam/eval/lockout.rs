//! Owner lockout: a resource policy that denies everyone, unconditionally,
//! the actions needed to change or remove the policy itself. Once applied,
//! nobody (short of the account root user, for S3) can repair it.
//!
//! The definition is deliberately narrow so that the usual guard-rail
//! denies are not reported: only a `Deny` to every principal (`*` or
//! `{"AWS": "*"}`), with no condition at all, whose actions include one of
//! the policy-management actions of the resource and whose resources reach
//! the resource itself. A `Deny` on insecure transport has a condition; a
//! `Deny` of `s3:DeleteObject` does not touch the policy; neither is a
//! lockout. `NotPrincipal` denies exempt someone and are not lockouts either.

use super::super::catalog::Catalog;
use super::super::policy::{Effect, Policy, Statement};
use super::action::ActionPattern;
use super::bucket::{BucketId, reach};
use super::site::{Site, Status};

/// The resource whose policy is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockoutTarget<'a> {
    /// A bucket policy: `s3:PutBucketPolicy` and `s3:DeleteBucketPolicy`
    /// denied on the bucket ARN.
    S3Bucket(BucketId<'a>),
    /// A key policy: `kms:PutKeyPolicy` denied (key policies name their key
    /// as `*`).
    KmsKey,
}

impl LockoutTarget<'_> {
    /// The actions without which the policy cannot be repaired.
    pub fn policy_actions(&self) -> &'static [&'static str] {
        match self {
            LockoutTarget::S3Bucket(_) => &["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
            LockoutTarget::KmsKey => &["kms:PutKeyPolicy"],
        }
    }
}

/// A statement that locks the owner out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockout {
    pub site: Site,
    /// The policy-management actions it denies.
    pub actions: Vec<&'static str>,
    pub status: Status,
}

/// Every statement of `policy` that locks everyone out of `target`'s policy.
pub fn owner_lockout(
    policy: &Policy,
    target: &LockoutTarget<'_>,
    catalog: &Catalog,
) -> Vec<Lockout> {
    let mut out = Vec::new();
    for statement in &policy.statements {
        let status = match &statement.effect.value {
            Effect::Deny => Status::Fail,
            Effect::Allow => continue,
            Effect::Unknown(reason) => Status::Unknown(format!("effect unknown: {reason}")),
        };
        if !statement.conditions.is_empty() || !denies_everyone(statement) {
            continue;
        }
        let actions = denied_policy_actions(statement, target, catalog);
        let Some(status) = reaches_target(statement, target).map(|s| status.and(s)) else {
            continue;
        };
        if !actions.is_empty() {
            out.push(Lockout {
                site: Site::statement(statement),
                actions,
                status,
            });
        }
    }
    out
}

fn denies_everyone(statement: &Statement) -> bool {
    let principals = statement.principals.as_ref();
    principals.is_some_and(|p| !p.negated && p.wildcards().next().is_some())
}

fn denied_policy_actions(
    statement: &Statement,
    target: &LockoutTarget<'_>,
    catalog: &Catalog,
) -> Vec<&'static str> {
    let Some(actions) = statement.actions.as_ref() else {
        return Vec::new();
    };
    let patterns: Vec<_> = actions
        .items
        .iter()
        .map(|i| ActionPattern::classify(&i.value, catalog))
        .collect();
    let denied = |name: &&str| {
        let Some(action) = catalog.action(name) else {
            return false;
        };
        let listed = patterns.iter().any(|p| p.includes(action));
        listed != actions.negated
    };
    target
        .policy_actions()
        .iter()
        .copied()
        .filter(|n| denied(n))
        .collect()
}

/// `Some(Fail)` when the resources reach the target, `Some(Unknown)` when
/// that cannot be told, `None` when they do not.
fn reaches_target(statement: &Statement, target: &LockoutTarget<'_>) -> Option<Status> {
    let LockoutTarget::S3Bucket(bucket) = target else {
        return Some(Status::Fail);
    };
    let resources = statement.resources.as_ref()?;
    if resources.negated {
        return Some(Status::Unknown("`NotResource` in a deny".into()));
    }
    let mut unknown = None;
    for item in &resources.items {
        match reach(&item.value, bucket) {
            Ok(r) if r.bucket => return Some(Status::Fail),
            Ok(_) => {}
            Err(reason) => unknown = Some(Status::Unknown(reason)),
        }
    }
    unknown
}
