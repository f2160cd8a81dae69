//! Integration tests of the `stackwright` binary, run as real processes.
//!
//! One test crate, several modules: every test file under `tests/` would otherwise link its own
//! binary, which is the slow part of a build on a small machine.

#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions panic on broken fixtures, as the tests do"
)]

mod cfn_lint;
mod cli;
mod config_errors;
mod determinism;
#[path = "../../../crates/durable/test-support/kill_pacer.rs"]
mod kill_pacer;
mod output_safety;
mod package;
mod schema;
mod support;
