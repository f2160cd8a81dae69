//! Linter settings: the allowlists and thresholds the security model fixes,
//! with defaults taken from it.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Deserialize;

/// Settings every rule can read.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
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
    pub log_retention_days: i64,
    /// The longest access token lifetime allowed, in minutes (AUTH-3).
    /// Default: 60.
    pub max_access_token_minutes: i64,
    /// The shortest password allowed (AUTH-2). Default: 8.
    pub min_password_length: i64,
    /// Rule IDs switched off. Default: none.
    pub disabled_rules: BTreeSet<String>,
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
        }
    }
}

impl Config {
    pub fn rule_enabled(&self, id: &str) -> bool {
        !self.disabled_rules.contains(id)
    }
}
