//! The `list-expenses` Lambda function: `GET /expenses`.

use anyhow::Context as _;
use expense_lambda::functions::LIST_EXPENSES;
use expense_lambda::handlers::list;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start list-expenses")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start list-expenses")?;
    let secrets = expense_lambda::secret::client(&config);
    let cursor_key = runtime::cursor_key(&secrets, process_env)
        .await
        .context("cannot start list-expenses")?;
    runtime::serve(&LIST_EXPENSES, &origins, |request| {
        list::handle(&table, &cursor_key, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
