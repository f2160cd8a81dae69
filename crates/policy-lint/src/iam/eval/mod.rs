//! The analyses the IAM, public-access and TLS rules are built on. Each
//! takes a parsed [`Policy`](super::Policy) (and the catalog where actions
//! must be expanded) and returns findings that name the statement, the
//! offending value and its location, with a [`Status`] of fail or unknown;
//! a pass is an empty result.
//!
//! Common ground, so no rule has to relearn it:
//! - only `Allow` statements grant; a `Deny` is never reported as a grant
//!   and wildcards in it are fine;
//! - a statement whose `Effect` cannot be read counts as a possible grant,
//!   with status unknown;
//! - a value with an unknown part, and a policy whose structure is unknown,
//!   give unknown findings, never a silent pass;
//! - values that exist only under a template condition carry its
//!   [`Guard`](super::Guard)s in [`Site::guards`].

mod action;
mod admin;
mod allowlist;
mod bucket;
mod decide;
mod escalation;
pub mod escalation_list;
mod lockout;
mod managed;
mod public;
mod resource;
mod site;
mod tls;
mod tokens;
mod unknown_action;
mod wildcard_action;
mod wildcard_resource;

pub use action::ActionPattern;
pub use admin::{AdminStatement, admin_statements};
pub use allowlist::{
    AllowedAction, Allowlist, AllowlistViolation, Deviation, allowlist_violations,
};
pub use bucket::BucketId;
pub use decide::{Decision, is_allowed};
pub use escalation::{
    EscalatingAction, Escalation, EscalationReason, privilege_escalation,
    reason as escalation_reason,
};
pub use lockout::{Lockout, LockoutTarget, owner_lockout};
pub use managed::{ManagedPolicyArn, is_elevated_aws_managed};
pub use public::{Exposure, ExposureVia, NARROWING_KEYS, Narrowing, narrowing, public_exposure};
pub use resource::{ResourceScope, Wildcard};
pub use site::{Site, Status};
pub use tls::{Coverage, TlsOnly, tls_only};
pub use unknown_action::{UnknownAction, unknown_actions};
pub use wildcard_action::{ActionWildcard, WildcardAction, wildcard_actions};
pub use wildcard_resource::{WildcardResource, wildcard_resources};

#[cfg(test)]
mod tests;
