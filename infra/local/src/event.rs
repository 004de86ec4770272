//! The Lambda proxy event API Gateway REST sends, built from an incoming HTTP request, and the
//! handler's response turned back into HTTP.
//!
//! The event goes through its JSON form and `lambda_http::request::from_str`, the same parser
//! the Lambda runtime uses, so a handler sees exactly the `Request` it would see in Lambda.

use std::collections::HashMap;
use std::net::IpAddr;

use anyhow::{Context, Result};
use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayRequestIdentity};
use aws_lambda_events::query_map::QueryMap;
use axum::extract::Query;
use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use lambda_http::{Body, Request};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::resolve::ACCOUNT_ID;
use crate::routes::Matched;

/// The parts of an HTTP request the event is made from.
pub struct Incoming<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub source_ip: IpAddr,
}

/// What API Gateway adds to the request.
pub struct Gatekeeping<'a> {
    pub matched: &'a Matched<'a>,
    pub stage: &'a str,
    pub request_id: &'a str,
    /// The verified token's claims, already stringified; `None` on public routes.
    pub claims: Option<Map<String, Value>>,
}

/// Builds the event API Gateway would send for this request.
pub fn proxy_event(incoming: &Incoming<'_>, gate: &Gatekeeping<'_>) -> ApiGatewayProxyRequest {
    let mut headers = forwarded_headers(incoming);
    let mut single_headers = HeaderMap::new();
    for name in headers.keys() {
        // API Gateway's single-value map keeps the last value of a repeated header.
        if let Some(last) = headers.get_all(name).iter().next_back() {
            single_headers.insert(name.clone(), last.clone());
        }
    }
    let (single_query, multi_query) = query_maps(incoming.uri);
    let path = incoming.uri.path().to_owned();
    let now = OffsetDateTime::now_utc();

    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(gate.matched.route.resource.clone());
    event.path = Some(path.clone());
    event.http_method = incoming.method.clone();
    event.multi_value_headers = std::mem::take(&mut headers);
    event.headers = single_headers;
    event.query_string_parameters = single_query;
    event.multi_value_query_string_parameters = multi_query;
    event.path_parameters = gate.matched.path_parameters.clone();
    let (body, is_base64) = body_text(incoming.body);
    event.body = body;
    event.is_base64_encoded = is_base64;

    let context = &mut event.request_context;
    context.account_id = Some(ACCOUNT_ID.to_owned());
    context.apiid = Some("local".to_owned());
    context.resource_id = Some("local".to_owned());
    context.stage = Some(gate.stage.to_owned());
    context.request_id = Some(gate.request_id.to_owned());
    context.resource_path = Some(gate.matched.route.resource.clone());
    context.http_method = incoming.method.clone();
    // The path as the client typed it. Behind a real stage URL that is `/<stage><path>`; the
    // local API has no stage segment, so handlers that build links (Location) from the
    // difference between the two get links that work locally.
    context.path = Some(path.clone());
    context.protocol = Some("HTTP/1.1".to_owned());
    context.domain_name = incoming
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    context.request_time = request_time(now);
    context.request_time_epoch =
        i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or_default();
    let mut identity = ApiGatewayRequestIdentity::default();
    identity.source_ip = Some(incoming.source_ip.to_string());
    identity.user_agent = incoming
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    context.identity = identity;
    if let Some(claims) = &gate.claims {
        context
            .authorizer
            .fields
            .insert("claims".to_owned(), Value::Object(claims.clone()));
    }
    event
}

/// Lambda's limit on a synchronous invocation's request: the whole event as JSON, in which the
/// body is a JSON string (so every `"`, `\\` and line break of a JSON body counts twice).
pub const LAMBDA_MAX_REQUEST_BYTES: usize = 6 * 1024 * 1024;

