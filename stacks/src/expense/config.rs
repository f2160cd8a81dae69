//! The per-environment configuration of the expense-tracker stack.
//!
//! One file per environment (`stacks/config/<env>.toml`) deserializes into [`ExpenseConfig`];
//! unknown keys are refused (`deny_unknown_fields`) so a typo never silently falls back to a
//! default. Types catch what serde can; [`ExpenseConfig::validate`] catches the rest (ranges,
//! `https` origins, no `*`) and names the dotted key of every problem. The JSON Schema of the
//! file is generated from these types with schemars.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use thiserror::Error;

/// A config value that parses but is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid config key `{key}`: {expected}")]
pub struct ConfigError {
    /// The dotted key, e.g. `api.throttle_rate_limit`.
    pub key: String,
    /// What was expected instead.
    pub expected: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            expected: expected.into(),
        }
    }
}

/// The whole configuration of one environment of the expense tracker.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseConfig {
    /// The environment name (`dev`, `prod`, …): lower-case letters, digits and `-`. It becomes
    /// the `environment` tag and the suffix of the stack name.
    pub environment: String,
    /// The CloudFormation stack name. Default: `expense-tracker-<environment>`.
    #[serde(default)]
    pub stack_name: Option<String>,
    /// The AWS region the stack is meant for (recorded in the template metadata; the template
    /// itself is region-neutral). Default: none.
    #[serde(default)]
    pub region: Option<String>,
    /// The 12-digit AWS account the stack is meant for. Default: none.
    #[serde(default)]
    pub account: Option<String>,
    /// Tags applied to every taggable resource. `project`, `owner` and `cost-center` are
    /// required; `environment` is added from the `environment` key.
    pub tags: BTreeMap<String, String>,
    /// What happens to stateful resources (table, user pool, bucket, keys, log groups) when the
    /// stack deletes or replaces them. Default: `retain`.
    #[serde(default)]
    pub removal_policy: RemovalPolicyConfig,
    /// The REST API.
    #[serde(default)]
    pub api: ApiConfig,
    /// The expenses table.
    #[serde(default)]
    pub table: TableConfig,
    /// The Cognito user pool and its web client.
    #[serde(default)]
    pub auth: AuthConfig,
    /// The static website (S3 behind CloudFront).
    #[serde(default)]
    pub site: SiteConfig,
    /// Alarms and where they are sent.
    #[serde(default)]
    pub alarms: AlarmsConfig,
    /// Settings shared by the seven Lambda functions.
    #[serde(default)]
    pub functions: FunctionsConfig,
    /// Settings of the Terraform output (`synth --target tf`). Default: local state.
    #[serde(default)]
    pub terraform: TerraformConfig,
    /// The role GitHub Actions assumes (OIDC) to deploy this stack. Default: none: no CI
    /// role.
    #[serde(default)]
    pub ci: Option<CiConfig>,
}

/// Settings of the Terraform output.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformConfig {
    /// An S3 state backend (state encrypted, runs locked). Default: none, Terraform's local
    /// state, fine for one engineer only.
    #[serde(default)]
    pub backend: Option<BackendConfig>,
}

/// An S3 state backend.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    /// The state bucket (an S3 bucket name).
    pub bucket: String,
    /// The state object's key. Default: `<stack name>/terraform.tfstate`.
    #[serde(default)]
    pub key: Option<String>,
    /// The state bucket's region. Default: the top-level `region`.
    #[serde(default)]
    pub region: Option<String>,
    /// Lock with this DynamoDB table instead of a lock file next to the state (`use_lockfile`,
    /// Terraform 1.10+). Default: the lock file.
    #[serde(default)]
    pub dynamodb_table: Option<String>,
}

