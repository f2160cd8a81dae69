//! The expense-tracker stack: a Cognito user pool, a private site behind CloudFront, a
//! DynamoDB table, seven Lambda functions behind a REST API with a Cognito authorizer, and
//! alarms, all configured per environment from [`ExpenseConfig`].
//!
//! Each function is granted exactly the table actions its handler performs (see
//! [`HANDLERS`]). `dynamodb:Scan` is granted to none of them: every read is a `GetItem` or a
//! `Query` on the caller's own `userId` partition, so no function can read another user's
//! items even through a bug in its key handling.

pub mod config;

use synth::cfn::Value;
use synth::constructs::{
    AlarmThresholds, AlarmTopic, AlarmTopicProps, CustomDomain, Function, FunctionProps,
    HttpMethod, Key, KeyProps, Mfa, RestApi, RestApiProps, Site, SiteProps, Table, TableProps,
    UserPool, UserPoolClient, UserPoolClientProps, UserPoolProps, join,
};
use synth::perms::{CognitoAction, DynamoAction};
use synth::{App, Asset, Output, RemovalPolicy, Stack, StackProps, SynthError, Tags, Waiver};
use thiserror::Error;

pub use config::{ConfigError, ExpenseConfig};

/// Why the expense app could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The config holds a value the stack refuses.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A construct refused its settings or the tree is inconsistent.
    #[error(transparent)]
    Synth(#[from] SynthError),
}

/// One API operation: its function, route and the exact permissions its handler needs.
///
/// Mirrors the declarations of `crates/lambda` (`functions::ALL`), whose tests prove each
/// handler performs exactly these actions; the asset id is the handler's binary name.
#[derive(Debug, Clone, Copy)]
pub struct Handler {
    /// The construct id of the function.
    pub id: &'static str,
    /// The asset id of its code bundle (the handler binary's name).
    pub asset: &'static str,
    /// The HTTP method of its route.
    pub method: &'static str,
    /// The resource path of its route.
    pub path: &'static str,
    /// The table actions the handler performs.
    pub table: &'static [DynamoAction],
    /// The user-pool actions the handler performs.
    pub user_pool: &'static [CognitoAction],
    /// Grants beyond the security model's Lambda allowlist (IAM-1), as
    /// (finding detail, reason) pairs; each becomes a waiver on the role.
    pub beyond_allowlist: &'static [(&'static str, &'static str)],
}

/// The seven operations of the expense API.
pub const HANDLERS: [Handler; 7] = [
    Handler {
        id: "CreateExpense",
        asset: "create-expense",
        method: "POST",
        path: "/expenses",
        // Conditional put: creating never overwrites an existing id; `GetItem` replays a
        // request whose `Idempotency-Key` was seen before.
        table: &[DynamoAction::GetItem, DynamoAction::PutItem],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "ListExpenses",
        asset: "list-expenses",
        method: "GET",
        path: "/expenses",
        table: &[DynamoAction::Query],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "GetExpense",
        asset: "get-expense",
        method: "GET",
        path: "/expenses/{id}",
        table: &[DynamoAction::GetItem],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "UpdateExpense",
        asset: "update-expense",
        method: "PUT",
        path: "/expenses/{id}",
        // Conditional update: the item must exist in the caller's partition.
        table: &[DynamoAction::UpdateItem],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "DeleteExpense",
        asset: "delete-expense",
        method: "DELETE",
        path: "/expenses/{id}",
        table: &[DynamoAction::DeleteItem],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "ExportExpenses",
        asset: "export-expenses",
        method: "GET",
        path: "/export",
        table: &[DynamoAction::Query],
        user_pool: &[],
        beyond_allowlist: &[],
    },
    Handler {
        id: "EraseAccount",
        asset: "erase-me",
        method: "DELETE",
        path: "/me",
        // Query the caller's partition, delete it in batches of 25, then the Cognito user.
        table: &[DynamoAction::Query, DynamoAction::BatchWriteItem],
        user_pool: &[CognitoAction::AdminDeleteUser],
        beyond_allowlist: &[
            (
                "Action::dynamodb:BatchWriteItem",
                "right to erasure (PRIV-2): the caller's items are deleted 25 at a time, \
                 on the expenses table only",
            ),
            (
                "Action::cognito-idp:AdminDeleteUser",
                "right to erasure (PRIV-2): the caller's Cognito user is deleted after \
                 their items, in this user pool only",
            ),
        ],
    },
];

