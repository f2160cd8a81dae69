//! Create, read, update and delete one expense; ids that name nothing; missing identity.

use expense_lambda::functions::{
    ALL, CREATE_EXPENSE, DELETE_EXPENSE, ERASE_ME, EXPORT_EXPENSES, GET_EXPENSE, LIST_EXPENSES,
    UPDATE_EXPENSE,
};
use serde_json::json;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

pub(crate) async fn create_get_update_delete_round_trip(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let event =
        Event::new(&CREATE_EXPENSE, &alice).json(&expense_body("42.5", "2024-05-23", "train"));
    let created = app.invoke(&CREATE_EXPENSE, event).await.expect(201);
    let id = created.json()["expenseId"].as_str().expect("id").to_owned();
    assert_eq!(created.header("location"), Some(format!("/expenses/{id}")));
    assert_eq!(created.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(
        created.header("content-type").as_deref(),
        Some("application/json")
    );
    let body = created.json();
    assert_eq!(body["amount"], "42.50");
    assert_eq!(
        (body["currency"].as_str(), body["date"].as_str()),
        (Some("EUR"), Some("2024-05-23"))
    );
    assert_eq!(
        (body["category"].as_str(), body["version"].as_u64()),
        (Some("travel"), Some(1))
    );
    assert_eq!(body["createdAt"], body["updatedAt"]);

    let fetched = app
        .invoke(&GET_EXPENSE, Event::new(&GET_EXPENSE, &alice).id(&id))
        .await
        .expect(200);
    assert_eq!(fetched.json(), body);
    assert_eq!(fetched.header("etag").as_deref(), Some("\"1\""));

    let change = json!({"amount": 7, "currency": "JPY", "date": "2024-05-24", "category": "food"});
    let update = |version: Option<&str>| {
        let event = Event::new(&UPDATE_EXPENSE, &alice).id(&id).json(&change);
        version.map_or(event.clone(), |v| event.header("If-Match", v))
    };
    let updated = app
        .invoke(&UPDATE_EXPENSE, update(Some("\"1\"")))
        .await
        .expect(200);
    let updated = updated.json();
    assert_eq!(
        (updated["amount"].as_str(), updated["currency"].as_str()),
        (Some("7"), Some("JPY"))
    );
    assert_eq!(
        (updated["description"].as_str(), updated["version"].as_u64()),
        (Some(""), Some(2))
    );
    assert_eq!(
        (&updated["expenseId"], &updated["createdAt"]),
        (&body["expenseId"], &body["createdAt"])
    );
    app.invoke(&UPDATE_EXPENSE, update(Some("\"1\"")))
        .await
        .expect_error(412, "precondition_failed", None);
    let third = app
        .invoke(&UPDATE_EXPENSE, update(Some("*")))
        .await
        .expect(200);
    assert_eq!(third.header("etag").as_deref(), Some("\"3\""));

    let delete = Event::new(&DELETE_EXPENSE, &alice).id(&id);
    let stale = delete.clone().header("If-Match", "\"2\"");
    app.invoke(&DELETE_EXPENSE, stale)
        .await
        .expect_error(412, "precondition_failed", None);
    let deleted = app
        .invoke(&DELETE_EXPENSE, delete.clone().header("If-Match", "\"3\""))
        .await
        .expect(204);
    assert_eq!(deleted.text(), "");
    app.invoke(&GET_EXPENSE, Event::new(&GET_EXPENSE, &alice).id(&id))
        .await
        .expect_error(404, "not_found", None);
    app.invoke(&DELETE_EXPENSE, delete)
        .await
        .expect_error(404, "not_found", None);
    app.invoke(&UPDATE_EXPENSE, update(None))
        .await
        .expect_error(404, "not_found", None);
    assert!(
        app.partition(&alice).await.is_empty(),
        "an update must never recreate the item"
    );
}

pub(crate) async fn ids_that_name_no_expense_are_404(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let id = app
        .create(&alice, &expense_body("1", "2024-01-01", ""))
        .await["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    let unknown = ulid::Ulid::new().to_string();
    for other in [
        unknown.as_str(),
        &id.to_lowercase(),
        "idempotency#key",
        "not-an-id",
        "",
    ] {
        let body = expense_body("2", "2024-01-02", "");
        for (function, event) in [
            (&GET_EXPENSE, Event::new(&GET_EXPENSE, &alice)),
            (
                &UPDATE_EXPENSE,
                Event::new(&UPDATE_EXPENSE, &alice).json(&body),
            ),
            (&DELETE_EXPENSE, Event::new(&DELETE_EXPENSE, &alice)),
        ] {
            let reply = app.invoke(function, event.id(other)).await;
            reply.expect_error(404, "not_found", None);
        }
    }
    assert_eq!(app.partition(&alice).await.len(), 1);
}

pub(crate) async fn requests_without_claims_are_401(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let body = expense_body("1", "2024-01-01", "");
    for function in &ALL {
        for event in [
            Event::new(function, &alice).anonymous(),
            Event::new(function, &alice).claims(json!({"email": alice.email})),
        ] {
            let event = event.id(&ulid::Ulid::new().to_string()).json(&body);
            app.invoke(function, event)
                .await
                .expect_error(401, "unauthenticated", None);
            assert!(
                app.handled(function).is_empty(),
                "{} called AWS before authenticating",
                function.bin
            );
        }
    }
}

/// The fixture files themselves, as recorded (with their query, `Idempotency-Key` and
/// `If-Match`), reach every handler and get the expected answers.
pub(crate) async fn recorded_fixtures_invoke_every_function(services: Services) {
    let app = App::new(&services).await;
    let user = app.pool_user("fixture").await;
    let recorded = |function| Event::as_recorded(function).user(&user);
    let created = app
        .invoke(&CREATE_EXPENSE, recorded(&CREATE_EXPENSE))
        .await
        .expect(201);
    assert_eq!(created.json()["description"], "train to Lyon");
    let listed = app
        .invoke(&LIST_EXPENSES, recorded(&LIST_EXPENSES))
        .await
        .expect(200)
        .json();
    assert_eq!(listed["expenses"].as_array().map(Vec::len), Some(1));
    // The recorded id belongs to nobody in this table.
    for function in [&GET_EXPENSE, &UPDATE_EXPENSE, &DELETE_EXPENSE] {
        app.invoke(function, recorded(function))
            .await
            .expect_error(404, "not_found", None);
    }
    let csv = app
        .invoke(&EXPORT_EXPENSES, recorded(&EXPORT_EXPENSES))
        .await
        .expect(200);
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(csv.text().lines().count(), 2);
    app.invoke(&ERASE_ME, recorded(&ERASE_ME)).await.expect(204);
    assert!(app.partition(&user).await.is_empty());
    assert!(!app.pool_has(&user).await);
}