/// The CI deploy role: which repository, and which branch or environment, may deploy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CiConfig {
    /// The GitHub repository, `OWNER/REPO`.
    pub repository: String,
    /// The branch whose workflow runs may deploy, e.g. `main`. Exactly one of `branch` and
    /// `environment`.
    #[serde(default)]
    pub branch: Option<String>,
    /// The GitHub deployment environment whose jobs may deploy, e.g. `prod` (its protection
    /// rules then gate every deploy). Exactly one of `branch` and `environment`.
    #[serde(default)]
    pub environment: Option<String>,
    /// ARN of the account's existing GitHub OIDC provider (IAM holds one per URL per
    /// account, so environments sharing an account share it). Default: none: the stack
    /// creates the provider.
    #[serde(default)]
    pub oidc_provider_arn: Option<String>,
    /// ARN of a role CloudFormation acts with during a deploy (`--role-arn`); the CI role may
    /// pass it to CloudFormation and nothing else. Default: none.
    #[serde(default)]
    pub cloudformation_role_arn: Option<String>,
}

/// What happens to stateful resources on deletion or replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RemovalPolicyConfig {
    /// Keep them (and their data).
    #[default]
    Retain,
    /// Delete them with the stack (throw-away environments only).
    Destroy,
}

/// Settings of the REST API.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// The stage name. Default: `api`.
    pub stage_name: String,
    /// Steady-state requests per second across the stage. Default: `50`.
    pub throttle_rate_limit: f64,
    /// Burst capacity in requests. Default: `100`.
    pub throttle_burst_limit: i64,
    /// Browser origins allowed to call the API besides the site itself, each `https://host`
    /// (never `*`). Default: none.
    pub cors_origins: Vec<String>,
    /// Register this stack's CloudWatch role with API Gateway (`AWS::ApiGateway::Account`).
    /// The registration is one per account and region: when several environments share an
    /// account, set it on exactly one. Default: `true`.
    pub manage_account_logging_role: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            stage_name: "api".to_owned(),
            throttle_rate_limit: 50.0,
            throttle_burst_limit: 100,
            cors_origins: Vec::new(),
            manage_account_logging_role: true,
        }
    }
}

/// Settings of the expenses table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TableConfig {
    /// Point-in-time recovery. Default: `true` (the dev config turns it off).
    pub point_in_time_recovery: bool,
    /// Deletion protection. Default: `true`.
    pub deletion_protection: bool,
}

impl Default for TableConfig {
    fn default() -> Self {
        Self {
            point_in_time_recovery: true,
            deletion_protection: true,
        }
    }
}

/// Settings of the user pool and its web client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Access-token lifetime in minutes (5 to 60: the model caps it at one hour). Default: `60`.
    pub access_token_minutes: i64,
    /// ID-token lifetime in minutes (5 to 60). Default: `60`.
    pub id_token_minutes: i64,
    /// Refresh-token lifetime in days (1 to 3650). Default: `30`.
    pub refresh_token_days: i64,
    /// Multi-factor authentication. Default: `optional`.
    pub mfa: MfaConfig,
    /// Minimum password length (8 to 99: only stricter than the model). Default: `8`.
    pub password_min_length: i64,
    /// Deletion protection of the user pool. Default: `true`.
    pub deletion_protection: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            access_token_minutes: 60,
            id_token_minutes: 60,
            refresh_token_days: 30,
            mfa: MfaConfig::Optional,
            password_min_length: 8,
            deletion_protection: true,
        }
    }
}

/// Whether users must set up TOTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MfaConfig {
    /// Users may turn on TOTP.
    #[default]
    Optional,
    /// Every user must use TOTP.
    Required,
}

/// Settings of the static website.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The site's domain name (e.g. `app.example.com`). Needs `certificate_arn`. Default:
    /// none: the site is served on its `*.cloudfront.net` name.
    pub domain: Option<String>,
    /// ARN of an ACM certificate in `us-east-1` covering `domain`. Default: none.
    pub certificate_arn: Option<String>,
    /// The web app's build output folder (e.g. `../web/dist`), relative to this config
    /// file. `synth` checks it (no source maps, `.env` files or credentials) and lists its
    /// files in the manifest for `deploy`. Default: none: no files are published.
    pub build_dir: Option<String>,
    /// Files of `build_dir` to publish although the check refuses them, each with a reason.
    /// Default: none.
    pub waivers: Vec<crate::site_files::SiteWaiver>,
}

