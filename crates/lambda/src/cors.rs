//! CORS on the functions' own responses: the browser reads a response (success or error) only
//! when it names the page's origin in `Access-Control-Allow-Origin`.
//!
//! API Gateway answers the preflight (`OPTIONS`) itself; the actual request reaches the
//! function, which answers for CORS here. The allowed origins come from `ALLOWED_ORIGINS`
//! (comma-separated, set by the stack from the site's domain and the configured extras). A
//! response names the request's `Origin` only when it matches one of them exactly, and never
//! `*`; every response carries `Vary: Origin`, so a cache never serves one origin's answer to
//! another. The API authenticates with a bearer token, not cookies, so no
//! `Access-Control-Allow-Credentials` is sent.

use lambda_http::http::{HeaderMap, HeaderValue, header};
use lambda_http::{Body, Response};

/// The response headers a browser script may read besides the CORS-safelisted ones: the
/// version for `If-Match`, the new expense's URL, the replay marker and the export's file name.
const EXPOSED_HEADERS: &str = "ETag, Location, Idempotent-Replayed, Content-Disposition";

/// The browser origins allowed to read the API's responses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

/// An `ALLOWED_ORIGINS` entry that is not one origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginInvalid {
    /// `*` or `null`: either would let any page read the user's data.
    #[error("allowed origin `{0}` is a wildcard; name each origin")]
    Wildcard(String),
    /// Not `scheme://host[:port]`.
    #[error("allowed origin `{0}` is not `http(s)://host[:port]` without a path")]
    NotAnOrigin(String),
}

impl AllowedOrigins {
    /// The origins in `text`, separated by commas; blanks around entries are ignored.
    ///
    /// # Errors
    /// [`OriginInvalid`] naming the first entry that is not an origin.
    pub fn parse(text: &str) -> Result<Self, OriginInvalid> {
        let entries = text.split(',').map(str::trim).filter(|e| !e.is_empty());
        let origins = entries.map(check).collect::<Result<_, _>>()?;
        Ok(Self(origins))
    }

    /// Whether `origin` is one of the allowed origins, byte for byte: browsers send the
    /// serialised origin (lower-case scheme and host, no default port), as the stack writes it.
    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|allowed| allowed == origin)
    }

    /// Adds the CORS headers for a request with `request_headers` to `response`.
    pub fn apply(&self, request_headers: &HeaderMap, response: &mut Response<Body>) {
        let headers = response.headers_mut();
        add_vary_origin(headers);
        let origin = request_headers.get(header::ORIGIN);
        let Some(origin) = origin.filter(|o| o.to_str().is_ok_and(|o| self.allows(o))) else {
            return;
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
}

fn check(entry: &str) -> Result<String, OriginInvalid> {
    if entry == "*" || entry.eq_ignore_ascii_case("null") || entry.contains('*') {
        return Err(OriginInvalid::Wildcard(entry.to_owned()));
    }
    let host = entry
        .strip_prefix("https://")
        .or_else(|| entry.strip_prefix("http://"));
    let valid = host.is_some_and(|host| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.:[]".contains(c))
    });
    if valid {
        Ok(entry.to_owned())
    } else {
        Err(OriginInvalid::NotAnOrigin(entry.to_owned()))
    }
}

/// `Vary: Origin`, merged into a `Vary` the handler set (the export varies on `Accept`).
fn add_vary_origin(headers: &mut HeaderMap) {
    let merged = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(existing)
            if existing
                .split(',')
                .any(|v| v.trim().eq_ignore_ascii_case("origin")) =>
        {
            return;
        }
        Some(existing) => HeaderValue::try_from(format!("{existing}, Origin")).ok(),
        None => None,
    };
    let value = merged.unwrap_or(HeaderValue::from_static("Origin"));
    headers.insert(header::VARY, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> AllowedOrigins {
        AllowedOrigins::parse("https://app.example.com, https://d111.cloudfront.net")
            .expect("valid")
    }

    fn answer(origin: Option<&str>, vary: Option<&str>) -> Response<Body> {
        let mut request = HeaderMap::new();
        if let Some(origin) = origin {
            request.insert(
                header::ORIGIN,
                HeaderValue::from_str(origin).expect("ascii"),
            );
        }
        let mut response = Response::new(Body::Empty);
        if let Some(vary) = vary {
            let value = HeaderValue::from_str(vary).expect("ascii");
            response.headers_mut().insert(header::VARY, value);
        }
        origins().apply(&request, &mut response);
        response
    }

    fn allow_origin(response: &Response<Body>) -> Option<&str> {
        let value = response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        value.map(|v| v.to_str().expect("ascii"))
    }

    #[test]
    fn an_allowed_origin_is_echoed_exactly() {
        for origin in ["https://app.example.com", "https://d111.cloudfront.net"] {
            let response = answer(Some(origin), None);
            assert_eq!(allow_origin(&response), Some(origin));
            assert_eq!(response.headers()[header::VARY], "Origin");
            let exposed = &response.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS];
            assert!(exposed.to_str().expect("ascii").contains("ETag"));
        }
    }

    #[test]
    fn other_origins_get_no_allow_origin_but_still_vary() {
        for origin in [
            None,
            Some("https://evil.example.com"),
            Some("https://app.example.com.evil.example"),
            Some("http://app.example.com"),
            Some("https://APP.example.com"),
            Some("https://app.example.com/"),
            Some("null"),
        ] {
            let response = answer(origin, None);
            assert_eq!(allow_origin(&response), None, "{origin:?}");
            assert!(
                !response
                    .headers()
                    .contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS)
            );
            assert_eq!(response.headers()[header::VARY], "Origin", "{origin:?}");
        }
    }

    #[test]
    fn vary_is_merged_not_replaced() {
        let response = answer(Some("https://app.example.com"), Some("Accept"));
        assert_eq!(response.headers()[header::VARY], "Accept, Origin");
        let response = answer(None, Some("origin, Accept"));
        assert_eq!(response.headers()[header::VARY], "origin, Accept");
    }

    #[test]
    fn wildcards_and_non_origins_are_refused() {
        for (text, wildcard) in [
            ("*", true),
            ("null", true),
            ("https://*.example.com", true),
            ("app.example.com", false),
            ("https://app.example.com/path", false),
            ("ftp://app.example.com", false),
            ("https://", false),
        ] {
            let error = AllowedOrigins::parse(text).expect_err(text);
            assert_eq!(
                matches!(error, OriginInvalid::Wildcard(_)),
                wildcard,
                "{text}"
            );
            assert!(error.to_string().contains(text), "{error}");
        }
        assert_eq!(
            AllowedOrigins::parse(" , ").expect("empty"),
            AllowedOrigins::default()
        );
        assert!(origins().allows("https://d111.cloudfront.net"));
    }
}
