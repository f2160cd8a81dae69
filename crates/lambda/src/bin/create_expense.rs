//! The `create-expense` Lambda function: `POST /expenses`.

use anyhow::Context as _;
use expense_lambda::functions::CREATE_EXPENSE;
use expense_lambda::handlers::create;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start create-expense")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start create-expense")?;
    runtime::serve(&CREATE_EXPENSE, &origins, |request| {
        create::handle(&table, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
