//! Handler latency per route, in-process against DynamoDB Local: what one warm invocation
//! costs, from the API Gateway event to the response, without the Lambda runtime around it.
//!
//! Each benchmark turns a committed event fixture into a request and runs it through
//! `runtime::traced` (span, handler, CORS headers) like the function's binary does. The
//! server is DynamoDB Local on a free loopback port, started here like the integration tests
//! start it; a sample is dominated by the HTTP round trips to it, so the numbers compare
//! routes and catch regressions rather than predict DynamoDB's own latency. Without DynamoDB
//! Local installed (`scripts/setup-tools`) the benchmarks are skipped with a message.
//!
//! `cargo bench -p expense-lambda --bench latency`; `cargo test` runs each benchmark once.

#![expect(clippy::unwrap_used, reason = "a benchmark's setup fails loudly")]

#[path = "../tests/api/servers.rs"]
#[expect(dead_code, reason = "shared with the tests, which also start moto")]
mod servers;

use std::sync::OnceLock;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use divan::Bencher;
use expense_lambda::cors::AllowedOrigins;
use expense_lambda::cursor::CursorKey;
use expense_lambda::db::Table;
use expense_lambda::functions::{
    CREATE_EXPENSE, EXPORT_EXPENSES, Function, GET_EXPENSE, LIST_EXPENSES, PARTITION_KEY, SORT_KEY,
};
use expense_lambda::handlers::{create, export, get, list};
use expense_lambda::runtime;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};
use tokio::runtime::Runtime;

/// Expenses of the reading user: one list page is 25 of them, the export all of them.
const EXPENSES: usize = 200;

struct World {
    tokio: Runtime,
    table: Table,
    cursor_key: CursorKey,
    origins: AllowedOrigins,
    /// One of the reader's expenses.
    expense_id: String,
}

static WORLD: OnceLock<World> = OnceLock::new();

fn main() {
    let root = servers::repo_root();
    let logs = std::env::temp_dir().join(format!("expense-lambda-bench-{}", std::process::id()));
    std::fs::create_dir_all(&logs).unwrap();
    let mut server = match servers::spawn_dynamodb_local(&root, &logs) {
        Ok(server) => server,
        Err(message) => {
            eprintln!("skipping the latency benchmarks: {message}");
            return;
        }
    };
    server.wait_ready().unwrap();
    let world = World::new(&server.url);
    assert!(WORLD.set(world).is_ok(), "the world is set once");
    divan::main();
    drop(server);
    let _ = std::fs::remove_dir_all(&logs);
}

impl World {
    fn new(url: &str) -> Self {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("bench", "bench", None, None, "bench"))
            .endpoint_url(url)
            .build();
        let table = Table::with_client(aws_sdk_dynamodb::Client::from_conf(config), "expenses");
        tokio.block_on(create_table(&table));
        let mut world = Self {
            tokio,
            table,
            cursor_key: CursorKey::from_secret(&"k".repeat(64)).unwrap(),
            origins: AllowedOrigins::parse("https://app.example.com").unwrap(),
            expense_id: String::new(),
        };
        for day in 0..EXPENSES {
            let date = format!("2024-{:02}-{:02}", day % 12 + 1, day % 28 + 1);
            let body = json!({"amount": "12.34", "currency": "EUR", "date": date,
                "category": "travel", "description": "a train ticket"});
            let response = world.run(
                &CREATE_EXPENSE,
                event(&CREATE_EXPENSE, "reader", &body, None),
            );
            assert_eq!(response.status(), 201);
            world.expense_id = json_body(&response)["expenseId"]
                .as_str()
                .unwrap()
                .to_owned();
        }
        world
    }

    fn run(&self, function: &'static Function, request: Request) -> Response<Body> {
        self.tokio.block_on(runtime::traced(
            function,
            &self.origins,
            request,
            |r| async move {
                match function.bin {
                    "create-expense" => create::handle(&self.table, r).await,
                    "get-expense" => get::handle(&self.table, r).await,
                    "list-expenses" => list::handle(&self.table, &self.cursor_key, r).await,
                    "export-expenses" => export::handle(&self.table, r).await,
                    other => panic!("no benchmark for {other}"),
                }
            },
        ))
    }
}

async fn create_table(table: &Table) {
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    table
        .client
        .create_table()
        .table_name(&table.name)
        .key_schema(key(PARTITION_KEY, KeyType::Hash))
        .key_schema(key(SORT_KEY, KeyType::Range))
        .attribute_definitions(string(PARTITION_KEY))
        .attribute_definitions(string(SORT_KEY))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
}

/// The committed fixture of `function`, for user `sub`, with `body`, the expense `id` in the
/// path, no query and no optional headers.
fn event(function: &Function, sub: &str, body: &Value, id: Option<&str>) -> Request {
    let path = format!(
        "{}/tests/fixtures/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        function.bin
    );
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    event["requestContext"]["authorizer"]["claims"]["sub"] = json!(sub);
    event["requestContext"]["authorizer"]["claims"]["cognito:username"] = json!(sub);
    event["queryStringParameters"] = Value::Null;
    event["multiValueQueryStringParameters"] = Value::Null;
    for headers in ["headers", "multiValueHeaders"] {
        let headers = event[headers].as_object_mut().unwrap();
        headers.remove("Idempotency-Key");
        headers.remove("If-Match");
    }
    if let Some(id) = id {
        event["pathParameters"] = json!({ "id": id });
        event["path"] = json!(format!("/expenses/{id}"));
    }
    event["body"] = if body.is_null() {
        Value::Null
    } else {
        json!(body.to_string())
    };
    lambda_http::request::from_str(&event.to_string()).unwrap()
}

fn json_body(response: &Response<Body>) -> Value {
    match response.body() {
        Body::Text(text) => serde_json::from_str(text).unwrap(),
        other => panic!("unexpected body {other:?}"),
    }
}

fn world() -> &'static World {
    WORLD.get().unwrap()
}

fn bench_route(bencher: Bencher, function: &'static Function, prepare: impl Fn() -> Request) {
    let world = world();
    bencher.with_inputs(prepare).bench_local_values(|request| {
        let response = world.run(function, request);
        assert!(response.status().is_success(), "{}", response.status());
        response
    });
}

#[divan::bench(sample_count = 100, sample_size = 1)]
fn create_expense(bencher: Bencher) {
    let body = json!({"amount": "9.99", "currency": "EUR", "date": "2024-06-01",
        "category": "food", "description": "lunch"});
    bench_route(bencher, &CREATE_EXPENSE, || {
        event(&CREATE_EXPENSE, "writer", &body, None)
    });
}

#[divan::bench(sample_count = 100, sample_size = 1)]
fn get_expense(bencher: Bencher) {
    let id = &world().expense_id;
    bench_route(bencher, &GET_EXPENSE, || {
        event(&GET_EXPENSE, "reader", &Value::Null, Some(id))
    });
}

#[divan::bench(sample_count = 100, sample_size = 1)]
fn list_first_page(bencher: Bencher) {
    bench_route(bencher, &LIST_EXPENSES, || {
        event(&LIST_EXPENSES, "reader", &Value::Null, None)
    });
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn export_json(bencher: Bencher) {
    bench_route(bencher, &EXPORT_EXPENSES, || {
        event(&EXPORT_EXPENSES, "reader", &Value::Null, None)
    });
}
