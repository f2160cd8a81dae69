//! The expense-tracker stack: a Cognito user pool, a private site behind CloudFront, a
//! DynamoDB table, seven Lambda functions behind a REST API with a Cognito authorizer, and
//! alarms, all configured per environment from [`ExpenseConfig`].
//!
//! Each function is granted exactly the table actions its handler performs (see
//! [`HANDLERS`]). `dynamodb:Scan` is granted to none of them: every read is a `GetItem` or a
//! `Query` on the caller's own `userId` partition, so no function can read another user's
//! items even through a bug in its key handling.

pub mod config;

use synth::constructs::{Function, FunctionProps, Key, KeyProps, Table, TableProps};
use synth::perms::{CognitoAction, DynamoAction};
use synth::{App, Asset, RemovalPolicy, Stack, StackProps, SynthError, Tags};
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
}

/// The seven operations of the expense API.
pub const HANDLERS: [Handler; 7] = [
    Handler {
        id: "CreateExpense",
        asset: "create-expense",
        method: "POST",
        path: "/expenses",
        // Conditional put: creating never overwrites an existing id.
        table: &[DynamoAction::PutItem],
        user_pool: &[],
    },
    Handler {
        id: "ListExpenses",
        asset: "list-expenses",
        method: "GET",
        path: "/expenses",
        table: &[DynamoAction::Query],
        user_pool: &[],
    },
    Handler {
        id: "GetExpense",
        asset: "get-expense",
        method: "GET",
        path: "/expenses/{id}",
        table: &[DynamoAction::GetItem],
        user_pool: &[],
    },
    Handler {
        id: "UpdateExpense",
        asset: "update-expense",
        method: "PUT",
        path: "/expenses/{id}",
        // Conditional update: the item must exist in the caller's partition.
        table: &[DynamoAction::UpdateItem],
        user_pool: &[],
    },
    Handler {
        id: "DeleteExpense",
        asset: "delete-expense",
        method: "DELETE",
        path: "/expenses/{id}",
        table: &[DynamoAction::DeleteItem],
        user_pool: &[],
    },
    Handler {
        id: "ExportExpenses",
        asset: "export-expenses",
        method: "GET",
        path: "/export",
        table: &[DynamoAction::Query],
        user_pool: &[],
    },
    Handler {
        id: "EraseAccount",
        asset: "erase-account",
        method: "DELETE",
        path: "/me",
        // Query the caller's partition, delete it in batches of 25, then the Cognito user.
        table: &[DynamoAction::Query, DynamoAction::BatchWriteItem],
        user_pool: &[CognitoAction::AdminDeleteUser],
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
    let table = Table::new(&mut stack, "Expenses", table_props(config))?;
    let env_key = Key::new(
        &mut stack,
        "FunctionEnvironmentKey",
        KeyProps::default()
            .description("encrypts the environment variables of the expense functions"),
    )?;
    for handler in &HANDLERS {
        let code = stack.add_asset(Asset::placeholder(
            handler.asset,
            "placeholder until the Lambda handlers are built (crates/lambda)",
        ))?;
        let props = FunctionProps::new(code)
            .environment_key(&env_key)
            .description(format!("{} {}", handler.method, handler.path))
            .env("TABLE_NAME", table.name());
        let props = FunctionProps {
            memory_mb: config.functions.memory_mb,
            timeout_secs: config.functions.timeout_secs,
            ..props
        };
        let function = Function::new(&mut stack, handler.id, props)?;
        table.grant(&mut stack, &function, handler.table)?;
    }
    let mut app = App::new();
    app.add_stack(stack)?;
    Ok(app)
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
        ..TableProps::default().point_in_time_recovery(config.table.point_in_time_recovery)
    }
}
