//! The expense-tracker API: seven Lambda functions behind API Gateway, over one DynamoDB table
//! and the Cognito user pool.
//!
//! [`functions`] declares each function's route, IAM actions and environment, and is all that
//! compiles without the default `runtime` feature. With it, [`handlers`] holds one module per
//! function and `src/bin/` one binary per function, each granted only its own actions. The
//! handlers take their AWS clients by reference, built once at cold start ([`runtime`]).

pub mod functions;

#[cfg(feature = "runtime")]
pub mod auth;
#[cfg(feature = "runtime")]
pub mod cors;
#[cfg(feature = "runtime")]
pub mod cursor;
#[cfg(feature = "runtime")]
pub mod db;
#[cfg(feature = "runtime")]
pub mod error;
#[cfg(feature = "runtime")]
pub mod handlers;
#[cfg(feature = "runtime")]
pub mod http;
#[cfg(feature = "runtime")]
pub mod idempotency;
#[cfg(feature = "runtime")]
pub mod model;
#[cfg(feature = "runtime")]
pub mod runtime;
#[cfg(feature = "runtime")]
pub mod secret;
#[cfg(feature = "runtime")]
pub mod user_pool;