/// Why an event cannot reach the function.
#[derive(Debug)]
pub enum EventError {
    /// Over [`LAMBDA_MAX_REQUEST_BYTES`]: Lambda refuses the invocation.
    TooLarge {
        bytes: usize,
    },
    Unreadable(anyhow::Error),
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventError::TooLarge { bytes } => write!(
                f,
                "the event is {bytes} bytes, over Lambda's {LAMBDA_MAX_REQUEST_BYTES}"
            ),
            EventError::Unreadable(error) => write!(f, "{error:#}"),
        }
    }
}

impl std::error::Error for EventError {}

/// Serialises the event (checking its size as Lambda does) and parses it back as the Lambda
/// runtime does.
pub fn into_lambda_request(event: &ApiGatewayProxyRequest) -> Result<Request, EventError> {
    let json = serde_json::to_string(event)
        .context("cannot serialise the proxy event")
        .map_err(EventError::Unreadable)?;
    if json.len() > LAMBDA_MAX_REQUEST_BYTES {
        return Err(EventError::TooLarge { bytes: json.len() });
    }
    lambda_http::request::from_str(&json)
        .context("lambda_http cannot parse the proxy event")
        .map_err(EventError::Unreadable)
}

/// The invocation context the Lambda runtime attaches to each request.
pub fn lambda_context(
    function_name: &str,
    region: &str,
    timeout_seconds: u64,
) -> lambda_http::Context {
    let deadline_ms = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000
        + i128::from(timeout_seconds) * 1000;
    let config = lambda_http::lambda_runtime::Config {
        function_name: function_name.to_owned(),
        memory: 128,
        version: "$LATEST".to_owned(),
        log_group: format!("/aws/lambda/{function_name}"),
        log_stream: "local".to_owned(),
    };
    let mut context = lambda_http::Context::default();
    context.request_id = ulid::Ulid::generate().to_string();
    context.deadline = u64::try_from(deadline_ms).unwrap_or_default();
    context.invoked_function_arn =
        format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}");
    context.env_config = std::sync::Arc::new(config);
    context
}

/// The handler's response as the HTTP response API Gateway would send.
pub fn into_http_response(response: lambda_http::Response<Body>) -> axum::response::Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        Body::Empty => axum::body::Body::empty(),
        Body::Text(text) => axum::body::Body::from(text),
        Body::Binary(bytes) => axum::body::Body::from(bytes),
        _ => axum::body::Body::empty(),
    };
    axum::response::Response::from_parts(parts, body)
}

/// The client's headers plus the ones API Gateway adds.
fn forwarded_headers(incoming: &Incoming<'_>) -> HeaderMap {
    let mut headers = incoming.headers.clone();
    let mut add = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(HeaderName::from_static(name), value);
        }
    };
    add("x-forwarded-for", incoming.source_ip.to_string());
    // The port the client connected to, as the Host header names it.
    let port = incoming
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| host.rsplit_once(':'))
        .map_or("80", |(_, port)| port)
        .to_owned();
    add("x-forwarded-port", port);
    add("x-forwarded-proto", "http".to_owned());
    headers
}

/// Percent-decoded query parameters: (last value per name, every value per name).
fn query_maps(uri: &Uri) -> (QueryMap, QueryMap) {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default();
    let mut single: HashMap<String, String> = HashMap::new();
    let mut multi: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in pairs {
        single.insert(name.clone(), value.clone());
        multi.entry(name).or_default().push(value);
    }
    (QueryMap::from(single), QueryMap::from(multi))
}

/// API Gateway passes text bodies as they are and binary ones base64-encoded.
fn body_text(body: &[u8]) -> (Option<String>, bool) {
    if body.is_empty() {
        return (None, false);
    }
    match std::str::from_utf8(body) {
        Ok(text) => (Some(text.to_owned()), false),
        Err(_) => (
            Some(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        ),
    }
}

/// `09/Apr/2015:12:34:56 +0000`, API Gateway's `requestTime`.
fn request_time(now: OffsetDateTime) -> Option<String> {
    let format =
        format_description!("[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000");
    now.format(&format).ok()
}

#[cfg(test)]
mod tests;
