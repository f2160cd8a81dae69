//! `GET /export`: the whole of a user's data, exactly, as JSON or CSV.

use expense_lambda::functions::EXPORT_EXPENSES;
use serde_json::{Value, json};

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

async fn three_expenses(app: &App, user: &TestUser) -> Vec<Value> {
    let mut created = Vec::new();
    for (amount, description) in [
        ("0.10", "coffee, \"large\""),
        ("1234567.89", "=HYPERLINK(\"http://evil.example\")"),
        ("5", "line one\nline two — ünïcödé"),
    ] {
        created.push(
            app.create(user, &expense_body(amount, "2024-06-01", description))
                .await,
        );
    }
    created.sort_by(|a, b| a["expenseId"].as_str().cmp(&b["expenseId"].as_str()));
    created
}

pub(crate) async fn json_export_holds_every_expense_exactly(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let created = three_expenses(&app, &alice).await;
    let key = Event::new(&expense_lambda::functions::CREATE_EXPENSE, &alice)
        .header("Idempotency-Key", "k")
        .json(&expense_body("3", "2024-06-02", ""));
    let keyed = app
        .invoke(&expense_lambda::functions::CREATE_EXPENSE, key)
        .await
        .expect(201)
        .json();
    let mut expected = created.clone();
    expected.push(keyed);
    expected.sort_by(|a, b| a["expenseId"].as_str().cmp(&b["expenseId"].as_str()));
    app.create(
        &TestUser::new("bob"),
        &expense_body("7", "2024-06-01", "bob's"),
    )
    .await;

    let reply = app
        .invoke(&EXPORT_EXPENSES, Event::new(&EXPORT_EXPENSES, &alice))
        .await
        .expect(200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        reply.header("content-disposition").as_deref(),
        Some("attachment; filename=\"expenses.json\"")
    );
    assert_eq!(reply.json(), json!({ "expenses": expected }));
}

pub(crate) async fn csv_export_parses_back(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let created = three_expenses(&app, &alice).await;
    for event in [
        Event::new(&EXPORT_EXPENSES, &alice).header("Accept", "text/csv"),
        Event::new(&EXPORT_EXPENSES, &alice)
            .header("Accept", "application/json")
            .query("format", "csv"),
    ] {
        let reply = app.invoke(&EXPORT_EXPENSES, event).await.expect(200);
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("text/csv; charset=utf-8")
        );
        let text = reply.text();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(
            header,
            [
                "expenseId",
                "date",
                "amount",
                "currency",
                "category",
                "description",
                "createdAt",
                "updatedAt",
                "version"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
        assert_eq!(rows.len(), created.len());
        for (row, expense) in rows.iter().zip(&created) {
            let description = expense["description"].as_str().expect("description");
            let expected_description = match description.starts_with('=') {
                true => format!("'{description}"),
                false => description.to_owned(),
            };
            assert_eq!(&row[0], expense["expenseId"].as_str().expect("id"));
            assert_eq!(&row[2], expense["amount"].as_str().expect("amount"));
            assert_eq!(row[5], expected_description);
            assert_eq!(&row[8], "1");
        }
    }
}

pub(crate) async fn format_negotiation_and_limits(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let export = || Event::new(&EXPORT_EXPENSES, &alice);
    let empty = app
        .invoke(&EXPORT_EXPENSES, export().header("Accept", "*/*"))
        .await
        .expect(200);
    assert_eq!(empty.json(), json!({"expenses": []}));
    let csv = app
        .invoke(
            &EXPORT_EXPENSES,
            export().header("Accept", "text/csv;q=0.9, application/json;q=0.1"),
        )
        .await;
    assert_eq!(csv.expect(200).text().lines().count(), 1, "header row only");
    app.invoke(&EXPORT_EXPENSES, export().header("Accept", "text/html"))
        .await
        .expect_error(406, "not_acceptable", None);

    three_expenses(&app, &alice).await;
    let whole = app
        .invoke(&EXPORT_EXPENSES, export())
        .await
        .expect(200)
        .text()
        .len();
    app.export_with_limit(whole, export()).await.expect(200);
    app.export_with_limit(whole - 1, export())
        .await
        .expect_error(413, "export_too_large", None);
    let csv = export().query("format", "csv");
    app.export_with_limit(50, csv)
        .await
        .expect_error(413, "export_too_large", None);
}
