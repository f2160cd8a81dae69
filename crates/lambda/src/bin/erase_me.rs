//! The `erase-me` Lambda function: `DELETE /me`.

use anyhow::Context as _;
use expense_lambda::functions::ERASE_ME;
use expense_lambda::handlers::erase;
use expense_lambda::runtime::{self, process_env};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    runtime::init_logging();
    let config = runtime::sdk_config().await;
    let table = runtime::table(&config, process_env).context("cannot start erase-me")?;
    let origins = runtime::allowed_origins(process_env).context("cannot start erase-me")?;
    let pool = runtime::user_pool(&config, process_env).context("cannot start erase-me")?;
    runtime::serve(&ERASE_ME, &origins, |request| {
        erase::handle(&table, &pool, request)
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))
}