/// Settings of the alarms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AlarmsConfig {
    /// An e-mail address subscribed to the alarm topic. Default: none.
    pub email: Option<String>,
}

/// Settings shared by the functions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FunctionsConfig {
    /// Memory in MB (128 to 10240). Default: `256`.
    pub memory_mb: i64,
    /// Timeout in seconds (1 to 29, the API Gateway limit). Default: `10`.
    pub timeout_secs: i64,
    /// Published versions `deploy` keeps per function (1 to 100), newest first: the ones
    /// `rollback` can return to. Older ones are deleted after a deploy, except any version an
    /// alias points at. Default: `5`.
    pub keep_versions: i64,
}

/// The default of [`FunctionsConfig::keep_versions`].
pub const DEFAULT_KEEP_VERSIONS: i64 = 5;

impl Default for FunctionsConfig {
    fn default() -> Self {
        Self {
            memory_mb: 256,
            timeout_secs: 10,
            keep_versions: DEFAULT_KEEP_VERSIONS,
        }
    }
}

/// Tag keys the config must set (besides `environment`, which comes from its own key).
pub const REQUIRED_CONFIG_TAGS: [&str; 3] = ["project", "owner", "cost-center"];

impl ExpenseConfig {
    /// The stack name: `stack_name` or `expense-tracker-<environment>`.
    pub fn stack_name(&self) -> String {
        self.stack_name
            .clone()
            .unwrap_or_else(|| format!("expense-tracker-{}", self.environment))
    }

