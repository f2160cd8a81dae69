//! One trial's world: its own table in DynamoDB Local and user pool in moto, the handlers'
//! resources on SDK clients that record every action, and admin clients that do not (for
//! setting up and checking state behind the handlers' backs).
//!
//! [`App::invoke`] runs a handler in-process and checks, on every call, that the actions it
//! performed are among those its function declares; [`App::observed`] gives the union so far,
//! which the least-privilege trials compare with the declaration for equality.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, MessageActionType, UsernameAttributeType,
};
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use serde_json::{Value, json};
use ulid::Ulid;

use expense_lambda::cors::AllowedOrigins;
use expense_lambda::cursor::CursorKey;
use expense_lambda::db::Table;
use expense_lambda::functions::{
    self, CURSOR_KEY_SECRET_ARN_ENV, Function, PARTITION_KEY, SORT_KEY,
};
use expense_lambda::handlers::{create, delete, erase, export, get, list, update};
use expense_lambda::runtime;
use expense_lambda::user_pool::UserPool;
use lambda_http::RequestExt as _;

use crate::fixtures::{Event, Reply};
use crate::recorder::Recorder;

/// The origins every trial's functions allow, as the stack would set them.
pub(crate) const SITE_ORIGINS: &str =
    "https://d111111abcdef8.cloudfront.net,https://app.example.com";

/// Where the servers listen.
#[derive(Debug, Clone)]
pub(crate) struct Services {
    /// DynamoDB Local.
    pub(crate) dynamodb_url: String,
    /// moto.
    pub(crate) moto_url: String,
}

/// A caller, as the authorizer would describe them.
#[derive(Debug, Clone)]
pub(crate) struct TestUser {
    /// The `sub` claim.
    pub(crate) sub: String,
    /// The `cognito:username` claim.
    pub(crate) username: String,
    /// The `email` claim.
    pub(crate) email: String,
}

impl TestUser {
    /// A user with fresh random ids who exists only in claims.
    pub(crate) fn new(label: &str) -> Self {
        let sub = Ulid::new().to_string().to_lowercase();
        Self {
            username: sub.clone(),
            email: format!("{label}.{sub}@example.com"),
            sub,
        }
    }
}

/// The world of one trial.
pub(crate) struct App {
    /// The table as the handlers see it.
    pub(crate) table: Table,
    /// The user pool as `erase-me` sees it.
    pub(crate) pool: UserPool,
    /// The key `list-expenses` signs cursors with.
    pub(crate) cursor_key: CursorKey,
    /// The origins the functions answer CORS requests from.
    pub(crate) origins: AllowedOrigins,
    /// A DynamoDB client that records nothing.
    pub(crate) admin: aws_sdk_dynamodb::Client,
    /// A Cognito client that records nothing.
    pub(crate) cognito: aws_sdk_cognitoidentityprovider::Client,
    recorder: Recorder,
    observed: Mutex<BTreeMap<&'static str, BTreeSet<String>>>,
    cold_start: BTreeMap<&'static str, BTreeSet<String>>,
}

impl App {
    /// A fresh table and user pool.
    pub(crate) async fn new(services: &Services) -> Self {
        let recorder = Recorder::default();
        let admin = dynamodb_client(&services.dynamodb_url, None);
        let cognito = cognito_client(&services.moto_url, None);
        let table_name = format!("expenses-{}", Ulid::new());
        create_table(&admin, &table_name).await;
        let pool_id = create_pool(&cognito).await;
        let secrets = secrets_client(&services.moto_url, None);
        let secret_arn = create_secret(&secrets, &random_secret()).await;
        let cursor_key = runtime::cursor_key(
            &secrets_client(&services.moto_url, Some(&recorder)),
            |name| (name == CURSOR_KEY_SECRET_ARN_ENV).then(|| secret_arn.clone()),
        )
        .await
        .expect("the cursor key from the secret");
        let mut app = Self {
            table: Table::with_client(
                dynamodb_client(&services.dynamodb_url, Some(&recorder)),
                table_name,
            ),
            pool: UserPool::with_client(
                cognito_client(&services.moto_url, Some(&recorder)),
                pool_id,
            ),
            cursor_key,
            origins: AllowedOrigins::parse(SITE_ORIGINS).expect("origins"),
            admin,
            cognito,
            recorder,
            observed: Mutex::default(),
            cold_start: BTreeMap::new(),
        };
        // The cold start of `list-expenses` read the secret: its actions count as the
        // function's, like those of its handler.
        let started = app.recorder.take();
        assert_declared(&functions::LIST_EXPENSES, &started);
        app.cold_start.insert(functions::LIST_EXPENSES.bin, started);
        app
    }

