//! The control catalogue as data: every control of the security model, its
//! stable ID, its wording, and whether rules decide it or a person must look.
//!
//! `docs/security-model.md` is the human source; this table holds the same
//! catalogue for the compliance report, and a test keeps the two identical
//! (IDs, groups, wording, kind and reviewer guidance). IDs are never
//! renumbered or reused.

use crate::rules::{self, Rule};

/// How a control is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Rules in [`rules::REGISTRY`] decide it from the template.
    Machine,
    /// A person decides it; the text says what the reviewer looks at.
    Manual { reviewer: &'static str },
}

/// One control of the catalogue.
#[derive(Debug)]
pub struct Control {
    /// Stable ID, such as `S3-1`.
    pub id: &'static str,
    /// The section of `docs/security-model.md` it sits in.
    pub group: &'static str,
    /// What must hold, in one or two sentences.
    pub title: &'static str,
    pub check: Check,
    /// True for a control about each template as a whole, whose rules
    /// report only problems: a template read without one passes it.
    pub whole_template: bool,
}

impl Control {
    pub fn is_manual(&self) -> bool {
        matches!(self.check, Check::Manual { .. })
    }

    /// What a reviewer looks at, for a manual control.
    pub fn reviewer_guidance(&self) -> Option<&'static str> {
        match self.check {
            Check::Machine => None,
            Check::Manual { reviewer } => Some(reviewer),
        }
    }

    /// The rules that decide this control, in registry order.
    pub fn rules(&self) -> impl Iterator<Item = &'static Rule> {
        let id = self.id;
        rules::REGISTRY
            .iter()
            .copied()
            .filter(move |r| r.meta.control == id)
    }
}

/// Looks a control up by ID.
pub fn find(id: &str) -> Option<&'static Control> {
    CATALOGUE.iter().find(|c| c.id == id)
}

const SIGN_IN: &str = "Sign-in and tokens";
const API: &str = "The API";
const DATA: &str = "Data at rest and in transit";
const IAM: &str = "Identity and access";
const STORAGE: &str = "Storage";
const OPS: &str = "Operations";
const MANUAL: &str = "Manual controls";

const fn machine(id: &'static str, group: &'static str, title: &'static str) -> Control {
    Control {
        id,
        group,
        title,
        check: Check::Machine,
        whole_template: false,
    }
}

const fn manual(id: &'static str, title: &'static str, reviewer: &'static str) -> Control {
    Control {
        id,
        group: MANUAL,
        title,
        check: Check::Manual { reviewer },
        whole_template: false,
    }
}

