//! API Gateway REST (v1) proxy events from `tests/fixtures/`, one per function, edited per test
//! and turned into `lambda_http` requests the way the runtime does.
//!
//! The fixture files are complete events as API Gateway sends them after the Cognito
//! authorizer accepted an ID token (its claims sit in `requestContext.authorizer.claims`);
//! they double as inputs for `cargo lambda invoke --data-file`. [`Event::new`] starts from a
//! fixture without its optional parts (query, `Idempotency-Key`, `If-Match`);
//! [`Event::as_recorded`] keeps them.

use lambda_http::{Body, Request, Response};
use serde_json::{Map, Value, json};

use expense_lambda::functions::Function;

use crate::app::TestUser;

/// One event being prepared.
#[derive(Debug, Clone)]
pub(crate) struct Event(Value);

impl Event {
    /// The fixture of `function`, as recorded.
    pub(crate) fn as_recorded(function: &Function) -> Self {
        let path = format!(
            "{}/tests/fixtures/{}.json",
            env!("CARGO_MANIFEST_DIR"),
            function.bin
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    /// The fixture of `function` without query parameters or optional headers, for `user`.
    pub(crate) fn new(function: &Function, user: &TestUser) -> Self {
        Self::as_recorded(function)
            .without_query()
            .without_header("Idempotency-Key")
            .without_header("If-Match")
            .user(user)
    }

    /// The caller is `user`.
    pub(crate) fn user(mut self, user: &TestUser) -> Self {
        let claims = &mut self.0["requestContext"]["authorizer"]["claims"];
        claims["sub"] = json!(user.sub);
        claims["cognito:username"] = json!(user.username);
        claims["email"] = json!(user.email);
        self
    }

    /// No authorizer ran: the route is open or the event is forged.
    pub(crate) fn anonymous(mut self) -> Self {
        object(&mut self.0["requestContext"]).remove("authorizer");
        self
    }

    /// Replaces the claims object.
    pub(crate) fn claims(mut self, claims: Value) -> Self {
        self.0["requestContext"]["authorizer"]["claims"] = claims;
        self
    }

    /// The `{id}` path parameter (and the path).
    pub(crate) fn id(mut self, id: &str) -> Self {
        self.0["pathParameters"] = json!({ "id": id });
        self.0["path"] = json!(format!("/expenses/{id}"));
        self
    }

    /// The body, as text.
    pub(crate) fn body(mut self, text: &str) -> Self {
        self.0["body"] = json!(text);
        self
    }

    /// The body, as JSON.
    pub(crate) fn json(self, value: &Value) -> Self {
        self.body(&value.to_string())
    }

    /// Sets header `name`.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        object(&mut self.0["headers"]).insert(name.into(), json!(value));
        object(&mut self.0["multiValueHeaders"]).insert(name.into(), json!([value]));
        self
    }

    /// Removes header `name`.
    pub(crate) fn without_header(mut self, name: &str) -> Self {
        object(&mut self.0["headers"]).remove(name);
        object(&mut self.0["multiValueHeaders"]).remove(name);
        self
    }

    /// Adds query parameter `name`.
    pub(crate) fn query(mut self, name: &str, value: &str) -> Self {
        object(&mut self.0["queryStringParameters"]).insert(name.into(), json!(value));
        object(&mut self.0["multiValueQueryStringParameters"]).insert(name.into(), json!([value]));
        self
    }

    /// Removes every query parameter.
    pub(crate) fn without_query(mut self) -> Self {
        self.0["queryStringParameters"] = Value::Null;
        self.0["multiValueQueryStringParameters"] = Value::Null;
        self
    }

    /// The request `lambda_http` hands the handler for this event.
    pub(crate) fn request(&self) -> Request {
        lambda_http::request::from_str(&self.0.to_string())
            .expect("fixture is a valid API Gateway event")
    }
}

/// `value` as an object, made one if it was null.
fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().expect("just made an object")
}

/// A handler's response, read back.
#[derive(Debug)]
pub(crate) struct Reply(pub Response<Body>);

impl Reply {
    /// The status code.
    pub(crate) fn status(&self) -> u16 {
        self.0.status().as_u16()
    }

    /// Header `name`, if present.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.0
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_owned())
    }

    /// The body text.
    pub(crate) fn text(&self) -> String {
        match self.0.body() {
            Body::Empty => String::new(),
            Body::Text(text) => text.clone(),
            Body::Binary(bytes) => String::from_utf8(bytes.clone()).expect("UTF-8 body"),
            other => panic!("unexpected body {other:?}"),
        }
    }

    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text()).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub(crate) fn expect(self, status: u16) -> Self {
        assert_eq!(self.status(), status, "body: {}", self.text());
        self
    }

    /// Asserts a 4xx error with `code` (and, if given, `field`).
    #[track_caller]
    pub(crate) fn expect_error(self, status: u16, code: &str, field: Option<&str>) -> Self {
        let reply = self.expect(status);
        let body = reply.json();
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/json")
        );
        assert_eq!(body["error"]["code"], code, "{body}");
        assert_eq!(body["error"]["field"].as_str(), field, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        reply
    }
}
