//! The logs: one JSON object per line, every event inside the request span with the Lambda
//! request id, and no personal data (e-mail, description, token) even when it is in the
//! request, in a rejected field, or in the SDK's own debug output.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex};

use expense_lambda::functions::{
    CREATE_EXPENSE, DELETE_EXPENSE, ERASE_ME, EXPORT_EXPENSES, GET_EXPENSE, LIST_EXPENSES,
    UPDATE_EXPENSE,
};
use expense_lambda::model::MAX_DESCRIPTION_CHARS;
use expense_lambda::runtime;
use serde_json::Value;
use tracing::level_filters::LevelFilter;

use crate::app::{App, Services, expense_body};
use crate::fixtures::Event;

const SECRET: &str = "SECRET-DESCRIPTION-7d1f";

thread_local! {
    static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Installs the production log subscriber, at its most verbose level, as the global one for
/// the whole test binary; its output is kept only on threads that [`Capture`] logs. (A
/// per-thread subscriber would race with the trials running in parallel: tracing caches
/// whether a call site is enabled across threads.)
pub(crate) fn install() {
    let subscriber = runtime::log_subscriber(LevelFilter::TRACE, || Sink);
    tracing::subscriber::set_global_default(subscriber).expect("first global subscriber");
}

/// Collects the logs written on this thread while it lives.
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn start() -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
        Self(buffer)
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("log buffer").clone()).expect("UTF-8 logs")
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Writes to the current thread's capture, if any.
struct Sink;

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow().as_ref() {
                buffer.lock().expect("log buffer").extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) async fn logs_carry_request_ids_and_no_personal_data(services: Services) {
    let app = App::new(&services).await;
    // The subscriber runs at the most verbose level: whatever an operator turns on must stay
    // clean.
    let capture = Capture::start();

    let user = app.pool_user("logged").await;
    let body = expense_body("9.99", "2024-09-01", SECRET);
    let created = app
        .invoke(
            &CREATE_EXPENSE,
            Event::new(&CREATE_EXPENSE, &user).json(&body),
        )
        .await;
    let id = created.expect(201).json()["expenseId"]
        .as_str()
        .expect("id")
        .to_owned();
    let event = |function| Event::new(function, &user).id(&id).json(&body);
    app.invoke(&GET_EXPENSE, event(&GET_EXPENSE))
        .await
        .expect(200);
    app.invoke(&UPDATE_EXPENSE, event(&UPDATE_EXPENSE))
        .await
        .expect(200);
    app.invoke(&LIST_EXPENSES, event(&LIST_EXPENSES))
        .await
        .expect(200);
    app.invoke(
        &EXPORT_EXPENSES,
        event(&EXPORT_EXPENSES).query("format", "csv"),
    )
    .await
    .expect(200);
    let too_long = expense_body("1", "2024-09-01", &SECRET.repeat(MAX_DESCRIPTION_CHARS));
    let rejected = Event::new(&CREATE_EXPENSE, &user).json(&too_long);
    app.invoke(&CREATE_EXPENSE, rejected).await.expect(400);
    app.invoke(&DELETE_EXPENSE, event(&DELETE_EXPENSE))
        .await
        .expect(204);
    app.invoke(&ERASE_ME, event(&ERASE_ME)).await.expect(204);

    let text = capture.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let completed: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "request completed")
        .collect();
    assert_eq!(completed.len(), 8, "{text}");
    for line in &lines {
        let spans = line["spans"].as_array();
        let span = spans
            .and_then(|s| s.first())
            .unwrap_or_else(|| panic!("outside a span: {line}"));
        assert!(
            span["request_id"].as_str().is_some_and(|id| id.len() == 26),
            "{line}"
        );
        assert_eq!(
            span["api_request_id"], "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "{line}"
        );
        assert!(
            span["function"].is_string() && span["route"].is_string(),
            "{line}"
        );
    }
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["message"].as_str()).collect();
    for expected in [
        "expense created",
        "expense updated",
        "expenses listed",
        "expenses exported",
    ] {
        assert!(messages.contains(&expected), "{messages:?}");
    }
    for private in [
        SECRET,
        user.email.as_str(),
        "fixture.user@example.com",
        "eyJraWQi",
        "Authorization",
    ] {
        assert!(!text.contains(private), "logs contain {private:?}:\n{text}");
    }
}