/// Every control, in the order of `docs/security-model.md`.
pub static CATALOGUE: &[Control] = &[
    machine(
        "AUTH-1",
        SIGN_IN,
        "A new user must prove they own their e-mail address before the account is usable.",
    ),
    machine(
        "AUTH-2",
        SIGN_IN,
        "Passwords have at least 8 characters and must contain a digit, an upper-case letter \
         and a symbol.",
    ),
    machine(
        "AUTH-3",
        SIGN_IN,
        "Access and ID tokens expire within one hour; longer sessions go through refresh \
         tokens, which can be revoked.",
    ),
    machine(
        "AUTH-4",
        SIGN_IN,
        "Every user can turn on a second factor (TOTP). It may be optional.",
    ),
    machine(
        "API-1",
        API,
        "Every API method requires a Cognito-issued JWT, checked by a user-pool authorizer. \
         The only exception is a CORS preflight that a MOCK integration answers without \
         touching data.",
    ),
    machine(
        "API-2",
        API,
        "The API is rate limited at the stage (or by a usage plan), so one client cannot \
         exhaust it.",
    ),
    machine("API-3", API, "Every stage writes access logs."),
    machine(
        "API-4",
        API,
        "Clients reach the API and the website only over TLS 1.2 or newer.",
    ),
    machine(
        "DATA-1",
        DATA,
        "Buckets encrypt objects at rest (SSE-S3 is enough).",
    ),
    machine(
        "DATA-2",
        DATA,
        "Tables are encrypted with a KMS key (the AWS-managed key is enough).",
    ),
    machine(
        "DATA-3",
        DATA,
        "Lambda environment variables are encrypted with a customer-managed KMS key.",
    ),
    machine(
        "DATA-4",
        DATA,
        "Buckets refuse any request that does not use TLS, and the website is served over \
         HTTPS only.",
    ),
    machine(
        "DATA-5",
        DATA,
        "Expense items are keyed by the user's ID, and only the API's functions may read the \
         table.",
    ),
    machine("DATA-6", DATA, "Topics and queues are encrypted at rest."),
    machine(
        "IAM-1",
        IAM,
        "A function's role holds only the actions on the allowlist: item reads and writes on \
         the expenses table and writes to its own log group.",
    ),
    machine(
        "IAM-2",
        IAM,
        "No policy allows a wildcard action, and no policy allows a wildcard resource for an \
         action that can be scoped to a resource.",
    ),
    machine(
        "IAM-3",
        IAM,
        "No policy allows privilege escalation: passing any role, IAM writes, assuming any \
         role, attaching policies.",
    ),
    machine(
        "IAM-4",
        IAM,
        "A role's trust policy admits only the intended service or account.",
    ),
    machine(
        "IAM-5",
        IAM,
        "Workload roles use policies written for them, not broad AWS-managed policies.",
    ),
    machine(
        "PUB-1",
        IAM,
        "No resource policy (key, topic, queue, secret, function permission) admits \
         principals outside the account without a condition that narrows them.",
    ),
    machine(
        "KMS-1",
        IAM,
        "Customer-managed symmetric keys rotate automatically.",
    ),
    machine(
        "S3-1",
        STORAGE,
        "Every bucket turns on all four Block Public Access settings.",
    ),
    machine(
        "S3-2",
        STORAGE,
        "No bucket policy or ACL grants public read or write.",
    ),
    machine(
        "S3-3",
        STORAGE,
        "Bucket CORS rules name their origins; none is a wildcard.",
    ),
    machine(
        "DB-1",
        STORAGE,
        "A table has no resource policy open to everyone.",
    ),
    machine(
        "DB-2",
        STORAGE,
        "Point-in-time recovery is on. The model leaves it off, so a missing PITR is a \
         warning, not an error.",
    ),
    machine(
        "OPS-1",
        OPS,
        "Every log group keeps its logs for exactly 30 days: not less (evidence is lost), not \
         forever (personal data is kept past its purpose).",
    ),
    machine(
        "OPS-2",
        OPS,
        "Function errors and API 5xx responses raise alarms.",
    ),
    machine(
        "OPS-3",
        OPS,
        "Every taggable resource carries the required tags (`project`, `environment`, \
         `owner`, `cost-center` by default).",
    ),
    machine(
        "SEC-1",
        OPS,
        "No secret is written into a template: not in environment variables, parameter \
         defaults, outputs or code.",
    ),
    machine(
        "SEC-2",
        OPS,
        "Stateful resources (tables, user pools, buckets, keys) survive stack deletion and \
         replacement.",
    ),
    Control {
        whole_template: true,
        ..machine(
            "TPL-1",
            OPS,
            "The template is well formed: no duplicate keys, every reference resolves, \
             nothing the linter would have to guess.",
        )
    },
    manual(
        "PRIV-1",
        "Users can export all their data.",
        "The `GET /export` handler returns every item of the caller, as JSON or CSV, and \
         nothing of anyone else.",
    ),
    manual(
        "PRIV-2",
        "Users can erase their account and their data.",
        "The `DELETE /me` handler deletes every item of the caller and then the Cognito user; \
         deleting the Cognito user alone would leave the expenses behind.",
    ),
    manual(
        "CI-1",
        "Deploy credentials are not long-lived, and workflows run with the least permissions.",
        "The CI workflow assumes a role through OIDC, limited to the repository and branch, \
         and declares a minimal `permissions:` block.",
    ),
    manual(
        "IR-1",
        "Incidents are detected, contained, investigated, recovered from and written up.",
        "Alarms reach a person; there is a runbook for revoking credentials and redeploying; \
         post-mortems are kept.",
    ),
    manual(
        "TEST-1",
        "The sign-in flows are penetration-tested.",
        "A dated test report covering sign-up, sign-in, password reset and token refresh.",
    ),
];
