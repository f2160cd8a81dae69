//! One user can never read, change, delete, list, export or erase another user's expenses,
//! even knowing their ids or holding their cursor.

use expense_lambda::functions::{
    CREATE_EXPENSE, DELETE_EXPENSE, ERASE_ME, EXPORT_EXPENSES, GET_EXPENSE, LIST_EXPENSES,
    UPDATE_EXPENSE,
};
use serde_json::json;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

pub(crate) async fn another_user_cannot_reach_an_expense(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let mallory = app.pool_user("mallory").await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        let body = expense_body(&format!("{n}0"), "2024-04-01", "private");
        ids.push(
            app.create(&alice, &body).await["expenseId"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let before = app.partition(&alice).await;
    let change = expense_body("99999", "2024-04-02", "changed by mallory");
    for id in &ids {
        let get = Event::new(&GET_EXPENSE, &mallory).id(id);
        app.invoke(&GET_EXPENSE, get)
            .await
            .expect_error(404, "not_found", None);
        let update = Event::new(&UPDATE_EXPENSE, &mallory).id(id).json(&change);
        app.invoke(&UPDATE_EXPENSE, update.clone())
            .await
            .expect_error(404, "not_found", None);
        let forced = update.header("If-Match", "\"1\"");
        app.invoke(&UPDATE_EXPENSE, forced)
            .await
            .expect_error(404, "not_found", None);
        let delete = Event::new(&DELETE_EXPENSE, &mallory).id(id);
        app.invoke(&DELETE_EXPENSE, delete)
            .await
            .expect_error(404, "not_found", None);
    }
    // Naming Alice in the body is refused, not silently ignored.
    let mut spoofed = expense_body("1", "2024-04-01", "");
    spoofed["userId"] = json!(alice.sub);
    let create = Event::new(&CREATE_EXPENSE, &mallory).json(&spoofed);
    app.invoke(&CREATE_EXPENSE, create)
        .await
        .expect_error(400, "invalid_field", Some("userId"));
    // Nor do query parameters or path parameters choose the partition.
    let list = Event::new(&LIST_EXPENSES, &mallory)
        .query("userId", &alice.sub)
        .query("user", &alice.sub);
    let listed = app.invoke(&LIST_EXPENSES, list).await.expect(200).json();
    assert_eq!(listed["expenses"], json!([]));
    let export = Event::new(&EXPORT_EXPENSES, &mallory).query("userId", &alice.sub);
    let exported = app
        .invoke(&EXPORT_EXPENSES, export)
        .await
        .expect(200)
        .json();
    assert_eq!(exported, json!({"expenses": []}));
    app.invoke(
        &ERASE_ME,
        Event::new(&ERASE_ME, &mallory).query("userId", &alice.sub),
    )
    .await
    .expect(204);

    assert_eq!(
        app.partition(&alice).await,
        before,
        "alice's items are untouched"
    );
    assert!(app.partition(&mallory).await.is_empty());
}

pub(crate) async fn another_users_cursor_is_rejected(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let bob = TestUser::new("bob");
    for n in 1..=4 {
        app.create(&alice, &expense_body(&n.to_string(), "2024-04-01", ""))
            .await;
        app.create(&bob, &expense_body(&n.to_string(), "2024-04-01", ""))
            .await;
    }
    let first = Event::new(&LIST_EXPENSES, &alice).query("limit", "2");
    let page = app.invoke(&LIST_EXPENSES, first).await.expect(200).json();
    let cursor = page["nextCursor"]
        .as_str()
        .expect("alice has a second page");
    let stolen = Event::new(&LIST_EXPENSES, &bob)
        .query("limit", "2")
        .query("cursor", cursor);
    app.invoke(&LIST_EXPENSES, stolen)
        .await
        .expect_error(400, "invalid_field", Some("cursor"));
    let own = Event::new(&LIST_EXPENSES, &alice)
        .query("limit", "2")
        .query("cursor", cursor);
    let second = app.invoke(&LIST_EXPENSES, own).await.expect(200).json();
    assert_eq!(second["expenses"].as_array().map(Vec::len), Some(2));
}
