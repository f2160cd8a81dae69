//! The `update-expense` Lambda function: `PUT /expenses/{id}`.

use anyhow::Context as _;
use expense_lambda::functions::UPDATE_EXPENSE;
use expense_lambda::handlers::update;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start update-expense")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start update-expense")?;
    runtime::serve(&UPDATE_EXPENSE, &origins, |request| {
        update::handle(&table, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
