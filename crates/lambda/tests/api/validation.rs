//! Invalid input is 400 with a code and the offending field, and nothing is written.

use expense_lambda::functions::{
    CREATE_EXPENSE, DELETE_EXPENSE, EXPORT_EXPENSES, LIST_EXPENSES, UPDATE_EXPENSE,
};
use expense_lambda::model::{MAX_CATEGORY_CHARS, MAX_DESCRIPTION_CHARS};
use serde_json::{Value, json};

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

fn with(field: &str, value: Value) -> Value {
    let mut body = expense_body("12.34", "2024-05-01", "fine");
    body[field] = value;
    body
}

fn without(field: &str) -> Value {
    let mut body = expense_body("12.34", "2024-05-01", "fine");
    body.as_object_mut().expect("object").remove(field);
    body
}

pub(crate) async fn invalid_bodies_are_400_naming_the_field(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let id = app
        .create(&alice, &expense_body("1", "2024-01-01", "original"))
        .await["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    let long_description = "d".repeat(MAX_DESCRIPTION_CHARS + 1);
    let field_cases = [
        (with("amount", json!("-5")), "amount"),
        (with("amount", json!("0")), "amount"),
        (with("amount", json!("1.234")), "amount"),
        (with("amount", json!("1e3")), "amount"),
        (with("amount", json!("twelve")), "amount"),
        (with("amount", json!(true)), "amount"),
        (without("amount"), "amount"),
        (with("currency", json!("eur")), "currency"),
        (with("currency", json!("XXX")), "currency"),
        (with("currency", json!("EURO")), "currency"),
        (without("currency"), "currency"),
        (with("date", json!("2024-02-30")), "date"),
        (with("date", json!("01/05/2024")), "date"),
        (with("date", json!(20240501)), "date"),
        (without("date"), "date"),
        (with("category", json!("   ")), "category"),
        (
            with("category", json!("c".repeat(MAX_CATEGORY_CHARS + 1))),
            "category",
        ),
        (with("description", json!(long_description)), "description"),
        (with("description", json!("bell\u{7}")), "description"),
        (with("userId", json!("someone-else")), "userId"),
        (
            with("expenseId", json!("01HYH5ZC5X8Q3T7J2W9K4M6N8P")),
            "expenseId",
        ),
    ];
    for (body, field) in &field_cases {
        for (function, event) in [
            (&CREATE_EXPENSE, Event::new(&CREATE_EXPENSE, &alice)),
            (&UPDATE_EXPENSE, Event::new(&UPDATE_EXPENSE, &alice).id(&id)),
        ] {
            let reply = app.invoke(function, event.json(body)).await;
            let reply = reply.expect_error(400, "invalid_field", Some(field));
            let message = reply.json()["error"]["message"]
                .as_str()
                .expect("message")
                .to_owned();
            assert!(message.contains(&format!("`{field}`")), "{message}");
        }
    }
    let raw_number = |number: &str| {
        format!(r#"{{"amount":{number},"currency":"EUR","date":"2024-05-01","category":"x"}}"#)
    };
    for (text, field) in [
        (raw_number("1e3"), "amount"),
        (raw_number("-0.5"), "amount"),
    ] {
        let event = Event::new(&CREATE_EXPENSE, &alice).body(&text);
        app.invoke(&CREATE_EXPENSE, event)
            .await
            .expect_error(400, "invalid_field", Some(field));
    }
    for text in ["", "{", "[1, 2]", "\"amount\"", "{\"amount\": }", "null"] {
        for (function, event) in [
            (&CREATE_EXPENSE, Event::new(&CREATE_EXPENSE, &alice)),
            (&UPDATE_EXPENSE, Event::new(&UPDATE_EXPENSE, &alice).id(&id)),
        ] {
            app.invoke(function, event.body(text)).await.expect_error(
                400,
                "invalid_json",
                Some("body"),
            );
        }
    }
    let items = app.partition(&alice).await;
    assert_eq!(items.len(), 1, "no invalid request may write");
    assert_eq!(
        items[0]["description"].as_s().ok().map(String::as_str),
        Some("original")
    );
}

pub(crate) async fn invalid_list_parameters_are_400_naming_the_parameter(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    for (name, value) in [
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "ten"),
        ("limit", "-1"),
        ("from", "2024-13-01"),
        ("to", "yesterday"),
        ("cursor", "garbage"),
        ("cursor", "AQ"),
    ] {
        let event = Event::new(&LIST_EXPENSES, &alice).query(name, value);
        app.invoke(&LIST_EXPENSES, event)
            .await
            .expect_error(400, "invalid_field", Some(name));
    }
    let reversed = Event::new(&LIST_EXPENSES, &alice)
        .query("from", "2024-02-01")
        .query("to", "2024-01-01");
    app.invoke(&LIST_EXPENSES, reversed)
        .await
        .expect_error(400, "invalid_field", Some("from"));
    let event = Event::new(&EXPORT_EXPENSES, &alice).query("format", "xml");
    app.invoke(&EXPORT_EXPENSES, event)
        .await
        .expect_error(400, "invalid_field", Some("format"));
}

pub(crate) async fn invalid_headers_are_400_naming_the_header(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let body = expense_body("1", "2024-01-01", "");
    for key in ["", "has space", &"k".repeat(129), "tab\there"] {
        let event = Event::new(&CREATE_EXPENSE, &alice)
            .header("Idempotency-Key", key)
            .json(&body);
        let reply = app.invoke(&CREATE_EXPENSE, event).await;
        reply.expect_error(400, "invalid_field", Some("Idempotency-Key"));
    }
    let id = app.create(&alice, &body).await["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    for value in ["1", "\"one\"", "W/\"1\"", "\"1\", \"2\""] {
        let update = Event::new(&UPDATE_EXPENSE, &alice)
            .id(&id)
            .json(&body)
            .header("If-Match", value);
        app.invoke(&UPDATE_EXPENSE, update).await.expect_error(
            400,
            "invalid_field",
            Some("If-Match"),
        );
        let delete = Event::new(&DELETE_EXPENSE, &alice)
            .id(&id)
            .header("If-Match", value);
        app.invoke(&DELETE_EXPENSE, delete).await.expect_error(
            400,
            "invalid_field",
            Some("If-Match"),
        );
    }
    assert_eq!(app.partition(&alice).await.len(), 1);
}
