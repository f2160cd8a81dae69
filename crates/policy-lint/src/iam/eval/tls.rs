//! TLS-only buckets: does the bucket policy deny every request made without
//! TLS, on the bucket *and* on its objects?
//!
//! A statement counts when it is a `Deny` to every principal (`*` or
//! `{"AWS": "*"}`), of every action (`*` or `s3:*`), whose only condition is
//! `Bool` / `BoolIfExists` `aws:SecureTransport` = `false`. Any other
//! condition in the same statement would narrow the deny, so such a
//! statement does not count. A bucket with no policy at all is not covered
//! (Guard registry #240); a deny on `bucket/*` alone leaves bucket-level
//! calls open (aws-cdk #13760).
//!
//! A separate deny of `NumericLessThan` `s3:TlsVersion` below 1.2, under the
//! same rules, is reported as the minimum-version floor.

use super::super::catalog::Catalog;
use super::super::policy::Test;
use super::super::policy::{Condition, Effect, Policy, Statement};
use super::action::ActionPattern;
use super::bucket::{BucketId, reach};
use super::site::{Site, Status};

/// Whether the bucket, or its objects, are covered by a TLS deny.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Covered by the statement at this site.
    Covered(Site),
    /// Nothing covers it.
    Missing,
    /// A statement might cover it; the reason says what is unknown.
    Unknown(String),
}

/// The TLS verdict for one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsOnly {
    /// Requests on the bucket ARN (`ListBucket`, `PutBucketPolicy`, …).
    pub bucket: Coverage,
    /// Requests on `bucket/*` (`GetObject`, `PutObject`, …).
    pub objects: Coverage,
    /// A deny of TLS versions below 1.2, if the policy has one.
    pub min_tls_1_2: Option<Site>,
}

impl TlsOnly {
    /// `None` when both parts are covered.
    pub fn status(&self) -> Option<Status> {
        match (&self.bucket, &self.objects) {
            (Coverage::Covered(_), Coverage::Covered(_)) => None,
            (Coverage::Missing, _) | (_, Coverage::Missing) => Some(Status::Fail),
            (Coverage::Unknown(r), _) | (_, Coverage::Unknown(r)) => {
                Some(Status::Unknown(r.clone()))
            }
        }
    }
}

/// Judges the policies attached to `bucket` (none, for a bucket without a
/// bucket policy).
pub fn tls_only(policies: &[&Policy], bucket: &BucketId<'_>, catalog: &Catalog) -> TlsOnly {
    let mut verdict = TlsOnly {
        bucket: Coverage::Missing,
        objects: Coverage::Missing,
        min_tls_1_2: None,
    };
    for policy in policies {
        for unknown in &policy.unknowns {
            let reason = Coverage::Unknown(unknown.value.clone());
            merge(&mut verdict.bucket, reason.clone());
            merge(&mut verdict.objects, reason);
        }
        for statement in &policy.statements {
            judge(statement, bucket, catalog, &mut verdict);
        }
    }
    verdict
}

fn judge(statement: &Statement, bucket: &BucketId<'_>, catalog: &Catalog, verdict: &mut TlsOnly) {
    let Some(kind) = deny_kind(statement, catalog) else {
        return;
    };
    let Some(resources) = statement.resources.as_ref().filter(|r| !r.negated) else {
        return;
    };
    for item in &resources.items {
        let site = Site::item(statement, item);
        let found = match (&kind, reach(&item.value, bucket)) {
            (_, Err(reason)) => (Coverage::Unknown(reason.clone()), Coverage::Unknown(reason)),
            (Ok(Kind::Transport), Ok(r)) if site.guards.is_empty() => {
                let cover = |hit| {
                    if hit {
                        Coverage::Covered(site.clone())
                    } else {
                        Coverage::Missing
                    }
                };
                (cover(r.bucket), cover(r.objects))
            }
            (Ok(Kind::Version), Ok(r)) if r.bucket || r.objects => {
                verdict.min_tls_1_2.get_or_insert(site.clone());
                continue;
            }
            (Err(reason), Ok(r)) => unknown_if(r.bucket, r.objects, reason),
            (Ok(Kind::Transport), Ok(r)) => unknown_if(r.bucket, r.objects, &guarded(&site)),
            (Ok(Kind::Version), Ok(_)) => continue,
        };
        merge(&mut verdict.bucket, found.0);
        merge(&mut verdict.objects, found.1);
    }
}

fn unknown_if(bucket: bool, objects: bool, reason: &str) -> (Coverage, Coverage) {
    let part = |hit| {
        if hit {
            Coverage::Unknown(reason.to_owned())
        } else {
            Coverage::Missing
        }
    };
    (part(bucket), part(objects))
}

fn guarded(site: &Site) -> String {
    let guards: Vec<String> = site.guards.iter().map(ToString::to_string).collect();
    format!("the TLS deny applies only when {}", guards.join(", "))
}

/// Covered beats unknown beats missing.
fn merge(slot: &mut Coverage, found: Coverage) {
    let keep = matches!(
        (&*slot, &found),
        (Coverage::Covered(_), _)
            | (_, Coverage::Missing)
            | (Coverage::Unknown(_), Coverage::Unknown(_))
    );
    let better = !keep;
    if better {
        *slot = found;
    }
}

enum Kind {
    Transport,
    Version,
}

/// Whether the statement is a transport deny or a TLS-version deny of the
/// required shape; `Err` when it might be but something is unknown.
fn deny_kind(statement: &Statement, catalog: &Catalog) -> Option<Result<Kind, String>> {
    let unknown = statement.conditions.iter().flat_map(|c| &c.values);
    if let Some(reason) = unknown.filter_map(|v| v.value.unknown_reason()).next() {
        let might_count = statement.effect.value != Effect::Allow;
        return might_count.then(|| Err(format!("condition value unknown: {reason}")));
    }
    let kind = match statement.conditions.as_slice() {
        [c] if is_insecure_transport(c) => Kind::Transport,
        [c] if is_old_tls(c) => Kind::Version,
        _ => return None,
    };
    let everyone = statement
        .principals
        .as_ref()
        .is_some_and(|p| !p.negated && p.wildcards().next().is_some());
    if !everyone || !all_s3_actions(statement, catalog)? {
        return None;
    }
    match &statement.effect.value {
        Effect::Deny => Some(Ok(kind)),
        Effect::Allow => None,
        Effect::Unknown(reason) => Some(Err(format!("effect unknown: {reason}"))),
    }
}

/// `Some(true)` when an action value is `*` or `s3:*`.
fn all_s3_actions(statement: &Statement, catalog: &Catalog) -> Option<bool> {
    let actions = statement.actions.as_ref().filter(|a| !a.negated)?;
    let all =
        actions
            .items
            .iter()
            .any(|item| match ActionPattern::classify(&item.value, catalog) {
                ActionPattern::All => true,
                ActionPattern::Service(service) => service.prefix == "s3",
                _ => false,
            });
    Some(all)
}

fn is_insecure_transport(condition: &Condition) -> bool {
    let op = &condition.operator;
    op.test == Test::Bool
        && op.set.is_none()
        && condition.is_on("aws:SecureTransport")
        && condition.values_all_equal("false")
}

fn is_old_tls(condition: &Condition) -> bool {
    let op = &condition.operator;
    let floor = |v: &crate::iam::Item<crate::sym::Sym>| {
        v.value
            .as_literal()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some_and(|f| f >= 1.2)
    };
    op.test == Test::NumericLessThan
        && op.set.is_none()
        && !op.if_exists
        && condition.is_on("s3:TlsVersion")
        && !condition.values.is_empty()
        && condition.values.iter().all(floor)
}
