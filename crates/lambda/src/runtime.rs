//! Cold start and the invocation loop, shared by the seven function binaries: JSON logs, the
//! SDK config, the environment each function declares, and a span per request.
//!
//! Logs are one JSON object per line (what CloudWatch Logs Insights queries by field), with
//! the fields of the enclosing spans: the runtime's `requestId`, and ours with the function,
//! the API Gateway request id and the route. The level comes from `AWS_LAMBDA_LOG_LEVEL`
//! (Lambda's advanced logging controls), default `INFO`, and applies to this crate only: every
//! other crate is capped at `WARN` (the runtime at `INFO`) whatever the level, because the
//! SDK's debug and trace output describes every request it signs (and, with
//! `LOG_SIGNABLE_BODY`, its body), which would put user ids and descriptions in the logs.

use std::future::Future;
use std::time::Instant;

use aws_config::{BehaviorVersion, SdkConfig};
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use tracing::Instrument as _;
use tracing::Subscriber;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::cors::{AllowedOrigins, OriginInvalid};
use crate::cursor::CursorKey;
use crate::db::Table;
use crate::functions::{
    ALLOWED_ORIGINS_ENV, CURSOR_KEY_SECRET_ARN_ENV, Function, TABLE_NAME_ENV, USER_POOL_ID_ENV,
};
use crate::secret::SecretUnusable;
use crate::user_pool::UserPool;

/// Our own log target, the only one logged at the configured level.
const OWN_TARGET: &str = "expense_lambda";
/// The runtime's target: its per-invocation span (with the request id) is at `INFO`.
const RUNTIME_TARGET: &str = "lambda_runtime";

