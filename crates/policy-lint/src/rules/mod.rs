//! The rule registry, rule metadata, and the small API rules write findings
//! through.
//!
//! A rule is a pure function of the model: it looks at resources and
//! records, for every resource it applies to, a pass, a failure or an
//! unknown. Each rule lives in its own file under a folder per service and
//! carries its own metadata; [`REGISTRY`] lists them in ID order. Rule IDs
//! are stable: a retired ID is never reused.

mod api;
mod cloudfront;
mod cognito;
mod collapse;
pub mod docs;
mod dynamodb;
mod emit;
mod general;
mod iam;
mod kms;
mod lambda;
mod logs;
mod s3;
mod sns;

pub use emit::{Emitter, FindingBuilder};

use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::model::Model;

/// Everything the docs, SARIF and the report say about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable ID, such as `S3001`.
    pub id: &'static str,
    /// The bad state the rule detects, in kebab case
    /// (`bucket-public-access-not-blocked`).
    pub name: &'static str,
    /// One line for listings.
    pub title: &'static str,
    /// The control from the control catalogue this rule enforces.
    pub control: &'static str,
    pub severity: Severity,
    /// Matching rule IDs in peer tools, where they exist.
    pub cdk_nag: &'static [&'static str],
    pub checkov: &'static [&'static str],
    pub security_hub: &'static [&'static str],
    /// Why the bad state matters.
    pub rationale: &'static str,
    /// What to write instead.
    pub remediation: &'static str,
    /// What the rule cannot see, and where it deliberately differs from
    /// peers. Empty when there is nothing to say.
    pub limitations: &'static str,
}

/// Facts rules share besides the model.
pub struct Context<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Context<'_>, &mut Emitter<'_>),
}

/// Runs every enabled rule over the model and returns the findings,
/// passes included, in a stable order. Waivers are applied afterwards, by
/// [`crate::waivers`], since they need the run's waiver files and date.
pub fn run(model: &Model, config: &Config) -> Vec<Finding> {
    let cx = Context { model, config };
    let mut findings = Vec::new();
    for rule in REGISTRY {
        if !config.rule_enabled(rule.meta.id) {
            continue;
        }
        let mut emitter = Emitter::new(&rule.meta, model, config, &mut findings);
        (rule.check)(&cx, &mut emitter);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    let mut findings = collapse::collapse(model, findings);
    for finding in &mut findings {
        finding.severity = config.severity_of(finding.rule, finding.severity);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// Looks a rule up by ID.
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|r| r.meta.id == id)
}

/// Every rule, in ID order.
pub static REGISTRY: &[&Rule] = &[
    &api::api_method_without_authorizer::RULE,
    &api::api_stage_not_throttled::RULE,
    &api::api_stage_without_access_logs::RULE,
    &cloudfront::distribution_allows_http::RULE,
    &cloudfront::distribution_old_tls::RULE,
    &cognito::user_pool_email_not_verified::RULE,
    &cognito::user_pool_weak_password_policy::RULE,
    &cognito::user_pool_client_long_access_token::RULE,
    &cognito::user_pool_mfa_unavailable::RULE,
    &dynamodb::table_without_kms_encryption::RULE,
    &dynamodb::table_pitr_off::RULE,
    &iam::table_policy_public::RULE,
    &iam::table_readable_outside_functions::RULE,
    &iam::lambda_role_beyond_allowlist::RULE,
    &iam::policy_wildcard_action::RULE,
    &iam::policy_partial_wildcard_action::RULE,
    &iam::policy_wildcard_resource::RULE,
    &iam::policy_privilege_escalation::RULE,
    &iam::role_trust_public::RULE,
    &iam::role_aws_managed_policy::RULE,
    &iam::lambda_role_scans_table::RULE,
    &iam::role_trust_oidc_any_subject::RULE,
    &kms::key_rotation_off::RULE,
    &lambda::function_env_without_cmk::RULE,
    &logs::log_group_retention_too_short_or_unbounded::RULE,
    &general::errors_without_alarm::RULE,
    &general::stateful_resource_not_retained::RULE,
    &s3::bucket_public_access_not_blocked::RULE,
    &s3::bucket_acl_public::RULE,
    &s3::bucket_cors_any_origin::RULE,
    &s3::bucket_not_encrypted::RULE,
    &s3::bucket_website_endpoint::RULE,
    &iam::bucket_policy_public::RULE,
    &iam::bucket_allows_plain_http::RULE,
    &iam::bucket_policy_locks_out_owner::RULE,
    &iam::resource_policy_public::RULE,
    &general::hard_coded_secret::RULE,
    &sns::topic_not_encrypted::RULE,
    &general::resource_missing_required_tags::RULE,
    &general::template_input_problem::RULE,
];
