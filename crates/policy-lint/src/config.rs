//! Linter settings: the allowlists and thresholds the security model fixes,
//! with defaults taken from it, and the per-rule switches a team sets in
//! `policy-lint.toml` (read by [`crate::config_file`]).

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use crate::finding::Severity;
use crate::rules;

/// Settings every rule can read.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "policy-lint.toml")]
pub struct Config {
    /// Actions a Lambda execution role may hold (IAM-1).
    /// Default: the item actions on the expenses table and the three
    /// CloudWatch Logs write actions the security model lists.
    pub lambda_allowlist: Vec<String>,
    /// Actions inside the allowlist that are still reported as warnings
    /// because they read across users. Default: `dynamodb:Scan`.
    pub lambda_discouraged: Vec<String>,
    /// Tag keys every taggable resource must carry (OPS-3).
    /// Default: `project`, `environment`, `owner`, `cost-center`.
    pub required_tags: Vec<String>,
    /// The retention every log group must have, in days (OPS-1). Default: 30.
    #[serde(deserialize_with = "at_least_one")]
    #[schemars(range(min = 1))]
    pub log_retention_days: i64,
    /// The longest access token lifetime allowed, in minutes (AUTH-3).
    /// Default: 60.
    #[serde(deserialize_with = "at_least_one")]
    #[schemars(range(min = 1))]
    pub max_access_token_minutes: i64,
    /// The shortest password allowed (AUTH-2). Default: 8.
    #[serde(deserialize_with = "at_least_one")]
    #[schemars(range(min = 1))]
    pub min_password_length: i64,
    /// Rule IDs switched off. Default: none.
    pub disabled_rules: BTreeSet<RuleId>,
    /// Severity per rule ID, replacing the rule's own for every finding it
    /// makes (`S3006 = "error"`). Default: none.
    pub severity: BTreeMap<RuleId, Severity>,
    /// Waiver policy: waiver files to read, unwaivable rules, unused waivers.
    pub waivers: WaiverPolicy,
    /// Bounds on reading one file (`[limits]`); each `--max-*` flag
    /// overrides its key. Default: the limits of `docs/limits.md`.
    pub limits: crate::limits_config::LimitSettings,
}

/// A count of days, minutes or characters: zero or less would make its rule meaningless
/// (every log group passes a zero retention), so the config refuses it.
fn at_least_one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let value = i64::deserialize(deserializer)?;
    if value < 1 {
        return Err(serde::de::Error::custom(format!(
            "must be at least 1, found {value}"
        )));
    }
    Ok(value)
}

/// The ID of a rule in the registry; anything else is refused when the
/// config is read, so a typo cannot silently switch nothing off.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(String);

impl RuleId {
    /// The ID, when a rule has it.
    pub fn new(id: &str) -> Option<Self> {
        rules::find(id).map(|_| Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for RuleId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Self::new(&id).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown rule `{id}` (`policy-lint rules` lists them)"
            ))
        })
    }
}

impl JsonSchema for RuleId {
    fn schema_name() -> Cow<'static, str> {
        "RuleId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let ids: Vec<&str> = rules::REGISTRY.iter().map(|r| r.meta.id).collect();
        json_schema!({
            "description": "The ID of a policy-lint rule.",
            "type": "string",
            "enum": ids,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            lambda_allowlist: strings(&[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                // Reading the function's own encrypted environment needs the
                // key; without it the function cannot start.
                "kms:Decrypt",
            ]),
            lambda_discouraged: strings(&["dynamodb:Scan"]),
            required_tags: strings(&["project", "environment", "owner", "cost-center"]),
            log_retention_days: 30,
            max_access_token_minutes: 60,
            min_password_length: 8,
            disabled_rules: BTreeSet::new(),
            severity: BTreeMap::new(),
            waivers: WaiverPolicy::default(),
            limits: crate::limits_config::LimitSettings::default(),
        }
    }
}

impl Config {
    pub fn rule_enabled(&self, id: &str) -> bool {
        !self.disabled_rules.contains(id)
    }

    /// The severity the findings of rule `id` take: the override, or
    /// `default` (the rule's own).
    pub fn severity_of(&self, id: &str, default: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(default)
    }
}

/// The `[waivers]` table: which waivers are read and which are refused.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct WaiverPolicy {
    /// Reviewed waiver files read on every run, relative to the directory of
    /// this config file (`policy-lint waivers-schema` prints their schema).
    /// Default: none.
    pub files: Vec<std::path::PathBuf>,
    /// Rules no waiver can suppress; a waiver that covers one of their
    /// findings is reported and the finding still fails. Default: none.
    pub unwaivable: BTreeSet<RuleId>,
    /// Findings at or above this severity (after `[severity]` overrides)
    /// cannot be waived. Default: every severity can be waived.
    pub unwaivable_severity: Option<Severity>,
    /// Report a waiver that matched no finding as an error (the run fails)
    /// rather than a warning. Default: false.
    pub fail_on_unused: bool,
}

impl WaiverPolicy {
    /// True when no waiver may suppress a finding of rule `id` at `severity`.
    pub fn is_unwaivable(&self, id: &str, severity: Severity) -> bool {
        self.unwaivable.contains(id) || self.unwaivable_severity.is_some_and(|s| severity >= s)
    }

    /// The severity of the diagnostic for an unused waiver.
    pub fn unused_severity(&self) -> Severity {
        if self.fail_on_unused {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}
