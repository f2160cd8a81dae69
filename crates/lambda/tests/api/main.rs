//! Integration tests of the seven handlers against DynamoDB Local (AWS's own implementation)
//! and moto's Cognito and Secrets Manager, invoked in-process with API Gateway proxy events.
//!
//! This binary has its own harness (libtest-mimic) so that it can start both servers once,
//! run every trial against them, and stop them before exiting. Each trial gets its own table
//! and user pool, so trials run in parallel. Run `scripts/setup-tools` first; without the
//! servers the run fails.

mod app;
mod cors;
mod crud;
mod erase;
mod export;
mod fixtures;
mod idempotency;
mod isolation;
mod least_privilege;
mod logs;
mod pagination;
mod recorder;
mod servers;
mod startup;
mod validation;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Trial};

use crate::app::Services;

type TrialFn = fn(Services) -> Pin<Box<dyn Future<Output = ()>>>;

macro_rules! trials {
    ($($module:ident :: $name:ident),* $(,)?) => {
        vec![$((
            concat!(stringify!($module), "::", stringify!($name)),
            (|services| Box::pin($module::$name(services))) as TrialFn,
        )),*]
    };
}

fn all_trials() -> Vec<(&'static str, TrialFn)> {
    trials![
        crud::create_get_update_delete_round_trip,
        crud::ids_that_name_no_expense_are_404,
        crud::requests_without_claims_are_401,
        crud::recorded_fixtures_invoke_every_function,
        idempotency::a_retried_create_returns_the_first_expense,
        idempotency::a_reused_key_with_another_body_is_422,
        validation::invalid_bodies_are_400_naming_the_field,
        validation::invalid_list_parameters_are_400_naming_the_parameter,
        validation::invalid_headers_are_400_naming_the_header,
        pagination::pages_cover_every_expense_once_newest_first,
        pagination::date_filters_page_within_the_range,
        isolation::another_user_cannot_reach_an_expense,
        isolation::another_users_cursor_is_rejected,
        export::json_export_holds_every_expense_exactly,
        export::csv_export_parses_back,
        export::format_negotiation_and_limits,
        erase::erase_removes_every_item_and_the_user,
        logs::logs_carry_request_ids_and_no_personal_data,
        cors::every_function_names_an_allowed_origin_on_success,
        cors::errors_carry_the_cors_headers_too,
        cors::other_origins_are_not_named,
        startup::the_cursor_key_is_the_secrets_value,
        startup::unusable_secrets_stop_the_cold_start,
        least_privilege::create_expense,
        least_privilege::list_expenses,
        least_privilege::get_expense,
        least_privilege::update_expense,
        least_privilege::delete_expense,
        least_privilege::export_expenses,
        least_privilege::erase_me,
    ]
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let trials = all_trials();
    if args.list {
        let listed = trials
            .into_iter()
            .map(|(name, _)| Trial::test(name, || Ok(())))
            .collect();
        return libtest_mimic::run(&args, listed).exit_code();
    }
    logs::install();
    let (servers, services) = match start_servers() {
        Ok(started) => started,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let trials = trials
        .into_iter()
        .map(|(name, trial)| {
            let services = services.clone();
            Trial::test(name, move || {
                run(trial(services));
                Ok(())
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    drop(servers);
    conclusion.exit_code()
}

fn start_servers() -> Result<(Vec<servers::Server>, Services), String> {
    let root = servers::repo_root();
    let logs = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("expense-lambda-api");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut dynamodb = servers::spawn_dynamodb_local(&root, &logs)?;
    let mut moto = servers::spawn_moto(&root, &logs)?;
    dynamodb.wait_ready()?;
    moto.wait_ready()?;
    let services = Services {
        dynamodb_url: dynamodb.url.clone(),
        moto_url: moto.url.clone(),
    };
    Ok((vec![dynamodb, moto], services))
}

fn run(trial: Pin<Box<dyn Future<Output = ()>>>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(trial);
}
