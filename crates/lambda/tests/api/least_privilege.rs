//! Each function performs exactly the IAM actions it declares in `functions`: every path of
//! its handler runs here, and the recorded set must equal the declared one. An action
//! declared but never performed is a grant too many; one performed but undeclared fails
//! already in `App::invoke`, in every trial.

use std::collections::BTreeSet;

use expense_lambda::functions::{self, Function};

use crate::app::{App, Services, expense_body};
use crate::fixtures::Event;

async fn check(services: Services, function: &'static Function) {
    let app = App::new(&services).await;
    exercise(&app, function).await;
    let declared: BTreeSet<String> = function.actions.iter().map(|a| (*a).to_owned()).collect();
    assert_eq!(
        app.observed(function),
        declared,
        "{} performs other actions than it declares",
        function.bin
    );
}

/// Runs every path of `function`'s handler that reaches AWS.
async fn exercise(app: &App, function: &'static Function) {
    let user = app.pool_user("least-privilege").await;
    let body = expense_body("5", "2024-08-01", "x");
    let id = app.create(&user, &body).await["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    let event = Event::new(function, &user).json(&body).id(&id);
    match function.bin {
        "create-expense" => {
            let keyed = event.header("Idempotency-Key", "k");
            app.invoke(function, keyed.clone()).await.expect(201);
            app.invoke(function, keyed).await.expect(201);
        }
        "list-expenses" => {
            app.create(&user, &body).await;
            let filtered = event.query("limit", "1").query("from", "2024-01-01");
            app.invoke(function, filtered).await.expect(200);
        }
        "update-expense" | "delete-expense" => {
            app.invoke(function, event.clone().header("If-Match", "\"9\""))
                .await
                .expect(412);
            app.invoke(function, event.clone())
                .await
                .expect(if function.bin == "update-expense" {
                    200
                } else {
                    204
                });
        }
        "export-expenses" => {
            app.invoke(function, event.clone().query("format", "csv"))
                .await
                .expect(200);
            app.invoke(function, event).await.expect(200);
        }
        "get-expense" | "erase-me" => {
            app.invoke(function, event)
                .await
                .expect(if function.bin == "get-expense" {
                    200
                } else {
                    204
                });
        }
        other => panic!("no scenario for {other}"),
    }
}

pub(crate) async fn create_expense(services: Services) {
    check(services, &functions::CREATE_EXPENSE).await;
}

pub(crate) async fn list_expenses(services: Services) {
    check(services, &functions::LIST_EXPENSES).await;
}

pub(crate) async fn get_expense(services: Services) {
    check(services, &functions::GET_EXPENSE).await;
}

pub(crate) async fn update_expense(services: Services) {
    check(services, &functions::UPDATE_EXPENSE).await;
}

pub(crate) async fn delete_expense(services: Services) {
    check(services, &functions::DELETE_EXPENSE).await;
}

pub(crate) async fn export_expenses(services: Services) {
    check(services, &functions::EXPORT_EXPENSES).await;
}

pub(crate) async fn erase_me(services: Services) {
    check(services, &functions::ERASE_ME).await;
}
