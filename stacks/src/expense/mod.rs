//! The expense-tracker stack: a Cognito user pool, a private site behind CloudFront, a
//! DynamoDB table, seven Lambda functions behind a REST API with a Cognito authorizer, and
//! alarms, all configured per environment from [`ExpenseConfig`].
//!
//! Each function is granted exactly the actions its handler declares in
//! `expense_lambda::functions` (see [`handlers`]). `dynamodb:Scan` is granted to none of them: every read is a `GetItem` or a
//! `Query` on the caller's own `userId` partition, so no function can read another user's
//! items even through a bug in its key handling.

pub mod config;
pub mod handlers;

use synth::cfn::Value;
use synth::constructs::{
    AlarmThresholds, AlarmTopic, AlarmTopicProps, Architecture, CustomDomain, Function,
    FunctionProps, GithubDeployRole, GithubDeployRoleProps, GithubSubject, HttpMethod, Key,
    KeyProps, Mfa, OidcProvider, RestApi, RestApiProps, Secret, SecretProps, Site, SiteProps,
    SiteSync, Table, TableProps, UserPool, UserPoolClient, UserPoolClientProps, UserPoolProps,
    join,
};
use synth::{App, Asset, Output, RemovalPolicy, Stack, StackProps, SynthError, Tags, Waiver};
use thiserror::Error;

pub use config::{ConfigError, ExpenseConfig};
pub use handlers::{DeclarationError, Handler, Variable};

/// Why the expense app could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The config holds a value the stack refuses.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A construct refused its settings or the tree is inconsistent.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// A function's declaration holds an action or variable the stack cannot map.
    #[error(transparent)]
    Declaration(#[from] DeclarationError),
}

/// Builds the expense-tracker app (one stack) for `config`.
///
/// # Errors
/// [`BuildError::Config`] for a config value the stack refuses, [`BuildError::Synth`] when a
/// construct refuses its settings.
pub fn build(config: &ExpenseConfig) -> Result<App, BuildError> {
    build_with_code(config, &placeholder_code)
}

/// [`build`] with each function's code asset taken from `code`.
///
/// # Errors
/// As [`build`], plus [`BuildError::Declaration`] for a function declaration the stack cannot
/// map.
pub fn build_with_code(config: &ExpenseConfig, code: Code<'_>) -> Result<App, BuildError> {
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
    let shared = Shared {
        env_key: &env_key,
        table: &table,
        users: &users,
        cursor_secret: cursor_secret(&mut stack, &env_key)?,
        allowed_origins: join(",", origins.iter().cloned()),
    };
    let mut api = RestApiProps::new(&users);
    for handler in handlers::handlers()? {
        let function = handler_function(&mut stack, config, &handler, &shared, code)?;
        alarms.watch_function(&mut stack, &function, AlarmThresholds::default())?;
        let method =
            HttpMethod::parse(handler.function.method).ok_or(DeclarationError::UnknownMethod {
                function: handler.function.bin,
                method: handler.function.method,
            })?;
        api = api.route(method, handler.function.path, &function);
    }
    let api = RestApi::new(&mut stack, "Api", api_props(config, api, origins))?;
    alarms.watch_api(&mut stack, &api, AlarmThresholds::default())?;
    outputs(&mut stack, &api, &users, &client, &site)?;
    // Last: the role may pass exactly the roles created above.
    if let Some(ci) = &config.ci {
        let mut props = ci_props(ci);
        // Only a deploy that syncs a build folder writes to the site.
        if config.site.build_dir.is_some() {
            props.site = Some(SiteSync::of(&site));
        }
        let role = GithubDeployRole::new(&mut stack, "CiDeployRole", props)?;
        stack.add_output(
            Output::new("CiDeployRoleArn", role.arn())
                .description("role-to-assume of the GitHub Actions deploy workflow"),
        )?;
    }
    let mut app = App::new();
    app.add_stack(stack)?;
    Ok(app)
}

/// Where each function's code comes from: the asset of its declaration's binary.
pub type Code<'a> = &'a dyn Fn(&expense_lambda::functions::Function) -> Asset;

/// The code asset of a function that has not been built: deploying it fails.
pub fn placeholder_code(function: &expense_lambda::functions::Function) -> Asset {
    Asset::placeholder(
        function.bin,
        "placeholder: synthesized with --no-build and no built bundle to reuse",
    )
}

/// What every function's grant and environment may refer to.
struct Shared<'a> {
    env_key: &'a Key,
    table: &'a Table,
    users: &'a UserPool,
    cursor_secret: Secret,
    /// The API's CORS origins, comma-separated, as the functions read them.
    allowed_origins: Value<String>,
}

/// The secret whose generated value signs pagination cursors, encrypted with the functions'
/// environment key (which every function may already decrypt with).
fn cursor_secret(stack: &mut Stack, env_key: &Key) -> Result<Secret, SynthError> {
    let props = SecretProps::default()
        .description("signs the expense list cursors; replacing it invalidates open cursors")
        .encryption_key(env_key);
    Secret::new(stack, "CursorKey", props)
}

/// The function of one handler, granted exactly the handler's declared actions.
fn handler_function(
    stack: &mut Stack,
    config: &ExpenseConfig,
    handler: &Handler,
    shared: &Shared<'_>,
    code: Code<'_>,
) -> Result<Function, BuildError> {
    let declared = &handler.function;
    let code = stack.add_asset(code(declared))?;
    let mut props = FunctionProps::new(code)
        .environment_key(shared.env_key)
        .description(format!("{} {}", declared.method, declared.path));
    for variable in &handler.env {
        let value = match variable {
            Variable::TableName => shared.table.name(),
            Variable::CursorKeySecretArn => shared.cursor_secret.arn(),
            Variable::UserPoolId => shared.users.pool_id(),
            Variable::AllowedOrigins => shared.allowed_origins.clone(),
        };
        props = props.env(variable.name(), value);
    }
    // The bundles are built for x86-64 (`cargo lambda build --x86-64`, or a host build the
    // glibc check holds to x86-64): an arm64 function could not run them.
    props.architecture = Architecture::X86_64;
    props.memory_mb = config.functions.memory_mb;
    props.timeout_secs = config.functions.timeout_secs;
    let function = Function::new(stack, &handler.id, props)?;
    shared.table.grant(stack, &function, &handler.table)?;
    shared.users.grant(stack, &function, &handler.user_pool);
    shared
        .cursor_secret
        .grant(stack, &function, &handler.cursor_secret);
    for (detail, reason) in &handler.waivers {
        let waiver = Waiver::new("IAM001", *reason).detail(detail.as_str());
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

fn ci_props(ci: &config::CiConfig) -> GithubDeployRoleProps {
    let (owner, repository) = ci.repository.split_once('/').unwrap_or_default();
    let subject = match (&ci.branch, &ci.environment) {
        (_, Some(environment)) => GithubSubject::Environment(environment.clone()),
        (branch, None) => GithubSubject::Branch(branch.clone().unwrap_or_default()),
    };
    let mut props = GithubDeployRoleProps::new(owner, repository, subject);
    if let Some(arn) = &ci.oidc_provider_arn {
        props.provider = OidcProvider::Existing(arn.as_str().into());
    }
    props.cloudformation_role = ci.cloudformation_role_arn.as_deref().map(Value::from);
    props
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
            .time_to_live_attribute(expense_lambda::functions::TTL_ATTRIBUTE)
    }
}
