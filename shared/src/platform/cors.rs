//! The web app's origin on every answer a function gives. API Gateway's Lambda proxy passes a
//! function's headers through as they are, so without these a browser could read none of the
//! API's answers (API Gateway's own errors carry them from the template's gateway responses,
//! and the preflight from its `Cors` setting). The origin is a stack parameter
//! (`AllowedWebOrigin`) that reaches every function as `WEB_ORIGIN`; set once at start-up by
//! [`crate::Platform::new`].

use std::sync::OnceLock;

use http::{HeaderMap, HeaderValue, header};

/// The headers the web app reads from answers (optimistic locking, redirects after creation,
/// rate limits, replays, support references).
pub const EXPOSED_HEADERS: &str = "ETag, Location, Retry-After, Idempotent-Replayed, X-Request-Id";

static WEB_ORIGIN: OnceLock<HeaderValue> = OnceLock::new();

/// Remembers the web app's origin for every answer of this process. A value that cannot be a
/// header (or a second call) changes nothing; configuration checks it first.
pub fn allow_web_origin(origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        let _ = WEB_ORIGIN.set(value);
    }
}

/// Adds the origin, `Vary: Origin` and the exposed headers to an answer, when an origin is set.
pub fn decorate(headers: &mut HeaderMap) {
    if let Some(origin) = WEB_ORIGIN.get() {
        decorate_with(headers, origin);
    }
}

fn decorate_with(headers: &mut HeaderMap, origin: &HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
}

/// Whether `origin` is what a browser sends as `Origin`: `https://host[:port]` (or `http://`
/// for a developer's machine), nothing after the authority.
pub fn is_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_name_the_origin_and_expose_the_headers_the_app_reads() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        decorate_with(
            &mut headers,
            &HeaderValue::from_static("https://portal.example.org"),
        );
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://portal.example.org"
        );
        let vary: Vec<_> = headers.get_all(header::VARY).iter().collect();
        assert_eq!(vary, ["Accept", "Origin"]);
        assert!(
            headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
                .to_str()
                .expect("ascii")
                .contains("ETag")
        );
    }

    #[test]
    fn origins_are_scheme_and_authority_only() {
        assert!(is_origin("https://portal.example.org"));
        assert!(is_origin("http://127.0.0.1:5173"));
        assert!(!is_origin("*"));
        assert!(!is_origin("https://portal.example.org/app"));
        assert!(!is_origin("portal.example.org"));
        assert!(!is_origin("https://"));
    }
}