/// A required environment variable that is missing or invalid.
#[derive(Debug, thiserror::Error)]
pub enum EnvInvalid {
    /// Not set, or empty.
    #[error("environment variable `{0}` is not set")]
    Missing(&'static str),
    /// `CURSOR_KEY_SECRET_ARN` names a secret that cannot sign cursors.
    #[error("environment variable `{CURSOR_KEY_SECRET_ARN_ENV}` names an unusable secret")]
    CursorKeySecret(#[source] SecretUnusable),
    /// `ALLOWED_ORIGINS` holds something that is not an origin.
    #[error("environment variable `{ALLOWED_ORIGINS_ENV}` is invalid")]
    AllowedOrigins(#[source] OriginInvalid),
}

/// Installs the JSON log subscriber, writing to stdout (which Lambda sends to CloudWatch).
pub fn init_logging() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .ok()
        .and_then(|text| text.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    log_subscriber(level, std::io::stdout).init();
}

/// The log subscriber at `level`, writing JSON lines to `writer`.
pub fn log_subscriber<W>(level: LevelFilter, writer: W) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = Targets::new()
        .with_default(level.min(LevelFilter::WARN))
        .with_target(RUNTIME_TARGET, level.min(LevelFilter::INFO))
        .with_target(OWN_TARGET, level);
    let format = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_ansi(false)
        .with_writer(writer);
    tracing_subscriber::registry().with(filter).with(format)
}

/// The SDK config from the standard sources: on Lambda, the region and the role's credentials
/// from the environment; anywhere, `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_DYNAMODB`, ...)
/// to point at a local server.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// The variable `name` from `lookup`, which must be set and non-empty.
pub fn required(
    lookup: impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, EnvInvalid> {
    lookup(name)
        .filter(|value| !value.is_empty())
        .ok_or(EnvInvalid::Missing(name))
}

/// The table named by `TABLE_NAME` in `lookup`.
pub fn table(
    config: &SdkConfig,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Table, EnvInvalid> {
    Ok(Table::new(config, required(lookup, TABLE_NAME_ENV)?))
}

/// The cursor key in the secret whose ARN is `CURSOR_KEY_SECRET_ARN` in `lookup`, read with
/// `secrets` (see [`crate::secret`]).
pub async fn cursor_key(
    secrets: &aws_sdk_secretsmanager::Client,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<CursorKey, EnvInvalid> {
    let arn = required(lookup, CURSOR_KEY_SECRET_ARN_ENV)?;
    crate::secret::cursor_key(secrets, &arn)
        .await
        .map_err(EnvInvalid::CursorKeySecret)
}

/// The origins in `ALLOWED_ORIGINS` in `lookup`: required, so a function deployed without it
/// fails at cold start instead of silently answering no browser.
pub fn allowed_origins(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<AllowedOrigins, EnvInvalid> {
    AllowedOrigins::parse(&required(lookup, ALLOWED_ORIGINS_ENV)?)
        .map_err(EnvInvalid::AllowedOrigins)
}

/// The user pool in `USER_POOL_ID` in `lookup`.
pub fn user_pool(
    config: &SdkConfig,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<UserPool, EnvInvalid> {
    Ok(UserPool::new(config, required(lookup, USER_POOL_ID_ENV)?))
}

/// Reads the process environment, for [`table`], [`cursor_key`], [`allowed_origins`] and
/// [`user_pool`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Runs `function`'s invocation loop with `handler`, each request [`traced`] and answered with
/// the CORS headers for `origins`.
pub async fn serve<H, F>(
    function: &'static Function,
    origins: &AllowedOrigins,
    handler: H,
) -> Result<(), lambda_http::Error>
where
    H: Fn(Request) -> F,
    F: Future<Output = Response<Body>> + Send,
{
    lambda_http::run(service_fn(|request: Request| {
        let response = traced(function, origins, request, &handler);
        async move { Ok::<_, std::convert::Infallible>(response.await) }
    }))
    .await
}

/// Runs `handler` on `request` inside the request's span (function, route, Lambda and API
/// Gateway request ids), adds the CORS headers for `origins` to whatever it answers, then
/// logs the status and duration.
pub fn traced<H, F>(
    function: &'static Function,
    origins: &AllowedOrigins,
    request: Request,
    handler: H,
) -> impl Future<Output = Response<Body>> + Send
where
    H: FnOnce(Request) -> F,
    F: Future<Output = Response<Body>> + Send,
{
    let span = request_span(function, &request);
    let request_headers = request.headers().clone();
    let response = handler(request);
    async move {
        let started = Instant::now();
        let mut response = response.await;
        origins.apply(&request_headers, &mut response);
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let status = response.status().as_u16();
        tracing::info!(status, duration_ms = millis, "request completed");
        response
    }
    .instrument(span)
}

fn request_span(function: &Function, request: &Request) -> tracing::Span {
    let lambda_request_id = request.lambda_context_ref().map(|c| c.request_id.clone());
    let api_request_id = match request.request_context_ref() {
        Some(lambda_http::request::RequestContext::ApiGatewayV1(c)) => c.request_id.clone(),
        _ => None,
    };
    tracing::info_span!(
        "request",
        function = function.bin,
        route = %format_args!("{} {}", function.method, function.path),
        request_id = lambda_request_id.as_deref(),
        api_request_id = api_request_id.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_empty_variables_are_named() {
        let lookup = |name: &str| (name == "EMPTY").then(String::new);
        for name in ["TABLE_NAME", "EMPTY"] {
            let error = required(lookup, name).expect_err(name);
            assert_eq!(
                error.to_string(),
                format!("environment variable `{name}` is not set")
            );
        }
        assert_eq!(
            required(|_| Some("t".into()), TABLE_NAME_ENV).expect("set"),
            "t"
        );
    }

    #[test]
    fn origins_are_required_and_checked() {
        let error = allowed_origins(|_| None).expect_err("missing");
        assert_eq!(
            error.to_string(),
            "environment variable `ALLOWED_ORIGINS` is not set"
        );
        let error = allowed_origins(|_| Some("https://a.example, *".into())).expect_err("*");
        assert!(matches!(
            error,
            EnvInvalid::AllowedOrigins(OriginInvalid::Wildcard(_))
        ));
        let origins = allowed_origins(|_| Some("https://a.example".into())).expect("valid");
        assert!(origins.allows("https://a.example"));
    }
}
