//! The `get-expense` Lambda function: `GET /expenses/{id}`.

use anyhow::Context as _;
use expense_lambda::functions::GET_EXPENSE;
use expense_lambda::handlers::get;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start get-expense")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start get-expense")?;
    runtime::serve(&GET_EXPENSE, &origins, |request| {
        get::handle(&table, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
