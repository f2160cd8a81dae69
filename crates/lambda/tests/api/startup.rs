//! The cold start of `list-expenses` against moto's Secrets Manager: the cursor key is the
//! value of the secret the environment names, and an unusable secret stops the start with an
//! error naming the variable and the secret.

use aws_sdk_secretsmanager::primitives::Blob;
use expense_lambda::cursor::CursorKeyInvalid;
use expense_lambda::functions::CURSOR_KEY_SECRET_ARN_ENV;
use expense_lambda::model::ExpenseId;
use expense_lambda::runtime::{self, EnvInvalid};
use expense_lambda::secret::SecretUnusable;

use crate::app::{Services, create_secret, random_secret, secrets_client};

async fn start(services: &Services, arn: Option<&str>) -> Result<(), EnvInvalid> {
    let client = secrets_client(&services.moto_url, None);
    let lookup = |name: &str| {
        assert_eq!(name, CURSOR_KEY_SECRET_ARN_ENV);
        arn.map(str::to_owned)
    };
    runtime::cursor_key(&client, lookup).await.map(|_| ())
}

pub(crate) async fn the_cursor_key_is_the_secrets_value(services: Services) {
    let client = secrets_client(&services.moto_url, None);
    let value = random_secret();
    let arn = create_secret(&client, &value).await;
    let lookup = |_: &str| Some(arn.clone());
    let from_secret = runtime::cursor_key(&client, lookup).await.expect("usable");
    let expected = expense_lambda::cursor::CursorKey::from_secret(&value).expect("key");
    let id = ExpenseId::parse("01HYH5ZC5X8Q3T7J2W9K4M6N8P").expect("id");
    let cursor = from_secret.seal("alice", "", &id);
    assert_eq!(expected.open("alice", "", &cursor).expect("same key"), id);
}

pub(crate) async fn unusable_secrets_stop_the_cold_start(services: Services) {
    let missing = start(&services, None).await.expect_err("no variable");
    assert_eq!(
        missing.to_string(),
        "environment variable `CURSOR_KEY_SECRET_ARN` is not set"
    );

    let client = secrets_client(&services.moto_url, None);
    let gone = "arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret-AbCdEf";
    let error = start(&services, Some(gone)).await.expect_err("no secret");
    assert!(
        matches!(&error, EnvInvalid::CursorKeySecret(SecretUnusable::Unreadable { arn, .. }) if arn == gone),
        "{error:?}"
    );

    let short = create_secret(&client, "too-short").await;
    let error = start(&services, Some(&short)).await.expect_err("weak");
    assert!(
        matches!(
            &error,
            EnvInvalid::CursorKeySecret(SecretUnusable::WeakKey {
                source: CursorKeyInvalid::TooShort(9),
                ..
            })
        ),
        "{error:?}"
    );
    let chain = format!(
        "{error}: {}",
        std::error::Error::source(&error).expect("cause")
    );
    assert!(chain.contains(&short), "{chain}");

    let binary = client
        .create_secret()
        .name(format!("binary-{}", ulid::Ulid::new()))
        .secret_binary(Blob::new(random_secret().into_bytes()))
        .send()
        .await
        .expect("create binary secret");
    let error = start(&services, binary.arn()).await.expect_err("binary");
    assert!(
        matches!(
            &error,
            EnvInvalid::CursorKeySecret(SecretUnusable::NotText { .. })
        ),
        "{error:?}"
    );
}
