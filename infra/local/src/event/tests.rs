use super::*;
use crate::routes::{Route, RouteTable};
use lambda_http::RequestExt as _;
use lambda_http::request::RequestContext;
use serde_json::json;

struct Fixture {
    table: RouteTable,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
}

fn fixture() -> Result<Fixture> {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::HOST,
        HeaderValue::from_static("127.0.0.1:3000"),
    );
    headers.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static("test-agent/1"),
    );
    headers.append("x-multi", HeaderValue::from_static("first"));
    headers.append("x-multi", HeaderValue::from_static("last"));
    headers.insert("if-match", HeaderValue::from_static("\"3\""));
    Ok(Fixture {
        table: RouteTable::new(vec![Route::new(
            "/patients/{patientId}/profile",
            "PATCH",
            "ProfileFunction",
            Some("Cognito".into()),
        )]),
        method: Method::PATCH,
        uri: "/patients/01HZY3V8J9K2M4N6P8Q0R2S4T6/profile?tag=a&tag=b&q=x%20y".parse()?,
        headers,
    })
}

fn build(
    f: &Fixture,
    body: &[u8],
    claims: Option<Map<String, Value>>,
) -> Result<ApiGatewayProxyRequest> {
    let matched = f
        .table
        .find(f.method.as_str(), f.uri.path())
        .context("the route matches")?;
    let incoming = Incoming {
        method: &f.method,
        uri: &f.uri,
        headers: &f.headers,
        body,
        source_ip: "127.0.0.1".parse()?,
    };
    let gate = Gatekeeping {
        matched: &matched,
        stage: "v1",
        request_id: "req-1",
        claims,
    };
    Ok(proxy_event(&incoming, &gate))
}

fn claims() -> Map<String, Value> {
    let Value::Object(claims) = json!({"sub": "u1", "cognito:groups": "patients"}) else {
        unreachable!("an object literal")
    };
    claims
}

