//! Rules on IAM policies, trust policies and resource policies, built on
//! the evaluator in [`crate::iam::eval`].

pub(crate) mod bucket_allows_plain_http;
pub(crate) mod bucket_policy_locks_out_owner;
pub(crate) mod bucket_policy_public;
pub(crate) mod lambda_role_beyond_allowlist;
pub(crate) mod lambda_role_scans_table;
pub(crate) mod policy_partial_wildcard_action;
pub(crate) mod policy_privilege_escalation;
pub(crate) mod policy_wildcard_action;
pub(crate) mod policy_wildcard_resource;
pub(crate) mod resource_policy_public;
pub(crate) mod role_aws_managed_policy;
pub(crate) mod role_trust_oidc_any_subject;
pub(crate) mod role_trust_public;
pub(crate) mod table_policy_public;
pub(crate) mod table_readable_outside_functions;

use crate::finding::Assumption;
use crate::iam::eval::{Site, Status};
use crate::model::{Policy, PolicyKind};
use crate::rules::{Emitter, FindingBuilder};

/// Starts a finding on the resource that holds `policy`, at `site`.
pub(super) fn at_site<'e, 'a>(
    out: &'e mut Emitter<'a>,
    policy: &Policy,
    site: &Site,
) -> FindingBuilder<'e, 'a> {
    let guards: Vec<Assumption> = site
        .guards
        .iter()
        .map(|g| Assumption {
            condition: g.condition.clone(),
            value: g.holds,
        })
        .collect();
    let mut path = format!("{}.Statement[{}]", policy.path, site.statement);
    if let Some(sid) = &site.sid {
        path = format!("{path} ({sid})");
    }
    out.on_id(&policy.owner, &policy.owner_type, policy.document.loc)
        .assuming(&policy.assumptions)
        .assuming(&guards)
        .path(path, site.loc)
}

/// Starts a finding on the resource that holds `policy`, at the document.
pub(super) fn at_policy<'e, 'a>(
    out: &'e mut Emitter<'a>,
    policy: &Policy,
) -> FindingBuilder<'e, 'a> {
    out.on_id(&policy.owner, &policy.owner_type, policy.document.loc)
        .assuming(&policy.assumptions)
        .path(policy.path.clone(), policy.document.loc)
}

/// Records a failure or unknown as the evaluator judged it.
pub(super) fn finish(builder: FindingBuilder<'_, '_>, status: &Status, message: String) {
    match status {
        Status::Fail => builder.fail(message),
        Status::Unknown(reason) => builder.unknown(format!("{message} (cannot tell: {reason})")),
    }
}

/// Policies that grant permissions to principals: identity policies, and
/// resource policies (whose wildcards grant to whoever they name).
pub(super) fn granting(policies: &[Policy]) -> impl Iterator<Item = &Policy> {
    policies.iter().filter(|p| p.kind != PolicyKind::Trust)
}

/// `a`, `b`, `c` and 4 more.
pub(super) fn action_list(actions: &[&crate::iam::Action]) -> String {
    let mut shown: Vec<String> = actions
        .iter()
        .take(3)
        .map(|a| format!("`{}`", a.full_name()))
        .collect();
    let more = actions.len().saturating_sub(3);
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    match shown.len() {
        0 => "(none)".to_owned(),
        1 => shown.remove(0),
        n => {
            let last = shown.remove(n - 1);
            format!("{} and {last}", shown.join(", "))
        }
    }
}

/// What a resource policy protects, by the type that holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Protected {
    Bucket,
    Table,
    Other,
}

pub(super) fn protected(policy: &Policy) -> Protected {
    let ty = policy.owner_type.as_str();
    if ty == "AWS::S3::BucketPolicy" || ty.starts_with("aws_s3_bucket") {
        Protected::Bucket
    } else if ty.starts_with("AWS::DynamoDB::") || ty.starts_with("aws_dynamodb") {
        Protected::Table
    } else {
        Protected::Other
    }
}

/// Public-exposure findings for the resource policies protecting `what`.
pub(super) fn check_public(cx: &crate::rules::Context<'_>, out: &mut Emitter<'_>, what: Protected) {
    check_public_with(cx, out, what, |_, _| 0);
}

/// [`check_public`] with an extra check per policy that returns how many
/// findings it recorded; a policy passes only when both found nothing.
pub(super) fn check_public_with(
    cx: &crate::rules::Context<'_>,
    out: &mut Emitter<'_>,
    what: Protected,
    extra: impl Fn(&mut Emitter<'_>, &Policy) -> usize,
) {
    use crate::iam::eval::{ExposureVia, public_exposure};
    let policies = cx
        .model
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Resource && protected(p) == what);
    for policy in policies {
        let found = public_exposure(&policy.parsed);
        let extra_found = extra(out, policy);
        if found.is_empty() && extra_found == 0 {
            at_policy(out, policy).pass("the policy admits named principals only");
        }
        for f in found {
            let message = match f.via {
                ExposureVia::WildcardPrincipal => {
                    "allows any principal without a narrowing condition"
                }
                ExposureVia::NotPrincipal => "`NotPrincipal` in an `Allow` admits everyone else",
                ExposureVia::FederatedWithoutAudience => {
                    "admits a federated principal without an audience condition"
                }
            };
            let principal = f
                .principal
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let builder = at_site(out, policy, &f.site).detail(format!("Principal::{principal}"));
            finish(builder, &f.status, message.to_owned());
        }
    }
}

/// The identity policies that apply to a role: attached to it by reference
/// (inline policies, `AWS::IAM::Policy`, managed policies naming the role),
/// or managed policies in the template that the role lists.
pub(super) fn role_policies<'m>(
    model: &'m crate::model::Model,
    role: &crate::model::Resource,
) -> Vec<&'m Policy> {
    let mut found: Vec<&Policy> = model
        .policies_on(&role.id)
        .filter(|p| p.kind == PolicyKind::Identity)
        .collect();
    if let crate::model::Kind::Role(r) = &role.kind {
        for arn in &r.managed_policies {
            let Some(sym) = arn.value() else { continue };
            for (owner, _) in sym.references() {
                let owned = model
                    .policies
                    .iter()
                    .filter(|p| p.kind == PolicyKind::Identity && p.owner == owner);
                found.extend(owned);
            }
        }
    }
    found.sort_by_key(|p| std::ptr::from_ref::<Policy>(*p));
    found.dedup_by_key(|p| std::ptr::from_ref::<Policy>(*p));
    found
}
