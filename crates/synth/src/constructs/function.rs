//! A Lambda function on `provided.al2023` with its own log group, its own role and an
//! environment encrypted with a customer-managed key.
//!
//! The role starts with exactly two permissions: `logs:CreateLogStream` and
//! `logs:PutLogEvents` on the function's own log group (no `CreateLogGroup`: the group is
//! created by the stack, with its retention, before the function), and `kms:Decrypt` on the
//! environment key. Everything else comes from grants ([`crate::constructs::Table::grant`]
//! and friends). No AWS-managed policy is attached (IAM-5).
//!
//! Callers never invoke `$LATEST`. Each function publishes an `AWS::Lambda::Version`
//! (`CurrentVersion`) whose logical id ends in a hash of the function's configuration (its
//! properties without tags, so the code bundle's key, which is the bundle's sha256, is in
//! it): CloudFormation publishes a new version on every code or configuration change and on
//! no other. The alias [`LIVE_ALIAS`] points at that version, and integrations and invoke
//! permissions target the alias ([`Function::alias_arn`]), so an update switches callers in
//! one step and a rollback only moves the alias. Superseded versions are retained (the alias
//! can be moved back to them); pruning them is a deploy-time action.

use std::collections::BTreeMap;

use crate::asset::AssetRef;
use crate::cfn::lambda::function;
use crate::cfn::{Value, iam, lambda};
use crate::constructs::{Grantee, Key, KeyProps, LogGroup, LogGroupProps, get_att, reference};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::perms::LOG_WRITE;
use crate::stack::Stack;

/// The runtime every function uses: an OS-only runtime for a Rust `bootstrap` executable.
pub const RUNTIME: &str = "provided.al2023";

/// The alias every caller invokes.
pub const LIVE_ALIAS: &str = "live";

/// The instruction set a function runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Architecture {
    /// AWS Graviton (cheaper per GB-second).
    #[default]
    Arm64,
    /// x86-64.
    X86_64,
}

impl Architecture {
    /// The value Lambda expects.
    pub const fn as_cfn(self) -> &'static str {
        match self {
            Self::Arm64 => "arm64",
            Self::X86_64 => "x86_64",
        }
    }
}

/// Settings of a [`Function`].
#[derive(Debug, Clone)]
pub struct FunctionProps {
    /// The code bundle (a zip holding `bootstrap`).
    pub code: AssetRef,
    /// The key that encrypts the environment. Default: `-` a new key for this function, with
    /// rotation on.
    pub environment_key: Option<Key>,
    /// Environment variables (never secrets: pass a secret's ARN instead). Default: `-` none.
    pub environment: BTreeMap<String, Value<String>>,
    /// What the function does. Default: `-` none.
    pub description: Option<String>,
    /// Memory in MB (128 to 10240). Default: `256`.
    pub memory_mb: i64,
    /// Timeout in seconds (1 to 900). Default: `10`; API Gateway gives up after 29 anyway.
    pub timeout_secs: i64,
    /// The instruction set. Default: [`Architecture::Arm64`].
    pub architecture: Architecture,
    /// Concurrency reserved for (and capping) the function. Default: `-` none: a new account
    /// has too little unreserved concurrency to reserve any safely; API throttling bounds load.
    pub reserved_concurrency: Option<i64>,
    /// Log retention in days. Default: `30` (control OPS-1).
    pub log_retention_days: i64,
}

impl FunctionProps {
    /// Settings for a function running `code`, every knob at its default.
    pub fn new(code: AssetRef) -> Self {
        Self {
            code,
            environment_key: None,
            environment: BTreeMap::new(),
            description: None,
            memory_mb: 256,
            timeout_secs: 10,
            architecture: Architecture::Arm64,
            reserved_concurrency: None,
            log_retention_days: 30,
        }
    }