#[test]
fn the_event_has_what_api_gateway_sends() -> Result<()> {
    let f = fixture()?;
    let event = build(&f, br#"{"contact":{}}"#, Some(claims()))?;
    let json = serde_json::to_value(&event)?;

    assert_eq!(json["resource"], "/patients/{patientId}/profile");
    assert_eq!(json["path"], "/patients/01HZY3V8J9K2M4N6P8Q0R2S4T6/profile");
    assert_eq!(json["httpMethod"], "PATCH");
    assert_eq!(json["headers"]["x-multi"], "last");
    assert_eq!(
        json["multiValueHeaders"]["x-multi"],
        json!(["first", "last"])
    );
    assert_eq!(json["headers"]["x-forwarded-for"], "127.0.0.1");
    assert_eq!(json["headers"]["x-forwarded-port"], "3000");
    assert_eq!(json["queryStringParameters"]["q"], "x y");
    assert_eq!(
        json["multiValueQueryStringParameters"]["tag"],
        json!(["a", "b"])
    );
    assert_eq!(
        json["pathParameters"]["patientId"],
        "01HZY3V8J9K2M4N6P8Q0R2S4T6"
    );
    assert_eq!(json["body"], r#"{"contact":{}}"#);
    assert_eq!(json["isBase64Encoded"], false);

    let context = &json["requestContext"];
    assert_eq!(context["requestId"], "req-1");
    assert_eq!(context["stage"], "v1");
    assert_eq!(context["resourcePath"], "/patients/{patientId}/profile");
    assert_eq!(context["httpMethod"], "PATCH");
    assert_eq!(
        context["path"],
        "/patients/01HZY3V8J9K2M4N6P8Q0R2S4T6/profile"
    );
    assert_eq!(context["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(context["identity"]["userAgent"], "test-agent/1");
    assert_eq!(
        context["authorizer"]["claims"]["cognito:groups"],
        "patients"
    );
    Ok(())
}

#[test]
fn lambda_http_sees_the_request_a_lambda_would() -> Result<()> {
    let f = fixture()?;
    let request = into_lambda_request(&build(&f, br#"{"a":1}"#, Some(claims()))?)?;

    assert_eq!(request.method(), Method::PATCH);
    assert_eq!(
        request.uri().path(),
        "/v1/patients/01HZY3V8J9K2M4N6P8Q0R2S4T6/profile"
    );
    assert_eq!(
        request
            .path_parameters_ref()
            .and_then(|p| p.first("patientId")),
        Some("01HZY3V8J9K2M4N6P8Q0R2S4T6")
    );
    assert_eq!(
        request
            .query_string_parameters_ref()
            .and_then(|q| q.all("tag")),
        Some(vec!["a", "b"])
    );
    assert_eq!(
        request.headers().get("if-match"),
        Some(&HeaderValue::from_static("\"3\""))
    );
    assert_eq!(request.body(), &Body::Text(r#"{"a":1}"#.to_owned()));
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => {
            assert_eq!(
                context.resource_path.as_deref(),
                Some("/patients/{patientId}/profile")
            );
            assert_eq!(
                context.authorizer.fields.get("claims"),
                Some(&Value::Object(claims()))
            );
        }
        other => anyhow::bail!("expected an API Gateway REST context, got {other:?}"),
    }
    Ok(())
}

#[test]
fn public_routes_carry_no_claims_and_empty_bodies_are_null() -> Result<()> {
    let f = fixture()?;
    let json = serde_json::to_value(build(&f, b"", None)?)?;
    assert!(json["requestContext"].get("authorizer").is_none());
    assert_eq!(json["body"], Value::Null);
    Ok(())
}

#[test]
fn binary_bodies_are_base64() -> Result<()> {
    let f = fixture()?;
    let event = build(&f, &[0xff, 0x00, 0x10], None)?;
    assert!(event.is_base64_encoded);
    assert_eq!(event.body.as_deref(), Some("/wAQ"));
    let request = into_lambda_request(&event)?;
    assert_eq!(request.body(), &Body::Binary(vec![0xff, 0x00, 0x10]));
    Ok(())
}

#[tokio::test]
async fn responses_keep_status_headers_and_body() -> Result<()> {
    let response = lambda_http::Response::builder()
        .status(412)
        .header("etag", "\"4\"")
        .header("content-type", "application/problem+json")
        .body(Body::Text("{\"status\":412}".into()))?;
    let http = into_http_response(response);
    assert_eq!(http.status(), 412);
    assert_eq!(
        http.headers().get("etag"),
        Some(&HeaderValue::from_static("\"4\""))
    );
    let body = axum::body::to_bytes(http.into_body(), usize::MAX).await?;
    assert_eq!(&body[..], b"{\"status\":412}");
    Ok(())
}

#[test]
fn the_lambda_context_names_the_function_and_a_deadline() {
    let context = lambda_context("t1-ProfileFunction", "us-east-1", 10);
    assert_eq!(context.env_config.function_name, "t1-ProfileFunction");
    assert!(
        context
            .invoked_function_arn
            .ends_with(":function:t1-ProfileFunction")
    );
    assert!(!context.request_id.is_empty());
    let now_ms = u64::try_from(OffsetDateTime::now_utc().unix_timestamp() * 1000).unwrap_or(0);
    assert!(context.deadline > now_ms + 9_000 && context.deadline <= now_ms + 11_000);
}

#[test]
fn an_event_over_lambdas_limit_is_refused_though_its_body_is_not() -> Result<()> {
    let f = fixture()?;
    // 2 MiB of quotes in a JSON string: a 4 MiB body, an 8 MiB event once it is escaped again.
    let body = serde_json::to_vec(&serde_json::json!({"note": "\"".repeat(2 * 1024 * 1024)}))?;
    assert!(body.len() < LAMBDA_MAX_REQUEST_BYTES);
    match into_lambda_request(&build(&f, &body, None)?) {
        Err(EventError::TooLarge { bytes }) => assert!(bytes > 8 * 1024 * 1024),
        other => panic!("expected TooLarge, got {:?}", other.map(|_| ())),
    }
    let fits = serde_json::to_vec(&serde_json::json!({"note": "x".repeat(5 * 1024 * 1024)}))?;
    assert!(into_lambda_request(&build(&f, &fits, None)?).is_ok());
    Ok(())
}
