//! The request side of a handler: [`dispatch`] wraps every authenticated route (request id,
//! caller, problem rendering, one log line), and [`Call`] reads what the route needs from the
//! API Gateway event: path parameters, query, headers and a validated JSON body.

use std::future::Future;
use std::time::Instant;

use http::{HeaderName, Method, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::policy::caller::Caller;

/// API Gateway accepts up to 10 MB; no JSON document of ours comes near this.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// One request as a handler reads it: path, query, headers, body. Public routes (`/auth/*`)
/// get this alone; authenticated routes get it inside a [`Call`].
pub struct Incoming {
    request: Request,
    request_id: String,
    method: Method,
    route_path: String,
    /// The path within the API: the resource path with its parameters filled in.
    api_path: String,
    /// What the client's URL has before the API's own path: the stage (`/v1`) or a custom
    /// domain's base path. Empty locally.
    base_path: String,
}

/// One authenticated request: what was sent, and who sent it.
pub struct Call {
    incoming: Incoming,
    caller: Caller,
}

impl std::ops::Deref for Call {
    type Target = Incoming;

    fn deref(&self) -> &Incoming {
        &self.incoming
    }
}

/// A header that is present but not visible ASCII text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadableHeader;

/// The route table entry of a function: HTTP method and API Gateway resource path, exactly as
/// `template.yaml` declares them (a test checks that the two agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
}

impl Route {
    pub const fn new(method: &'static str, path: &'static str) -> Self {
        Route { method, path }
    }
}

/// What refuses a revoked token before a handler runs: the revocation feed's cached copy
/// (`platform::revocation::RevocationList`). A trait so that this module, which every handler
/// reaches, does not depend on the feed's storage.
pub trait RevocationCheck: Sync {
    /// `Err(Unauthenticated)` when the caller's token is revoked.
    fn check(&self, caller: &Caller) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// The platform shares its copy (`Arc`) between the function and its background jobs.
impl<T: RevocationCheck + Send> RevocationCheck for std::sync::Arc<T> {
    fn check(&self, caller: &Caller) -> impl Future<Output = Result<(), ApiError>> + Send {
        (**self).check(caller)
    }
}

/// Runs `handler` for an authenticated route and turns its result into the HTTP response.
/// Without the authorizer's claims the answer is 401 and `handler` does not run; so it is for a
/// token the revocation feed refuses (`revocations`, the function's cached copy: no database
/// call on a warm request), although API Gateway's authorizer let it through.
pub async fn dispatch<F, Fut>(
    request: Request,
    revocations: &impl RevocationCheck,
    handler: F,
) -> Response<Body>
where
    F: FnOnce(Call) -> Fut,
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    respond(request, |incoming| async move {
        let caller = Caller::from_request(&incoming.request)?;
        revocations.check(&caller).await?;
        handler(Call { incoming, caller }).await
    })
    .await
}

/// Whether `request` came in on one of `routes`, the function's public ones (API Gateway ran no
/// authorizer on them, so they must be dispatched with [`dispatch_public`]).
pub fn is_public_route(request: &Request, routes: &[Route]) -> bool {
    let resource = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.resource_path.as_deref(),
        _ => None,
    };
    routes
        .iter()
        .any(|route| resource == Some(route.path) && request.method().as_str() == route.method)
}

/// Runs `handler` for a public route (no authorizer: sign-in, activation).
pub async fn dispatch_public<F, Fut>(request: Request, handler: F) -> Response<Body>
where
    F: FnOnce(Incoming) -> Fut,
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    respond(request, handler).await
}

