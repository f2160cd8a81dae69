//! CORS on the functions' responses: every function, on success and on error, names an allowed
//! `Origin` exactly and varies on it; any other origin is not named, and `*` never appears.

use expense_lambda::functions::{ALL, CREATE_EXPENSE, Function, GET_EXPENSE};
use serde_json::json;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::{Event, Reply};

const SITE: &str = "https://d111111abcdef8.cloudfront.net";
const EXTRA: &str = "https://app.example.com";

fn assert_cors(reply: &Reply, origin: Option<&str>, what: &str) {
    assert_eq!(
        reply.header("access-control-allow-origin").as_deref(),
        origin,
        "{what}: {}",
        reply.status()
    );
    assert_eq!(reply.header("vary").as_deref(), Some("Origin"), "{what}");
    assert!(
        reply.header("access-control-allow-credentials").is_none(),
        "{what}"
    );
}

/// An event for `function` that it answers with success, with the id of `id` filled in.
fn event(function: &Function, user: &TestUser, id: &str) -> Event {
    Event::new(function, user)
        .json(&expense_body("3", "2024-06-01", "cors"))
        .id(id)
}

pub(crate) async fn every_function_names_an_allowed_origin_on_success(services: Services) {
    let app = App::new(&services).await;
    let user = app.pool_user("cors").await;
    for function in &ALL {
        for origin in [SITE, EXTRA] {
            let created = app
                .create(&user, &expense_body("1", "2024-06-01", "x"))
                .await;
            let id = created["expenseId"].as_str().expect("id");
            let reply = app
                .invoke(
                    function,
                    event(function, &user, id).header("Origin", origin),
                )
                .await;
            assert!(reply.status() < 300, "{}: {}", function.bin, reply.text());
            assert_cors(&reply, Some(origin), function.bin);
            if function.bin == "erase-me" {
                break;
            }
        }
    }
}

pub(crate) async fn errors_carry_the_cors_headers_too(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let anonymous = Event::new(&GET_EXPENSE, &alice)
        .anonymous()
        .id("01J00000000000000000000000")
        .header("Origin", SITE);
    let reply = app.invoke(&GET_EXPENSE, anonymous).await;
    let reply = reply.expect_error(401, "unauthenticated", None);
    assert_cors(&reply, Some(SITE), "401");

    let invalid = Event::new(&CREATE_EXPENSE, &alice)
        .json(&json!({"amount": "-1", "currency": "EUR", "date": "2024-06-01"}))
        .header("Origin", EXTRA);
    let reply = app.invoke(&CREATE_EXPENSE, invalid).await;
    let reply = reply.expect_error(400, "invalid_field", Some("amount"));
    assert_cors(&reply, Some(EXTRA), "400");

    let missing = Event::new(&GET_EXPENSE, &alice)
        .id("01J00000000000000000000000")
        .header("Origin", SITE);
    let reply = app.invoke(&GET_EXPENSE, missing).await;
    let reply = reply.expect_error(404, "not_found", None);
    assert_cors(&reply, Some(SITE), "404");
}

pub(crate) async fn other_origins_are_not_named(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let id = app
        .create(&alice, &expense_body("1", "2024-06-01", "x"))
        .await["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    for origin in [
        Some("https://evil.example.com"),
        Some("https://d111111abcdef8.cloudfront.net.evil.example.com"),
        Some("http://app.example.com"),
        Some("null"),
        Some("*"),
        None,
    ] {
        let mut event = Event::new(&GET_EXPENSE, &alice).id(&id);
        if let Some(origin) = origin {
            event = event.header("Origin", origin);
        }
        let reply = app.invoke(&GET_EXPENSE, event).await.expect(200);
        assert_cors(&reply, None, &format!("{origin:?}"));
        assert!(reply.header("access-control-expose-headers").is_none());
    }
}