    /// Runs `function`'s handler on `event` the way its binary does (in the request span),
    /// with a fresh Lambda request id. Panics if it performed an undeclared action.
    pub(crate) async fn invoke(&self, function: &'static Function, event: Event) -> Reply {
        let mut context = lambda_http::Context::default();
        context.request_id = Ulid::new().to_string().to_lowercase();
        let request = event.request().with_lambda_context(context);
        self.recorder.take();
        let response = runtime::traced(function, &self.origins, request, |request| async move {
            match function.bin {
                "create-expense" => create::handle(&self.table, request).await,
                "list-expenses" => list::handle(&self.table, &self.cursor_key, request).await,
                "get-expense" => get::handle(&self.table, request).await,
                "update-expense" => update::handle(&self.table, request).await,
                "delete-expense" => delete::handle(&self.table, request).await,
                "export-expenses" => export::handle(&self.table, request).await,
                "erase-me" => erase::handle(&self.table, &self.pool, request).await,
                other => panic!("no handler for function {other}"),
            }
        })
        .await;
        self.record(function);
        Reply(response)
    }

    /// Runs `export-expenses` with a body limit of `max_body_bytes`.
    pub(crate) async fn export_with_limit(&self, max_body_bytes: usize, event: Event) -> Reply {
        self.recorder.take();
        let response =
            export::handle_with_limit(&self.table, max_body_bytes, event.request()).await;
        self.record(&functions::EXPORT_EXPENSES);
        Reply(response)
    }

    fn record(&self, function: &'static Function) {
        let performed = self.recorder.take();
        assert_declared(function, &performed);
        let mut observed = self.observed.lock().expect("observed lock");
        observed.entry(function.bin).or_default().extend(performed);
    }

    /// Every action `function`'s handler performed in this trial.
    pub(crate) fn handled(&self, function: &Function) -> BTreeSet<String> {
        let observed = self.observed.lock().expect("observed lock");
        observed.get(function.bin).cloned().unwrap_or_default()
    }

    /// Every action `function` performed in this trial: at cold start and in its handler.
    pub(crate) fn observed(&self, function: &Function) -> BTreeSet<String> {
        let mut all = self.handled(function);
        all.extend(
            self.cold_start
                .get(function.bin)
                .into_iter()
                .flatten()
                .cloned(),
        );
        all
    }

    /// Creates an expense for `user` through the handler; returns its JSON.
    pub(crate) async fn create(&self, user: &TestUser, body: &Value) -> Value {
        let event = Event::new(&functions::CREATE_EXPENSE, user).json(body);
        self.invoke(&functions::CREATE_EXPENSE, event)
            .await
            .expect(201)
            .json()
    }

    /// Every item in `user`'s partition, read behind the handlers' backs.
    pub(crate) async fn partition(&self, user: &TestUser) -> Vec<BTreeMap<String, AttributeValue>> {
        let output = self
            .admin
            .query()
            .table_name(&self.table.name)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_values(":pk", AttributeValue::S(user.sub.clone()))
            .consistent_read(true)
            .send()
            .await
            .expect("admin query");
        assert!(
            output.last_evaluated_key().is_none(),
            "test partitions fit one page"
        );
        output
            .items()
            .iter()
            .map(|item| item.clone().into_iter().collect())
            .collect()
    }

