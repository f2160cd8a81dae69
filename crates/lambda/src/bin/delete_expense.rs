//! The `delete-expense` Lambda function: `DELETE /expenses/{id}`.

use anyhow::Context as _;
use expense_lambda::functions::DELETE_EXPENSE;
use expense_lambda::handlers::delete;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start delete-expense")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start delete-expense")?;
    runtime::serve(&DELETE_EXPENSE, &origins, |request| {
        delete::handle(&table, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