    /// Encrypts the environment with `key` (shared keys keep the key count down).
    pub fn environment_key(mut self, key: &Key) -> Self {
        self.environment_key = Some(key.clone());
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<Value<String>>) -> Self {
        self.environment.insert(name.into(), value.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A Lambda function with its role and log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    id: LogicalId,
    path: ConstructPath,
    role: LogicalId,
    log_group: LogGroup,
    environment_key: Key,
    version: LogicalId,
    alias: LogicalId,
}

impl Function {
    /// Adds a function at `id` in the current scope: `LogGroup`, `ServiceRole`, optionally
    /// `EnvironmentKey`, the function itself (`Resource`), its `CurrentVersion` and the
    /// `LiveAlias` pointing at it.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] for out-of-range memory or timeout, or a tree error.
    pub fn new(stack: &mut Stack, id: &str, props: FunctionProps) -> Result<Self> {
        let path = stack.add_construct(id, "Function")?;
        validate(stack, &path, &props)?;
        let log_props = LogGroupProps {
            retention_days: props.log_retention_days,
            ..LogGroupProps::default()
        };
        let log_group = LogGroup::at(stack, &path, "LogGroup", log_props)?;
        let environment_key = match &props.environment_key {
            Some(key) => key.clone(),
            None => {
                let key_path = stack.add_construct_at(&path, "EnvironmentKey", "Key")?;
                let description = format!("encrypts the environment of {}", stack.full_path(&path));
                Key::at(
                    stack,
                    &key_path,
                    KeyProps::default().description(description),
                )?
            }
        };
        let role = role(stack, &path)?;
        let resource = function_resource(&props, &role, &log_group, &environment_key);
        let id = stack.add_resource(&path, "Resource", &resource)?;
        let (version, alias) = publish(stack, &path, &id)?;
        let function = Self {
            id,
            path,
            role,
            log_group,
            environment_key,
            version,
            alias,
        };
        function.grant_own_permissions(stack);
        Ok(function)
    }

    fn grant_own_permissions(&self, stack: &mut Stack) {
        let logs =
            PolicyStatement::allow(LOG_WRITE.iter().map(|a| a.as_str()), [self.log_group.arn()]);
        stack.add_role_statement(&self.role, "Logs", logs);
        self.environment_key.grant_decrypt(stack, self);
    }

    /// The function's logical id.
    pub fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// The function's construct path below the stack.
    pub fn path(&self) -> &ConstructPath {
        &self.path
    }

    /// The function name.
    pub fn name(&self) -> Value<String> {
        reference(&self.id)
    }

    /// The function ARN.
    pub fn arn(&self) -> Value<String> {
        get_att(&self.id, "Arn")
    }

    /// The ARN of the [`LIVE_ALIAS`] alias: what integrations and permissions target.
    pub fn alias_arn(&self) -> Value<String> {
        reference(&self.alias)
    }

    /// The logical id of the [`LIVE_ALIAS`] alias.
    pub fn alias(&self) -> &LogicalId {
        &self.alias
    }

    /// The logical id of the version the alias points at (before its hash suffix is added).
    pub fn version(&self) -> &LogicalId {
        &self.version
    }

    /// The execution role's logical id.
    pub fn role(&self) -> &LogicalId {
        &self.role
    }

    /// The execution role's ARN.
    pub fn role_arn(&self) -> Value<String> {
        get_att(&self.role, "Arn")
    }

    /// The function's log group.
    pub fn log_group(&self) -> &LogGroup {
        &self.log_group
    }

    /// The key that encrypts the environment.
    pub fn environment_key(&self) -> &Key {
        &self.environment_key
    }
}

impl Grantee for Function {
    fn role_id(&self) -> &LogicalId {
        &self.role
    }
}

fn validate(stack: &Stack, path: &ConstructPath, props: &FunctionProps) -> Result<()> {
    let problem = if !(128..=10240).contains(&props.memory_mb) {
        Some(("memory_mb", "must be 128 to 10240 MB"))
    } else if !(1..=900).contains(&props.timeout_secs) {
        Some(("timeout_secs", "must be 1 to 900 seconds"))
    } else if props.reserved_concurrency.is_some_and(|c| c < 0) {
        Some(("reserved_concurrency", "must not be negative"))
    } else {
        None
    };
    match problem {
        Some((field, reason)) => Err(SynthError::InvalidProperty {
            path: stack.full_path(path),
            field,
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

/// The version of the current configuration, retained when superseded, and the alias on it.
fn publish(
    stack: &mut Stack,
    path: &ConstructPath,
    function: &LogicalId,
) -> Result<(LogicalId, LogicalId)> {
    let version = lambda::Version::new(reference(function));
    let version = stack.add_resource(path, "CurrentVersion", &version)?;
    stack.hash_id_over_configuration(&version, function);
    stack.retain_always(&version);
    let alias = lambda::Alias::new(
        reference(function),
        get_att(&version, "Version"),
        LIVE_ALIAS,
    )
    .description(format!(
        "the version of {} that callers invoke",
        stack.full_path(path)
    ));
    let alias = stack.add_resource(path, "LiveAlias", &alias)?;
    Ok((version, alias))
}

/// The execution role: trusted by Lambda only, with no policy of its own until grants land.
fn role(stack: &mut Stack, path: &ConstructPath) -> Result<LogicalId> {
    let trust = PolicyDocument::new([PolicyStatement::allow(["sts:AssumeRole"], [])
        .principal(Principal::Service("lambda.amazonaws.com".to_owned()))]);
    let description = format!("execution role of {}", stack.full_path(path));
    let role = iam::Role::new(trust.to_json()).description(description);
    stack.add_resource(path, "ServiceRole", &role)
}

fn function_resource(
    props: &FunctionProps,
    role: &LogicalId,
    log_group: &LogGroup,
    key: &Key,
) -> lambda::Function {
    let code = function::Code::default()
        .s3_bucket(props.code.bucket())
        .s3_key(props.code.key());
    let logging = function::LoggingConfig::default()
        .log_group(log_group.name())
        .log_format("JSON");
    let mut resource = lambda::Function::new(code, get_att(role, "Arn"))
        .runtime(RUNTIME)
        .handler("bootstrap")
        .architectures([props.architecture.as_cfn()])
        .memory_size(props.memory_mb)
        .timeout(props.timeout_secs)
        .kms_key_arn(key.arn())
        .logging_config(logging)
        .recursive_loop("Terminate");
    if !props.environment.is_empty() {
        let variables = props.environment.clone();
        resource = resource.environment(function::Environment::default().variables(variables));
    }
    if let Some(description) = &props.description {
        resource = resource.description(description.as_str());
    }
    if let Some(concurrency) = props.reserved_concurrency {
        resource = resource.reserved_concurrent_executions(concurrency);
    }
    resource
}