    /// Checks every value the types cannot.
    ///
    /// # Errors
    /// The first problem found, naming its dotted key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_identity()?;
        self.validate_tags()?;
        self.validate_api()?;
        self.validate_auth()?;
        self.validate_site()?;
        self.validate_alarms()?;
        self.validate_functions()?;
        self.validate_terraform()?;
        self.validate_ci()
    }

    fn validate_terraform(&self) -> Result<(), ConfigError> {
        let Some(backend) = &self.terraform.backend else {
            return Ok(());
        };
        let bucket_name = |name: &str| {
            (3..=63).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        };
        if !bucket_name(&backend.bucket) {
            return Err(ConfigError::new(
                "terraform.backend.bucket",
                "an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens",
            ));
        }
        if backend.key.as_deref().is_some_and(str::is_empty) {
            return Err(ConfigError::new(
                "terraform.backend.key",
                "a non-empty object key",
            ));
        }
        if backend.region.is_none() && self.region.is_none() {
            return Err(ConfigError::new(
                "terraform.backend.region",
                "the state bucket's region (or a top-level `region`)",
            ));
        }
        Ok(())
    }

    /// The Terraform output's settings: the region default and the backend.
    pub fn terraform_options(&self) -> synth::terraform::TfOptions {
        let backend = self
            .terraform
            .backend
            .as_ref()
            .map(|b| synth::terraform::S3Backend {
                bucket: b.bucket.clone(),
                key: b
                    .key
                    .clone()
                    .unwrap_or_else(|| format!("{}/terraform.tfstate", self.stack_name())),
                region: b
                    .region
                    .clone()
                    .or_else(|| self.region.clone())
                    .unwrap_or_default(),
                locking: match &b.dynamodb_table {
                    Some(table) => synth::terraform::Locking::DynamoDb(table.clone()),
                    None => synth::terraform::Locking::Lockfile,
                },
            });
        synth::terraform::TfOptions {
            region: self.region.clone(),
            backend,
        }
    }

    fn validate_ci(&self) -> Result<(), ConfigError> {
        let Some(ci) = &self.ci else {
            return Ok(());
        };
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        let repository_ok = ci
            .repository
            .split_once('/')
            .is_some_and(|(owner, name)| plain(owner) && plain(name));
        if !repository_ok {
            return Err(ConfigError::new(
                "ci.repository",
                "`OWNER/REPO`: letters, digits, `-`, `_` or `.`, no wildcard",
            ));
        }
        let (key, name) = match (&ci.branch, &ci.environment) {
            (Some(branch), None) => ("ci.branch", branch),
            (None, Some(environment)) => ("ci.environment", environment),
            _ => {
                return Err(ConfigError::new(
                    "ci.branch",
                    "exactly one of `ci.branch` and `ci.environment`",
                ));
            }
        };
        if !name.split('/').all(plain) {
            return Err(ConfigError::new(
                key,
                "a plain name (letters, digits, `-`, `_`, `.`; `/` between parts), no wildcard",
            ));
        }
        for (key, arn, kind) in [
            (
                "ci.oidc_provider_arn",
                &ci.oidc_provider_arn,
                ":oidc-provider/",
            ),
            (
                "ci.cloudformation_role_arn",
                &ci.cloudformation_role_arn,
                ":role/",
            ),
        ] {
            if let Some(arn) = arn {
                if !arn.starts_with("arn:aws") || !arn.contains(kind) || arn.contains('*') {
                    return Err(ConfigError::new(
                        key,
                        format!("an IAM ARN containing `{kind}`, without wildcard"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_identity(&self) -> Result<(), ConfigError> {
        let plain = |s: &str| {
            !s.is_empty()
                && s.len() <= 32
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !plain(&self.environment) {
            return Err(ConfigError::new(
                "environment",
                "1 to 32 lower-case letters, digits or `-`, starting with a letter",
            ));
        }
        if let Some(name) = &self.stack_name {
            let valid = name.len() <= 128
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !valid {
                return Err(ConfigError::new(
                    "stack_name",
                    "a letter, then letters, digits or `-`, at most 128 characters",
                ));
            }
        }
        if let Some(account) = &self.account {
            if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                return Err(ConfigError::new("account", "a 12-digit AWS account id"));
            }
        }
        if let Some(region) = &self.region {
            let valid = region.split('-').count() >= 3
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(ConfigError::new(
                    "region",
                    "an AWS region such as `eu-west-1`",
                ));
            }
        }
        Ok(())
    }

    fn validate_tags(&self) -> Result<(), ConfigError> {
        for key in REQUIRED_CONFIG_TAGS {
            match self.tags.get(key) {
                Some(value) if !value.trim().is_empty() => {}
                _ => return Err(ConfigError::new(format!("tags.{key}"), "a non-empty value")),
            }
        }
        if let Some(env) = self.tags.get("environment") {
            if *env != self.environment {
                return Err(ConfigError::new(
                    "tags.environment",
                    "to be left out (it is set from `environment`) or equal to it",
                ));
            }
        }
        for (key, value) in &self.tags {
            if key.is_empty() || key.len() > 128 || key.to_ascii_lowercase().starts_with("aws:") {
                return Err(ConfigError::new(
                    format!("tags.{key}"),
                    "a key of 1 to 128 characters not starting with `aws:`",
                ));
            }
            if value.is_empty() || value.len() > 256 {
                return Err(ConfigError::new(
                    format!("tags.{key}"),
                    "a value of 1 to 256 characters",
                ));
            }
        }
        Ok(())
    }

    fn validate_api(&self) -> Result<(), ConfigError> {
        let api = &self.api;
        let stage_ok = !api.stage_name.is_empty()
            && api.stage_name.len() <= 128
            && api
                .stage_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !stage_ok {
            return Err(ConfigError::new(
                "api.stage_name",
                "1 to 128 letters, digits, `-` or `_`",
            ));
        }
        if !(api.throttle_rate_limit.is_finite() && api.throttle_rate_limit > 0.0) {
            return Err(ConfigError::new(
                "api.throttle_rate_limit",
                "a number greater than 0",
            ));
        }
        if !(1..=100_000).contains(&api.throttle_burst_limit) {
            return Err(ConfigError::new(
                "api.throttle_burst_limit",
                "an integer from 1 to 100000",
            ));
        }
        for (index, origin) in api.cors_origins.iter().enumerate() {
            check_origin(origin).map_err(|expected| {
                ConfigError::new(format!("api.cors_origins[{index}]"), expected)
            })?;
        }
        Ok(())
    }

    fn validate_auth(&self) -> Result<(), ConfigError> {
        let auth = &self.auth;
        let ranges = [
            (
                "auth.access_token_minutes",
                auth.access_token_minutes,
                5,
                60,
            ),
            ("auth.id_token_minutes", auth.id_token_minutes, 5, 60),
            ("auth.refresh_token_days", auth.refresh_token_days, 1, 3650),
            ("auth.password_min_length", auth.password_min_length, 8, 99),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(ConfigError::new(
                    key,
                    format!("an integer from {min} to {max}"),
                ));
            }
        }
        Ok(())
    }

    fn validate_site(&self) -> Result<(), ConfigError> {
        let site = &self.site;
        for (index, waiver) in site.waivers.iter().enumerate() {
            if waiver.reason.trim().chars().count() < 10 {
                return Err(ConfigError::new(
                    format!("site.waivers[{index}].reason"),
                    "a reason a reviewer can check (at least 10 characters)",
                ));
            }
        }
        match (&site.domain, &site.certificate_arn) {
            (Some(domain), Some(arn)) => {
                check_domain(domain).map_err(|e| ConfigError::new("site.domain", e))?;
                let valid = arn.starts_with("arn:aws:acm:us-east-1:")
                    && arn.contains(":certificate/")
                    && !arn.contains('*');
                if !valid {
                    return Err(ConfigError::new(
                        "site.certificate_arn",
                        "the ARN of an ACM certificate in us-east-1 \
                         (`arn:aws:acm:us-east-1:<account>:certificate/<id>`)",
                    ));
                }
                Ok(())
            }
            (None, None) => Ok(()),
            (Some(_), None) => Err(ConfigError::new(
                "site.certificate_arn",
                "a certificate for `site.domain` (CloudFront needs one to serve a custom domain)",
            )),
            (None, Some(_)) => Err(ConfigError::new(
                "site.domain",
                "the domain `site.certificate_arn` is for",
            )),
        }
    }

    fn validate_alarms(&self) -> Result<(), ConfigError> {
        match &self.alarms.email {
            Some(email) if !is_email(email) => Err(ConfigError::new(
                "alarms.email",
                "an e-mail address such as `ops@example.com`",
            )),
            _ => Ok(()),
        }
    }

    fn validate_functions(&self) -> Result<(), ConfigError> {
        if !(128..=10240).contains(&self.functions.memory_mb) {
            return Err(ConfigError::new(
                "functions.memory_mb",
                "an integer from 128 to 10240",
            ));
        }
        if !(1..=29).contains(&self.functions.timeout_secs) {
            return Err(ConfigError::new(
                "functions.timeout_secs",
                "an integer from 1 to 29 (API Gateway stops waiting after 29 seconds)",
            ));
        }
        if !(1..=100).contains(&self.functions.keep_versions) {
            return Err(ConfigError::new(
                "functions.keep_versions",
                "an integer from 1 to 100 (the live version is always kept)",
            ));
        }
        Ok(())
    }
}

/// An allowed browser origin: `https://host[:port]`, no path, no wildcard.
fn check_origin(origin: &str) -> Result<(), &'static str> {
    if origin.contains('*') {
        return Err("a named origin; `*` would let any site call the API");
    }
    let Some(host) = origin.strip_prefix("https://") else {
        return Err("an `https://` origin");
    };
    let host = host.split_once(':').map_or(host, |(host, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
            host
        } else {
            ""
        }
    });
    check_domain(host).map_err(|_| "`https://host` or `https://host:port`, without a path")
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if domain.len() <= 253 && domain.contains('.') && labels_ok {
        Ok(())
    } else {
        Err("a domain name such as `app.example.com`, lower-case, without wildcard")
    }
}

fn is_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(char::is_whitespace)
                && check_domain(domain).is_ok()
        }
        None => false,
    }
}