/// Builds the expense-tracker app (one stack) for `config`.
///
/// # Errors
/// [`BuildError::Config`] for a config value the stack refuses, [`BuildError::Synth`] when a
/// construct refuses its settings.
pub fn build(config: &ExpenseConfig) -> Result<App, BuildError> {
    config.validate()?;
    let mut stack = Stack::new(config.stack_name(), stack_props(config))?;
    let users = UserPool::new(&mut stack, "Users", user_pool_props(config))?;
    let client = UserPoolClient::new(&mut stack, &users, "WebClient", client_props(config))?;
    let site = Site::new(&mut stack, "Site", site_props(config))?;
    let origins = origins(config, &site);
    let table = Table::new(&mut stack, "Expenses", table_props(config))?;
    let env_key = Key::new(
        &mut stack,
        "FunctionEnvironmentKey",
        KeyProps::default()
            .description("encrypts the environment variables of the expense functions"),
    )?;
    let alarms = AlarmTopic::new(
        &mut stack,
        "Alarms",
        AlarmTopicProps {
            email: config.alarms.email.clone(),
        },
    )?;
    let mut api = RestApiProps::new(&users);
    for handler in &HANDLERS {
        let function = handler_function(
            &mut stack, config, handler, &env_key, &table, &users, &origins,
        )?;
        alarms.watch_function(&mut stack, &function, AlarmThresholds::default())?;
        let method =
            HttpMethod::parse(handler.method).ok_or_else(|| SynthError::InvalidProperty {
                path: handler.id.to_owned(),
                field: "method",
                reason: format!("unknown HTTP method {:?}", handler.method),
            })?;
        api = api.route(method, handler.path, &function);
    }
    let api = RestApi::new(&mut stack, "Api", api_props(config, api, origins))?;
    alarms.watch_api(&mut stack, &api, AlarmThresholds::default())?;
    outputs(&mut stack, &api, &users, &client, &site)?;
    let mut app = App::new();
    app.add_stack(stack)?;
    Ok(app)
}

/// The function of one handler, granted exactly the handler's declared actions.
fn handler_function(
    stack: &mut Stack,
    config: &ExpenseConfig,
    handler: &Handler,
    env_key: &Key,
    table: &Table,
    users: &UserPool,
    origins: &[Value<String>],
) -> Result<Function, BuildError> {
    let code = stack.add_asset(Asset::placeholder(
        handler.asset,
        "placeholder until the Lambda handlers are built (crates/lambda)",
    ))?;
    let mut props = FunctionProps::new(code)
        .environment_key(env_key)
        .description(format!("{} {}", handler.method, handler.path))
        .env("TABLE_NAME", table.name())
        .env("ALLOWED_ORIGINS", join(",", origins.iter().cloned()));
    if !handler.user_pool.is_empty() {
        props = props.env("USER_POOL_ID", users.pool_id());
    }
    props.memory_mb = config.functions.memory_mb;
    props.timeout_secs = config.functions.timeout_secs;
    let function = Function::new(stack, handler.id, props)?;
    table.grant(stack, &function, handler.table)?;
    users.grant(stack, &function, handler.user_pool);
    for (detail, reason) in handler.beyond_allowlist {
        let waiver = Waiver::new("IAM001", *reason).detail(*detail);
        stack.add_waiver(function.role(), waiver)?;
    }
    Ok(function)
}

