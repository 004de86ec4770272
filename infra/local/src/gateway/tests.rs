//! The gateway end to end over HTTP, with stand-in handlers and a local signing key (no moto).

use super::*;
use crate::template::GatewayResponse;
use futures::future::BoxFuture;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const KEY: &str = include_str!("../../testdata/rsa_a.pem");
const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
const CLIENT: &str = "client-1";
const WEB_ORIGIN: &str = "http://127.0.0.1:5173";

/// Answers with what it was given: the parts of the event a handler relies on.
struct Echo;

impl Handler for Echo {
    fn call(&self, request: Request) -> BoxFuture<'_, lambda_http::Response<Body>> {
        Box::pin(async move {
            let context = match request.request_context_ref() {
                Some(RequestContext::ApiGatewayV1(c)) => json!({
                    "requestId": c.request_id,
                    "resourcePath": c.resource_path,
                    "stage": c.stage,
                    "claims": c.authorizer.fields.get("claims"),
                }),
                _ => Value::Null,
            };
            let body = json!({
                "context": context,
                "pathParameters": request.path_parameters_ref().and_then(|p| p.first("id")),
                "function": request.lambda_context_ref().map(|c| c.env_config.function_name.clone()),
            });
            lambda_http::Response::builder()
                .status(207)
                .header("content-type", "application/json")
                .body(Body::Text(body.to_string()))
                .unwrap_or_default()
        })
    }
}

struct Panics;

impl Handler for Panics {
    fn call(&self, _: Request) -> BoxFuture<'_, lambda_http::Response<Body>> {
        Box::pin(async { panic!("handler bug") })
    }
}

struct Sleeps;

impl Handler for Sleeps {
    fn call(&self, _: Request) -> BoxFuture<'_, lambda_http::Response<Body>> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            lambda_http::Response::default()
        })
    }
}

fn function(handler: Arc<dyn Handler>, timeout: Duration) -> Function {
    Function {
        handler,
        name: "t-Fn".into(),
        timeout,
    }
}

async fn start(responses: GatewayResponses) -> Result<String> {
    let key = EncodingKey::from_rsa_pem(KEY.as_bytes())?;
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256)?;
    jwk.common.key_id = Some("k1".into());
    let auth = Some("Cognito".to_owned());
    let routes = RouteTable::new(vec![
        Route::new("/items/{id}", "GET", "Echo", auth.clone()),
        Route::new("/health", "GET", "Echo", None),
        Route::new("/boom", "GET", "Panics", None),
        Route::new("/slow", "GET", "Sleeps", None),
    ]);
    let second = Duration::from_secs(1);
    let functions = HashMap::from([
        ("Echo".to_owned(), function(Arc::new(Echo), second)),
        ("Panics".to_owned(), function(Arc::new(Panics), second)),
        (
            "Sleeps".to_owned(),
            function(Arc::new(Sleeps), Duration::from_millis(100)),
        ),
    ]);
    let gateway = Gateway::from_parts(Parts {
        routes,
        functions,
        verifier: TokenVerifier::with_keys(
            JwkSet { keys: vec![jwk] },
            ISSUER.into(),
            CLIENT.into(),
        ),
        responses,
        stage: "v1".into(),
        region: "us-east-1".into(),
        cors: Some(CorsPolicy {
            allow_origin: WEB_ORIGIN.into(),
            allow_methods: Some("GET,POST,OPTIONS".into()),
            allow_headers: Some("Authorization,Content-Type,If-Match".into()),
            max_age: Some("600".into()),
        }),
    });
    let (addr, _server) = gateway.listen("127.0.0.1:0".parse()?).await?;
    Ok(format!("http://{addr}"))
}

fn token(groups: &[&str]) -> Result<String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("k1".into());
    let claims = json!({
        "sub": "user-1", "iss": ISSUER, "aud": CLIENT, "token_use": "id",
        "cognito:groups": groups, "exp": now + 600, "iat": now,
    });
    Ok(encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(KEY.as_bytes())?,
    )?)
}

async fn get(url: &str, token: Option<&str>) -> Result<(u16, Option<String>, Value)> {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.header("authorization", token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, request_id, body))
}

#[tokio::test]
async fn a_verified_request_reaches_the_handler_with_stringified_claims() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let token = token(&["clinicians", "admins"])?;
    let (status, request_id, body) =
        get(&format!("{api}/items/42"), Some(&format!("Bearer {token}"))).await?;
    assert_eq!(status, 207, "the handler's status passes through: {body}");
    assert_eq!(body["pathParameters"], "42");
    assert_eq!(body["function"], "t-Fn");
    assert_eq!(body["context"]["resourcePath"], "/items/{id}");
    assert_eq!(body["context"]["stage"], "v1");
    assert_eq!(body["context"]["requestId"].as_str(), request_id.as_deref());
    let claims = &body["context"]["claims"];
    assert_eq!(claims["sub"], "user-1");
    assert_eq!(claims["cognito:groups"], "clinicians,admins");
    assert!(
        claims["exp"]
            .as_str()
            .is_some_and(|exp| exp.contains(" UTC "))
    );
    Ok(())
}

