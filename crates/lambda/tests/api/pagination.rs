//! `GET /expenses` pages: every expense exactly once, newest first, with and without a date
//! filter.

use expense_lambda::functions::LIST_EXPENSES;
use serde_json::Value;

use crate::app::{App, Services, TestUser, expense_body};
use crate::fixtures::Event;

/// Follows `nextCursor` from the first page; returns the ids and the page sizes.
pub(crate) async fn walk(app: &App, first: Event) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (Vec::new(), Vec::new());
    let mut event = first.clone();
    loop {
        let page = app.invoke(&LIST_EXPENSES, event).await.expect(200).json();
        let expenses = page["expenses"].as_array().expect("expenses");
        sizes.push(expenses.len());
        ids.extend(
            expenses
                .iter()
                .map(|e| e["expenseId"].as_str().expect("id").to_owned()),
        );
        match &page["nextCursor"] {
            Value::String(cursor) => event = first.clone().query("cursor", cursor),
            Value::Null => return (ids, sizes),
            other => panic!("nextCursor {other}"),
        }
        assert!(sizes.len() < 50, "pagination does not end");
    }
}

pub(crate) async fn pages_cover_every_expense_once_newest_first(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let mut created = Vec::new();
    for day in 1..=23 {
        let body = expense_body("1", &format!("2024-03-{day:02}"), "");
        created.push(
            app.create(&alice, &body).await["expenseId"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    // Ids created in the same millisecond order by their random part, so the expected
    // order is the ids' own.
    created.sort_unstable_by(|a, b| b.cmp(a));
    let (ids, sizes) = walk(&app, Event::new(&LIST_EXPENSES, &alice).query("limit", "5")).await;
    assert_eq!(ids, created);
    assert_eq!(sizes, [5, 5, 5, 5, 3]);
    let (ids, sizes) = walk(
        &app,
        Event::new(&LIST_EXPENSES, &alice).query("limit", "23"),
    )
    .await;
    assert_eq!((ids.len(), sizes), (23, vec![23]));
    let (ids, sizes) = walk(&app, Event::new(&LIST_EXPENSES, &alice)).await;
    assert_eq!((ids, sizes), (created, vec![23]));
}

pub(crate) async fn date_filters_page_within_the_range(services: Services) {
    let app = App::new(&services).await;
    let alice = TestUser::new("alice");
    let mut in_february = Vec::new();
    for n in 0..30 {
        let date = format!("2024-{:02}-{:02}", 1 + n % 3, 1 + n % 28);
        let expense = app.create(&alice, &expense_body("1", &date, "")).await;
        if date.starts_with("2024-02") {
            in_february.push(expense["expenseId"].as_str().expect("id").to_owned());
        }
    }
    in_february.sort_unstable_by(|a, b| b.cmp(a));
    let february = Event::new(&LIST_EXPENSES, &alice)
        .query("from", "2024-02-01")
        .query("to", "2024-02-29");
    let (ids, sizes) = walk(&app, february.clone().query("limit", "4")).await;
    assert_eq!(ids, in_february);
    assert!(sizes.iter().all(|&n| n <= 4), "{sizes:?}");

    let from_march = Event::new(&LIST_EXPENSES, &alice)
        .query("from", "2024-03-01")
        .query("limit", "3");
    let (ids, _) = walk(&app, from_march).await;
    assert_eq!(ids.len(), 10);
    let until_january = Event::new(&LIST_EXPENSES, &alice)
        .query("to", "2024-01-31")
        .query("limit", "3");
    assert_eq!(walk(&app, until_january).await.0.len(), 10);

    // A cursor only continues the query it came from.
    let page = app
        .invoke(&LIST_EXPENSES, february.clone().query("limit", "2"))
        .await
        .expect(200)
        .json();
    let cursor = page["nextCursor"].as_str().expect("a second page");
    let other_filter = Event::new(&LIST_EXPENSES, &alice)
        .query("from", "2024-02-02")
        .query("cursor", cursor);
    app.invoke(&LIST_EXPENSES, other_filter).await.expect_error(
        400,
        "invalid_field",
        Some("cursor"),
    );
    let no_filter = Event::new(&LIST_EXPENSES, &alice).query("cursor", cursor);
    app.invoke(&LIST_EXPENSES, no_filter)
        .await
        .expect_error(400, "invalid_field", Some("cursor"));
}