/// The browser origins the API admits: the site's own, then the configured extras.
fn origins(config: &ExpenseConfig, site: &Site) -> Vec<Value<String>> {
    let mut origins = vec![site.origin()];
    for extra in &config.api.cors_origins {
        let extra = Value::from(extra.as_str());
        if !origins.contains(&extra) {
            origins.push(extra);
        }
    }
    origins
}

fn outputs(
    stack: &mut Stack,
    api: &RestApi,
    users: &UserPool,
    client: &UserPoolClient,
    site: &Site,
) -> Result<(), SynthError> {
    let outputs = [
        Output::new("ApiUrl", api.url()).description("invoke URL of the expense API"),
        Output::new("UserPoolId", users.pool_id()).description("Cognito user pool id"),
        Output::new("UserPoolClientId", client.client_id()).description("web client id"),
        Output::new("SiteUrl", site.origin()).description("URL of the web app"),
        Output::new("SiteBucketName", site.bucket().name())
            .description("bucket to upload the web app to"),
        Output::new("SiteDistributionId", site.distribution_ref())
            .description("CloudFront distribution to invalidate after an upload"),
    ];
    outputs
        .into_iter()
        .try_for_each(|output| stack.add_output(output))
}

fn user_pool_props(config: &ExpenseConfig) -> UserPoolProps {
    UserPoolProps {
        password_min_length: config.auth.password_min_length,
        mfa: match config.auth.mfa {
            config::MfaConfig::Optional => Mfa::Optional,
            config::MfaConfig::Required => Mfa::Required,
        },
        deletion_protection: config.auth.deletion_protection,
        ..UserPoolProps::default()
    }
}

fn client_props(config: &ExpenseConfig) -> UserPoolClientProps {
    UserPoolClientProps {
        access_token_minutes: config.auth.access_token_minutes,
        id_token_minutes: config.auth.id_token_minutes,
        refresh_token_days: config.auth.refresh_token_days,
        name: Some(format!("{}-web", config.stack_name())),
    }
}

fn site_props(config: &ExpenseConfig) -> SiteProps {
    let custom_domain = match (&config.site.domain, &config.site.certificate_arn) {
        (Some(domain), Some(arn)) => Some(CustomDomain {
            domain: domain.clone(),
            certificate_arn: arn.clone(),
        }),
        _ => None,
    };
    SiteProps {
        custom_domain,
        ..SiteProps::default()
    }
}

fn api_props(
    config: &ExpenseConfig,
    api: RestApiProps,
    origins: Vec<Value<String>>,
) -> RestApiProps {
    RestApiProps {
        name: Some(format!("{}-api", config.stack_name())),
        stage_name: config.api.stage_name.clone(),
        throttle_rate_limit: config.api.throttle_rate_limit,
        throttle_burst_limit: config.api.throttle_burst_limit,
        cors_origins: origins,
        manage_account_logging_role: config.api.manage_account_logging_role,
        ..api
    }
}

fn stack_props(config: &ExpenseConfig) -> StackProps {
    let mut tags: Tags = config.tags.iter().collect();
    tags.insert("environment", config.environment.as_str());
    let removal = match config.removal_policy {
        config::RemovalPolicyConfig::Retain => RemovalPolicy::Retain,
        config::RemovalPolicyConfig::Destroy => RemovalPolicy::Destroy,
    };
    StackProps::default()
        .description(format!(
            "expense tracker ({}): Cognito, CloudFront + S3 site, REST API, Lambda, DynamoDB",
            config.environment
        ))
        .tags(tags)
        .removal_policy(removal)
}

fn table_props(config: &ExpenseConfig) -> TableProps {
    TableProps {
        deletion_protection: config.table.deletion_protection,
        ..TableProps::default()
            .point_in_time_recovery(config.table.point_in_time_recovery)
            .time_to_live_attribute("expiresAt")
    }
}