    /// A user registered in the pool, signing in by e-mail; the claims are the ones Cognito
    /// would put in their ID token.
    pub(crate) async fn pool_user(&self, label: &str) -> TestUser {
        let email = format!(
            "{label}.{}@example.com",
            Ulid::new().to_string().to_lowercase()
        );
        let output = self
            .cognito
            .admin_create_user()
            .user_pool_id(&self.pool.id)
            .username(&email)
            .user_attributes(attribute("email", &email))
            .user_attributes(attribute("email_verified", "true"))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .expect("admin create user");
        let user = output.user().expect("created user");
        let sub = user
            .attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value());
        TestUser {
            sub: sub.expect("sub attribute").to_owned(),
            username: user.username().expect("user name").to_owned(),
            email,
        }
    }

    /// Whether `user` still exists in the pool.
    pub(crate) async fn pool_has(&self, user: &TestUser) -> bool {
        let result = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.pool.id)
            .username(&user.username)
            .send()
            .await;
        match result {
            Ok(_) => true,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_user_not_found_exception()) =>
            {
                false
            }
            Err(e) => panic!("admin get user: {e:?}"),
        }
    }
}

/// Panics if `function` performed an action it does not declare.
fn assert_declared(function: &Function, performed: &BTreeSet<String>) {
    let undeclared: Vec<_> = performed
        .iter()
        .filter(|a| !function.actions.contains(&a.as_str()))
        .collect();
    assert!(
        undeclared.is_empty(),
        "{} performed undeclared actions {undeclared:?}",
        function.bin
    );
}

/// A valid expense body.
pub(crate) fn expense_body(amount: &str, date: &str, description: &str) -> Value {
    json!({
        "amount": amount,
        "currency": "EUR",
        "date": date,
        "category": "travel",
        "description": description,
    })
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("attribute")
}

fn dynamodb_client(url: &str, recorder: Option<&Recorder>) -> aws_sdk_dynamodb::Client {
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .endpoint_url(url);
    if let Some(recorder) = recorder {
        config = config.interceptor(recorder.clone());
    }
    aws_sdk_dynamodb::Client::from_conf(config.build())
}

/// A secret value like the stack's: 78 letters and digits.
pub(crate) fn random_secret() -> String {
    (0..3).map(|_| Ulid::new().to_string()).collect()
}

/// A secret in moto holding `value`; returns its ARN.
pub(crate) async fn create_secret(client: &aws_sdk_secretsmanager::Client, value: &str) -> String {
    let output = client
        .create_secret()
        .name(format!("cursor-key-{}", Ulid::new()))
        .secret_string(value)
        .send()
        .await
        .expect("create secret");
    output.arn().expect("secret arn").to_owned()
}

/// A Secrets Manager client on moto.
pub(crate) fn secrets_client(
    url: &str,
    recorder: Option<&Recorder>,
) -> aws_sdk_secretsmanager::Client {
    use aws_sdk_secretsmanager::config;
    let mut builder = config::Builder::new()
        .behavior_version(config::BehaviorVersion::latest())
        .region(config::Region::new("us-east-1"))
        .credentials_provider(config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .endpoint_url(url);
    if let Some(recorder) = recorder {
        builder = builder.interceptor(recorder.clone());
    }
    aws_sdk_secretsmanager::Client::from_conf(builder.build())
}

fn cognito_client(
    url: &str,
    recorder: Option<&Recorder>,
) -> aws_sdk_cognitoidentityprovider::Client {
    let mut config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new(
            "us-east-1",
        ))
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .endpoint_url(url);
    if let Some(recorder) = recorder {
        config = config.interceptor(recorder.clone());
    }
    aws_sdk_cognitoidentityprovider::Client::from_conf(config.build())
}

/// The table as the stack defines it: the key schema from `functions`, on demand.
async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    client
        .create_table()
        .table_name(name)
        .key_schema(key(PARTITION_KEY, KeyType::Hash).expect("key"))
        .key_schema(key(SORT_KEY, KeyType::Range).expect("key"))
        .attribute_definitions(string(PARTITION_KEY).expect("attribute"))
        .attribute_definitions(string(SORT_KEY).expect("attribute"))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create table");
}

async fn create_pool(client: &aws_sdk_cognitoidentityprovider::Client) -> String {
    let output = client
        .create_user_pool()
        .pool_name(format!("users-{}", Ulid::new()))
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .expect("create user pool");
    output
        .user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned()
}
