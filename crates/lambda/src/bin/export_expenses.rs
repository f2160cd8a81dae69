//! The `export-expenses` Lambda function: `GET /export`.

use anyhow::Context as _;
use expense_lambda::functions::EXPORT_EXPENSES;
use expense_lambda::handlers::export;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start export-expenses")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start export-expenses")?;
    runtime::serve(&EXPORT_EXPENSES, &origins, |request| {
        export::handle(&table, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