/// What every route shares: request id, problem rendering, one log line.
async fn respond<F, Fut>(request: Request, handler: F) -> Response<Body>
where
    F: FnOnce(Incoming) -> Fut,
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    let started = Instant::now();
    let request_id = request_id_of(&request);
    let method = request.method().clone();
    let route_path = route_path_of(&request);
    let api_path = api_path_of(&request, &route_path);
    let base_path = base_path_of(&request, &api_path);
    let incoming = Incoming {
        request,
        request_id: request_id.clone(),
        method: method.clone(),
        route_path: route_path.clone(),
        api_path,
        base_path,
    };
    let mut response = handler(incoming).await.unwrap_or_else(|error| {
        if error.status().is_client_error() {
            tracing::info!(request_id = %request_id, problem = error.slug(), "request refused");
        }
        error.to_response(Some(&request_id))
    });
    if let Ok(value) = http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    crate::platform::cors::decorate(response.headers_mut());
    // Ids, route and status only: never bodies, tokens or anything about the patient.
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route_path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_millis() as u64,
        "request handled"
    );
    response
}

fn request_id_of(request: &Request) -> String {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| ulid::Ulid::generate().to_string())
}

/// The resource path with the path parameters in place: the request's path within the API,
/// whatever stage or custom-domain base path the client reached it through.
fn api_path_of(request: &Request, resource: &str) -> String {
    let parameters = request.path_parameters_ref();
    resource
        .split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .and_then(|name| parameters.and_then(|p| p.first(name)))
            {
                Some(value) => value.to_owned(),
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `requestContext.path` is the path the client used: with the stage on the execute-api URL,
/// with the base path behind a custom domain. What precedes the API's own path is the base.
fn base_path_of(request: &Request, api_path: &str) -> String {
    let client_path = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.path.clone(),
        _ => None,
    }
    .unwrap_or_default();
    client_path.strip_suffix(api_path).unwrap_or("").to_owned()
}

fn route_path_of(request: &Request) -> String {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.resource_path.clone(),
        _ => None,
    }
    .unwrap_or_default()
}

impl Call {
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The patient named by `{patientId}`; `me` is the caller's own record. An id that is not
    /// well-formed names nobody: 404, like an id that names somebody else.
    pub fn patient_in_path(&self) -> Result<PatientId, ApiError> {
        let raw = self.path_param("patientId").ok_or(ApiError::NotFound)?;
        if raw == "me" {
            return self.caller.patient_id.ok_or(ApiError::NotFound);
        }
        PatientId::parse(&raw).ok_or(ApiError::NotFound)
    }
}

impl Incoming {
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The API Gateway resource path that matched, e.g. `/patients/{patientId}/profile`.
    pub fn route_path(&self) -> &str {
        &self.route_path
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path of this request within the API, e.g. `/patients/01J.../profile`, the same
    /// through the stage URL and through a custom domain.
    pub fn path(&self) -> &str {
        &self.api_path
    }

    /// A URL path the client can follow (for `Location`): `api_path` under this request's base
    /// path, so it stays right behind a stage or a custom domain mapping.
    pub fn link(&self, api_path: &str) -> String {
        format!("{}{api_path}", self.base_path)
    }

    /// True when this call is for `route`.
    pub fn is(&self, route: Route) -> bool {
        self.method.as_str() == route.method && self.route_path == route.path
    }

    pub fn path_param(&self, name: &str) -> Option<String> {
        self.request
            .path_parameters_ref()
            .and_then(|params| params.first(name))
            .map(str::to_owned)
    }

    /// The client's address as API Gateway saw it (for per-client attempt limits; never logged).
    pub fn source_ip(&self) -> Option<String> {
        match self.request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(context)) => context.identity.source_ip.clone(),
            _ => None,
        }
    }

    /// The client's User-Agent as API Gateway saw it (to recognise a sign-in's client; never
    /// logged or stored).
    pub fn user_agent(&self) -> Option<String> {
        match self.request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(context)) => context.identity.user_agent.clone(),
            _ => None,
        }
        .or_else(|| self.header("user-agent").map(str::to_owned))
    }

    pub fn query(&self, name: &str) -> Option<String> {
        self.request
            .query_string_parameters_ref()
            .and_then(|query| query.first(name))
            .map(str::to_owned)
    }

    /// Every query parameter as a JSON array of `[name, value]` pairs sorted by name, then
    /// value: the same for the same parameters in any order, unambiguous whatever they hold
    /// (for fingerprinting a request).
    pub fn query_canonical(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .request
            .query_string_parameters_ref()
            .map(|query| query.iter().collect())
            .unwrap_or_default();
        pairs.sort_unstable();
        serde_json::to_string(&pairs).unwrap_or_default()
    }

    /// A header's value when it is present and visible ASCII. A header that is present but not
    /// readable as text is `Err`: callers must refuse it rather than act as if it were absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_text(name).ok().flatten()
    }

    /// `Ok(None)` when absent, `Err` when present but not visible ASCII.
    pub fn header_text(&self, name: &str) -> Result<Option<&str>, UnreadableHeader> {
        match self.request.headers().get(name) {
            None => Ok(None),
            Some(value) => value.to_str().map(Some).map_err(|_| UnreadableHeader),
        }
    }

    pub fn body_bytes(&self) -> &[u8] {
        match self.request.body() {
            Body::Empty => &[],
            Body::Text(text) => text.as_bytes(),
            Body::Binary(bytes) => bytes,
            _ => &[],
        }
    }

    /// Parses the JSON body into `T` (whose serde attributes reject unknown fields). Every
    /// failure names the field: `contact.email`, or `body` for the document as a whole.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let content_type = self.header("content-type").unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let is_json = essence.eq_ignore_ascii_case("application/json")
            || (essence.starts_with("application/") && essence.ends_with("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            });
        }
        parse_json(self.body_bytes())
    }
}