#[tokio::test]
async fn missing_and_invalid_tokens_get_401() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let url = format!("{api}/items/42");
    assert_eq!(get(&url, None).await?.0, 401);
    let (status, _, body) = get(&url, Some("Bearer not-a-token")).await?;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    let mut forged = token(&["admins"])?;
    forged.push('x');
    assert_eq!(get(&url, Some(&forged)).await?.0, 401);
    Ok(())
}

#[tokio::test]
async fn unknown_routes_and_methods_get_403() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let (status, _, body) = get(&format!("{api}/nowhere"), None).await?;
    assert_eq!(
        (status, body),
        (403, json!({"message": "Missing Authentication Token"}))
    );
    let response = reqwest::Client::new()
        .delete(format!("{api}/health"))
        .send()
        .await?;
    assert_eq!(response.status(), 403);
    Ok(())
}

#[tokio::test]
async fn public_routes_skip_the_authorizer() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let (status, _, body) = get(&format!("{api}/health"), None).await?;
    assert_eq!(status, 207);
    assert_eq!(body["context"]["claims"], Value::Null);
    Ok(())
}

#[tokio::test]
async fn crashes_and_timeouts_are_502() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let (status, _, body) = get(&format!("{api}/boom"), None).await?;
    assert_eq!(
        (status, body),
        (502, json!({"message": "Internal server error"}))
    );
    assert_eq!(get(&format!("{api}/slow"), None).await?.0, 502);
    // The gateway survives a crashing handler.
    assert_eq!(get(&format!("{api}/health"), None).await?.0, 207);
    Ok(())
}

#[tokio::test]
async fn the_templates_gateway_responses_apply() -> Result<()> {
    let api = start(GatewayResponses::new(BTreeMap::from([(
        "MISSING_AUTHENTICATION_TOKEN".to_owned(),
        GatewayResponse {
            status_code: Some(404),
            headers: vec![("Content-Type".into(), "application/problem+json".into())],
            parameter_headers: vec![],
            template: Some(r#"{"status":404,"requestId":"$context.requestId"}"#.into()),
        },
    )])))
    .await?;
    let (status, request_id, body) = get(&format!("{api}/nowhere"), None).await?;
    assert_eq!(status, 404);
    assert_eq!(body["requestId"].as_str(), request_id.as_deref());
    Ok(())
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_browser_preflight_is_answered_without_a_token_on_api_paths_only() -> Result<()> {
    let api = start(GatewayResponses::default()).await?;
    let client = reqwest::Client::new();
    let preflight = client
        .request(reqwest::Method::OPTIONS, format!("{api}/items/42"))
        .header("origin", WEB_ORIGIN)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await?;
    assert_eq!(preflight.status(), 200, "no authorizer on the preflight");
    assert_eq!(
        header(&preflight, "access-control-allow-origin").as_deref(),
        Some(WEB_ORIGIN)
    );
    assert!(
        header(&preflight, "access-control-allow-headers")
            .is_some_and(|h| h.contains("Authorization") && h.contains("If-Match"))
    );
    assert_eq!(
        header(&preflight, "access-control-max-age").as_deref(),
        Some("600")
    );

    let nowhere = client
        .request(reqwest::Method::OPTIONS, format!("{api}/nowhere"))
        .header("origin", WEB_ORIGIN)
        .send()
        .await?;
    assert_eq!(
        nowhere.status(),
        403,
        "only the API's paths have a preflight"
    );
    Ok(())
}

#[tokio::test]
async fn functions_answers_and_the_gateways_own_errors_name_the_web_origin() -> Result<()> {
    // As template.yaml configures them: every gateway response carries the origin.
    let with_origin = GatewayResponse {
        status_code: None,
        headers: vec![("Access-Control-Allow-Origin".into(), WEB_ORIGIN.into())],
        parameter_headers: vec![],
        template: Some(r#"{"title":$context.error.messageString}"#.into()),
    };
    let api = start(GatewayResponses::new(BTreeMap::from([
        ("DEFAULT_4XX".to_owned(), with_origin.clone()),
        ("DEFAULT_5XX".to_owned(), with_origin),
    ])))
    .await?;
    let client = reqwest::Client::new();
    let token = token(&["clinicians"])?;
    let ok = client
        .get(format!("{api}/items/42"))
        .header("origin", WEB_ORIGIN)
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(ok.status(), 207);
    assert_eq!(
        header(&ok, "access-control-allow-origin").as_deref(),
        Some(WEB_ORIGIN)
    );
    assert!(
        header(&ok, "access-control-expose-headers").is_some_and(|h| h.contains("ETag")),
        "the app reads ETag for If-Match"
    );

    for (url, status) in [
        (format!("{api}/items/42"), 401),
        (format!("{api}/nowhere"), 403),
        (format!("{api}/boom"), 502),
    ] {
        let refused = client.get(&url).header("origin", WEB_ORIGIN).send().await?;
        assert_eq!(refused.status(), status, "{url}");
        assert_eq!(
            header(&refused, "access-control-allow-origin").as_deref(),
            Some(WEB_ORIGIN),
            "{url}: the browser must be able to read the error"
        );
    }
    Ok(())
}
