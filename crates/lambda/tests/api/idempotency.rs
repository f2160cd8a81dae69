//! `Idempotency-Key` on `POST /expenses`.

use expense_lambda::functions::{CREATE_EXPENSE, DELETE_EXPENSE, EXPORT_EXPENSES, LIST_EXPENSES};
use serde_json::json;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

pub(crate) async fn a_retried_create_returns_the_first_expense(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let create = |body: serde_json::Value| {
        Event::new(&CREATE_EXPENSE, &alice)
            .header("Idempotency-Key", "order-42")
            .json(&body)
    };
    let first = app
        .invoke(
            &CREATE_EXPENSE,
            create(expense_body("12.3", "2024-05-01", "taxi")),
        )
        .await;
    let first = first.expect(201);
    assert_eq!(first.header("idempotent-replayed"), None);
    // The same request, spelled differently: a JSON number and reordered fields.
    let same = json!({"description": "taxi", "category": "travel", "date": "2024-05-01",
        "currency": "EUR", "amount": 12.30});
    let retry = app.invoke(&CREATE_EXPENSE, create(same)).await.expect(201);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.json(), first.json());
    assert_eq!(retry.header("location"), first.header("location"));

    let listed = app
        .invoke(&LIST_EXPENSES, Event::new(&LIST_EXPENSES, &alice))
        .await
        .expect(200);
    assert_eq!(listed.json()["expenses"].as_array().map(Vec::len), Some(1));
    let exported = app
        .invoke(&EXPORT_EXPENSES, Event::new(&EXPORT_EXPENSES, &alice))
        .await;
    assert_eq!(
        exported.expect(200).json()["expenses"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        app.partition(&alice).await.len(),
        2,
        "one expense and one idempotency record"
    );

    // Keys are per user: Bob's "order-42" is his own.
    let bob = TestUser::new("bob");
    let event = Event::new(&CREATE_EXPENSE, &bob).header("Idempotency-Key", "order-42");
    let bobs = app
        .invoke(
            &CREATE_EXPENSE,
            event.json(&expense_body("12.3", "2024-05-01", "taxi")),
        )
        .await;
    let bobs = bobs.expect(201);
    assert_eq!(bobs.header("idempotent-replayed"), None);
    assert_ne!(bobs.json()["expenseId"], first.json()["expenseId"]);

    // Once the expense is deleted, a replay has nothing to return.
    let id = first.json()["expenseId"].as_str().expect("id").to_owned();
    app.invoke(&DELETE_EXPENSE, Event::new(&DELETE_EXPENSE, &alice).id(&id))
        .await
        .expect(204);
    let replay = app
        .invoke(
            &CREATE_EXPENSE,
            create(expense_body("12.3", "2024-05-01", "taxi")),
        )
        .await;
    replay.expect_error(404, "not_found", None);
}

pub(crate) async fn a_reused_key_with_another_body_is_422(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let create = |amount: &str| {
        Event::new(&CREATE_EXPENSE, &alice)
            .header("Idempotency-Key", "k-1")
            .json(&expense_body(amount, "2024-05-01", ""))
    };
    app.invoke(&CREATE_EXPENSE, create("10")).await.expect(201);
    app.invoke(&CREATE_EXPENSE, create("11"))
        .await
        .expect_error(422, "idempotency_key_reused", None);
    assert_eq!(app.partition(&alice).await.len(), 2);
}