/// See [`Call::json_body`]; separate so it can be tested without an event.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.len() > MAX_JSON_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_JSON_BODY_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("body", "a JSON object is required"));
    }
    // Syntax first, so a truncated document is "not JSON" (400) rather than a field error.
    let document: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::Malformed("the body is not valid JSON".into()))?;
    if !document.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    serde_path_to_error::deserialize(&document)
        .map_err(|error| field_error(&error.path().to_string(), &error.inner().to_string()))
}

/// serde's messages name missing and unknown fields inside backticks, relative to `path`.
fn field_error(path: &str, message: &str) -> ApiError {
    let base = if path == "." { "" } else { path };
    let join = |name: &str| {
        if base.is_empty() {
            name.to_owned()
        } else {
            format!("{base}.{name}")
        }
    };
    let quoted = message.split('`').nth(1).unwrap_or("");
    let (field, text) = if message.starts_with("unknown field") {
        let field = if base.ends_with(quoted) && !base.is_empty() {
            base.to_owned()
        } else {
            join(quoted)
        };
        (field, "is not a known field".to_owned())
    } else if message.starts_with("missing field") {
        (join(quoted), "is required".to_owned())
    } else {
        let field = if base.is_empty() {
            "body".to_owned()
        } else {
            base.to_owned()
        };
        // Drop serde's " at line 1 column 9" suffix: the field name says where.
        let text = message
            .split(" at line ")
            .next()
            .unwrap_or(message)
            .to_owned();
        (field, text)
    };
    ApiError::invalid(field, text)
}

/// A JSON response.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Result<Response<Body>, ApiError> {
    json_with_headers(status, body, &[])
}

