//! API Gateway's own answers (bad token, unknown route, failed function), shaped by the API's
//! `GatewayResponses` in the template the way API Gateway shapes them.
//!
//! A response type configured in the template is used as configured; a type that is not falls
//! back to `DEFAULT_4XX` / `DEFAULT_5XX` if those are configured (keeping the type's own status),
//! else to API Gateway's built-in `{"message": "..."}` body.

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::json;

use crate::template::GatewayResponse;

/// Why the gateway answered instead of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No or an invalid token on a route with an authorizer.
    Unauthorized,
    /// No such resource, or no such method on it.
    MissingAuthenticationToken,
    /// The body is over API Gateway's 10 MB.
    RequestTooLarge,
    /// The request could not be turned into an event (e.g. a header that is not text).
    BadRequest,
    /// The function crashed or timed out.
    FunctionFailed,
}

impl Refusal {
    fn response_type(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "UNAUTHORIZED",
            Refusal::MissingAuthenticationToken => "MISSING_AUTHENTICATION_TOKEN",
            Refusal::RequestTooLarge => "REQUEST_TOO_LARGE",
            Refusal::BadRequest => "BAD_REQUEST_BODY",
            Refusal::FunctionFailed => "DEFAULT_5XX",
        }
    }

    fn default_status(self) -> StatusCode {
        match self {
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            Refusal::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::FunctionFailed => StatusCode::BAD_GATEWAY,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "Unauthorized",
            Refusal::MissingAuthenticationToken => "Missing Authentication Token",
            Refusal::RequestTooLarge => "Request Too Long",
            Refusal::BadRequest => "Bad request",
            Refusal::FunctionFailed => "Internal server error",
        }
    }
}

/// The API's gateway responses.
#[derive(Debug, Clone, Default)]
pub struct GatewayResponses {
    configured: BTreeMap<String, GatewayResponse>,
}

impl GatewayResponses {
    pub fn new(configured: BTreeMap<String, GatewayResponse>) -> GatewayResponses {
        GatewayResponses { configured }
    }

    /// The response API Gateway would send for `refusal`.
    pub fn render(&self, refusal: Refusal, request_id: &str) -> Response {
        let default_status = refusal.default_status();
        let fallback = if default_status.is_server_error() {
            "DEFAULT_5XX"
        } else {
            "DEFAULT_4XX"
        };
        let Some(configured) = self
            .configured
            .get(refusal.response_type())
            .or_else(|| self.configured.get(fallback))
        else {
            return (
                default_status,
                axum::Json(json!({"message": refusal.message()})),
            )
                .into_response();
        };

        let status = configured
            .status_code
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or(default_status);
        let body = match &configured.template {
            Some(template) => substitute(template, refusal, request_id),
            None => json!({"message": refusal.message()}).to_string(),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in &configured.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::try_from(value.as_str()),
            ) {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// What API Gateway answers when Lambda refuses the invocation because the event is over its
/// request limit (a body under API Gateway's 10 MB whose event is over Lambda's 6 MB). It is
/// Lambda's error passed through, not a gateway response: the API's `GatewayResponses` do not
/// shape it.
pub fn lambda_request_too_large() -> Response {
    let mut response = (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(json!({"message": "Request Too Long"})),
    )
        .into_response();
    response.headers_mut().insert(
        HeaderName::from_static("x-amzn-errortype"),
        HeaderValue::from_static("BadRequestException"),
    );
    response
}

/// The `$context` variables a gateway response template can use and the local gateway knows.
fn substitute(template: &str, refusal: Refusal, request_id: &str) -> String {
    let message = refusal.message();
    template
        .replace("$context.requestId", request_id)
        .replace(
            "$context.error.messageString",
            &serde_json::Value::from(message).to_string(),
        )
        .replace("$context.error.message", message)
        .replace("$context.error.responseType", refusal.response_type())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parts(response: Response) -> (StatusCode, Option<String>, String) {
        let status = response.status();
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        (status, content_type, body)
    }

    #[tokio::test]
    async fn without_configuration_api_gateway_defaults_apply() {
        let responses = GatewayResponses::default();
        let (status, _, body) =
            parts(responses.render(Refusal::MissingAuthenticationToken, "r1")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body, r#"{"message":"Missing Authentication Token"}"#);
        let (status, _, body) = parts(responses.render(Refusal::Unauthorized, "r1")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, r#"{"message":"Unauthorized"}"#);
    }

    #[tokio::test]
    async fn configured_types_and_defaults_apply() {
        let responses = GatewayResponses::new(BTreeMap::from([
            (
                "MISSING_AUTHENTICATION_TOKEN".to_owned(),
                GatewayResponse {
                    status_code: Some(404),
                    headers: vec![("Content-Type".into(), "application/problem+json".into())],
                    parameter_headers: vec![],
                    template: Some(r#"{"status":404,"requestId":"$context.requestId"}"#.into()),
                },
            ),
            (
                "DEFAULT_4XX".to_owned(),
                GatewayResponse {
                    status_code: None,
                    headers: vec![],
                    parameter_headers: vec![],
                    template: Some(r#"{"title":$context.error.messageString}"#.into()),
                },
            ),
        ]));
        let (status, content_type, body) =
            parts(responses.render(Refusal::MissingAuthenticationToken, "r2")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        assert_eq!(body, r#"{"status":404,"requestId":"r2"}"#);

        // Not configured itself: DEFAULT_4XX's body with the type's own status.
        let (status, _, body) = parts(responses.render(Refusal::Unauthorized, "r3")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, r#"{"title":"Unauthorized"}"#);

        // No DEFAULT_5XX configured: the built-in body.
        let (status, _, body) = parts(responses.render(Refusal::FunctionFailed, "r4")).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_eq!(body, r#"{"message":"Internal server error"}"#);
    }
}