pub fn json_with_headers<T: Serialize>(
    status: StatusCode,
    body: &T,
    headers: &[(HeaderName, String)],
) -> Result<Response<Body>, ApiError> {
    let text = serde_json::to_string(body).map_err(ApiError::internal)?;
    let mut builder = Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        // Patients' data must not sit in shared caches or the browser's disk cache.
        .header(http::header::CACHE_CONTROL, "no-store");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::Text(text)).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Contact {
        email: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        name: String,
        contact: Contact,
    }

    fn fields(error: ApiError) -> Vec<(String, String)> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    fn incoming_with_query(pairs: &[(&str, &str)]) -> Incoming {
        let mut query: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (name, value) in pairs {
            query
                .entry((*name).to_owned())
                .or_default()
                .push((*value).to_owned());
        }
        Incoming {
            request: Request::default().with_query_string_parameters(query),
            request_id: "r".into(),
            method: Method::POST,
            route_path: String::new(),
            api_path: String::new(),
            base_path: String::new(),
        }
    }

    #[tokio::test]
    async fn every_answer_names_the_web_origin_errors_included() {
        // The only test in this crate that sets the origin (it is set once per process).
        crate::platform::cors::allow_web_origin("https://portal.example.org");
        let answered = dispatch_public(Request::default(), |_| async {
            json(StatusCode::OK, &serde_json::json!({"ok": true}))
        })
        .await;
        let refused = dispatch_public(Request::default(), |_| async {
            Err::<Response<lambda_http::Body>, _>(ApiError::NotFound)
        })
        .await;
        for response in [answered, refused] {
            assert_eq!(
                response.headers()[http::header::ACCESS_CONTROL_ALLOW_ORIGIN],
                "https://portal.example.org"
            );
            assert!(
                response
                    .headers()
                    .contains_key(http::header::ACCESS_CONTROL_EXPOSE_HEADERS)
            );
        }
    }

    #[test]
    fn the_canonical_query_ignores_order_and_tells_values_apart() {
        let canonical = |pairs| incoming_with_query(pairs).query_canonical();
        assert_eq!(
            canonical(&[("source", "Clinic"), ("confirm", "true")]),
            canonical(&[("confirm", "true"), ("source", "Clinic")])
        );
        assert_ne!(
            canonical(&[("source", "Clinic")]),
            canonical(&[("source", "Other clinic")])
        );
        // A value holding separators is not mistaken for two parameters.
        assert_ne!(
            canonical(&[("a", "1&b=2")]),
            canonical(&[("a", "1"), ("b", "2")])
        );
        assert_eq!(canonical(&[]), "[]");
    }

    #[test]
    fn names_unknown_fields_with_their_path() {
        let error =
            parse_json::<Body>(br#"{"name":"a","contact":{"email":"x","fax":"1"}}"#).unwrap_err();
        assert_eq!(fields(error)[0].0, "contact.fax");
        let error = parse_json::<Body>(br#"{"name":"a","admin":true}"#).unwrap_err();
        assert_eq!(fields(error)[0].0, "admin");
    }

    #[test]
    fn names_missing_and_mistyped_fields() {
        let error = parse_json::<Body>(br#"{"name":"a","contact":{}}"#).unwrap_err();
        assert_eq!(
            fields(error)[0],
            ("contact.email".into(), "is required".into())
        );
        let error = parse_json::<Body>(br#"{"name":5,"contact":{"email":"x"}}"#).unwrap_err();
        assert_eq!(fields(error)[0].0, "name");
    }

    #[test]
    fn rejects_non_json_and_huge_bodies() {
        for text in [&b"[1,"[..], b"{} x", b"{\"name\":"] {
            assert!(matches!(
                parse_json::<Body>(text),
                Err(ApiError::Malformed(_))
            ));
        }
        assert!(matches!(
            parse_json::<Body>(b"[\"a\"]"),
            Err(ApiError::Invalid(_))
        ));
        assert!(matches!(
            parse_json::<Body>(b"{not json"),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(parse_json::<Body>(b""), Err(ApiError::Invalid(_))));
        let huge = vec![b' '; MAX_JSON_BODY_BYTES + 1];
        assert!(matches!(
            parse_json::<Body>(&huge),
            Err(ApiError::PayloadTooLarge { .. })
        ));
    }

    fn event(event_path: &str, client_path: &str) -> Request {
        let id = "01KAZ0DEM0PAT1ENT000000001";
        let json = serde_json::json!({
            "resource": "/patients/{patientId}/profile",
            "path": event_path.replace("{id}", id),
            "httpMethod": "GET",
            "headers": {}, "multiValueHeaders": {},
            "pathParameters": {"patientId": id},
            "requestContext": {
                "stage": "v1", "requestId": "r1", "httpMethod": "GET",
                "resourcePath": "/patients/{patientId}/profile",
                "path": client_path.replace("{id}", id),
                "identity": {}, "accountId": "1", "apiId": "a", "resourceId": "r",
                "authorizer": {"claims": {"sub": "user-1", "cognito:groups": "patients"}}
            },
            "isBase64Encoded": false
        });
        lambda_http::request::from_str(&json.to_string()).expect("event")
    }

    /// A revocation list that holds `entries` (read once, never again).
    fn revocations(
        entries: Vec<crate::platform::revocation::Revocation>,
    ) -> crate::platform::revocation::RevocationList {
        use crate::platform::revocation::{RevocationList, RevocationLoader};
        struct Fixed(Vec<crate::platform::revocation::Revocation>);
        impl RevocationLoader for Fixed {
            fn load(
                &self,
            ) -> futures::future::BoxFuture<
                '_,
                Result<Vec<crate::platform::revocation::Revocation>, ApiError>,
            > {
                Box::pin(async move { Ok(self.0.clone()) })
            }
        }
        RevocationList::new(
            std::sync::Arc::new(Fixed(entries)),
            std::sync::Arc::new(crate::platform::clock::SystemClock),
            std::time::Duration::from_secs(60),
        )
    }

    #[tokio::test]
    async fn a_revoked_token_is_refused_before_the_handler_runs() {
        use crate::domain::timestamp::Timestamp;
        use crate::platform::revocation::Revocation;
        let now = Timestamp::now();
        let revoked = revocations(vec![Revocation {
            subject: "SUB#user-1".into(),
            revoked_at: now,
            expires_at: now.unix_seconds() + 60,
        }]);
        let ran = std::sync::atomic::AtomicBool::new(false);
        let response = dispatch(
            event("/patients/{id}/profile", "/patients/{id}/profile"),
            &revoked,
            |_| async {
                ran.store(true, std::sync::atomic::Ordering::SeqCst);
                json(StatusCode::OK, &serde_json::json!({}))
            },
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
        // Another account's revocation refuses nobody else.
        let other = revocations(vec![Revocation {
            subject: "SUB#user-2".into(),
            revoked_at: now,
            expires_at: now.unix_seconds() + 60,
        }]);
        let response = dispatch(
            event("/patients/{id}/profile", "/patients/{id}/profile"),
            &other,
            |_| async { json(StatusCode::OK, &serde_json::json!({})) },
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn path_and_link(request: Request) -> serde_json::Value {
        let response = dispatch(request, &revocations(Vec::new()), |call| async move {
            json(
                StatusCode::OK,
                &(call.path().to_owned(), call.link("/patients/X/profile")),
            )
        })
        .await;
        match response.body() {
            lambda_http::Body::Text(text) => serde_json::from_str(text).expect("json"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn links_keep_the_stage_or_the_custom_domain_base_path() {
        let id = "01KAZ0DEM0PAT1ENT000000001";
        let api_path = format!("/patients/{id}/profile");
        // The execute-api URL: the stage is in requestContext.path only.
        let stage =
            path_and_link(event("/patients/{id}/profile", "/v1/patients/{id}/profile")).await;
        assert_eq!(
            stage,
            serde_json::json!([api_path, "/v1/patients/X/profile"])
        );
        // A custom domain with base path `portal`: it is in both paths.
        let domain = path_and_link(event(
            "/portal/patients/{id}/profile",
            "/portal/patients/{id}/profile",
        ))
        .await;
        assert_eq!(
            domain,
            serde_json::json!([api_path, "/portal/patients/X/profile"])
        );
        // Locally there is neither.
        let local = path_and_link(event("/patients/{id}/profile", "/patients/{id}/profile")).await;
        assert_eq!(local, serde_json::json!([api_path, "/patients/X/profile"]));
    }
}
