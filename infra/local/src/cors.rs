//! CORS as the deployed API answers a browser: the preflight (`OPTIONS`) that SAM adds to every
//! path from the API's `Cors` property, the `Access-Control-Allow-Origin` that the template's
//! `GatewayResponses` carry on API Gateway's own errors (resolved here from the stack's
//! parameters, `AllowedWebOrigin`), and the same origin on the functions' answers.
//!
//! With a Lambda proxy integration API Gateway passes a function's headers through untouched: in
//! the cloud the functions' responses must carry `Access-Control-Allow-Origin` themselves. The
//! local gateway adds it to a function's answer that lacks it, so the web app works locally; see
//! `docs/runbook.md` and the web app's README section for the cloud side.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};

use crate::resolve::Names;
use crate::stack::Stack;
use crate::template::GatewayResponse;

/// Headers the web app must read from the API's answers (optimistic locking, created
/// resources, retries, replays, support).
pub const EXPOSED_HEADERS: &str = "ETag, Location, Retry-After, Idempotent-Replayed, X-Request-Id";

/// The API's CORS answers, resolved for one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsPolicy {
    pub allow_origin: String,
    pub allow_methods: Option<String>,
    pub allow_headers: Option<String>,
    pub max_age: Option<String>,
}

/// `'value'` → `value` (API Gateway's static mapping values are quoted).
fn unquote(value: &str) -> &str {
    value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value)
}

fn names(stack: &Stack) -> Names<'_> {
    static NO_SECRETS: BTreeMap<String, String> = BTreeMap::new();
    Names {
        template: &stack.template,
        region: &stack.region,
        prefix: &stack.prefix,
        tables: &stack.tables,
        user_pool_id: &stack.user_pool_id,
        user_pool_client_id: &stack.user_pool_client_id,
        secrets: &NO_SECRETS,
        secret_arns: &NO_SECRETS,
    }
}

impl CorsPolicy {
    /// The template's `Cors`, resolved with the stack's parameters; `None` without one.
    pub fn of(stack: &Stack) -> Result<Option<CorsPolicy>> {
        let Some(cors) = &stack.template.api.cors else {
            return Ok(None);
        };
        let origin = names(stack)
            .resolve(&cors.allow_origin)
            .context("Cors.AllowOrigin")?;
        Ok(Some(CorsPolicy {
            allow_origin: unquote(&origin).to_owned(),
            allow_methods: cors.allow_methods.as_deref().map(|v| unquote(v).to_owned()),
            allow_headers: cors.allow_headers.as_deref().map(|v| unquote(v).to_owned()),
            max_age: cors.max_age.as_deref().map(|v| unquote(v).to_owned()),
        }))
    }

    /// SAM's preflight method: a mock integration answering 200 with the configured headers.
    pub fn preflight(&self) -> Response {
        let mut response = StatusCode::OK.into_response();
        let headers = response.headers_mut();
        insert(
            headers,
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            &self.allow_origin,
        );
        if let Some(methods) = &self.allow_methods {
            insert(headers, header::ACCESS_CONTROL_ALLOW_METHODS, methods);
        }
        if let Some(allowed) = &self.allow_headers {
            insert(headers, header::ACCESS_CONTROL_ALLOW_HEADERS, allowed);
        }
        if let Some(max_age) = &self.max_age {
            insert(headers, header::ACCESS_CONTROL_MAX_AGE, max_age);
        }
        response
    }

    /// A function's answer as the browser must get it: the allowed origin (unless the function
    /// set one) and the headers the app reads.
    pub fn decorate(&self, headers: &mut HeaderMap) {
        if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
            insert(
                headers,
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                &self.allow_origin,
            );
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        if !headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS) {
            insert(
                headers,
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                EXPOSED_HEADERS,
            );
        }
    }
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// The template's gateway responses with their parameter-built headers (`!Sub
/// "'${AllowedWebOrigin}'"`) resolved for this stack.
pub fn resolve_responses(stack: &Stack) -> Result<BTreeMap<String, GatewayResponse>> {
    let names = names(stack);
    let mut out = BTreeMap::new();
    for (kind, response) in &stack.template.api.gateway_responses {
        let mut response = response.clone();
        for (name, value) in std::mem::take(&mut response.parameter_headers) {
            let resolved = names
                .resolve(&value)
                .with_context(|| format!("GatewayResponses.{kind} header {name}"))?;
            response.headers.push((name, unquote(&resolved).to_owned()));
        }
        out.insert(kind.clone(), response);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_lose_their_quotes() {
        assert_eq!(unquote("'http://a.test'"), "http://a.test");
        assert_eq!(unquote("plain"), "plain");
    }

    #[test]
    fn decorate_keeps_a_functions_own_origin() {
        let policy = CorsPolicy {
            allow_origin: "http://web.test".into(),
            allow_methods: None,
            allow_headers: None,
            max_age: None,
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("http://other.test"),
        );
        policy.decorate(&mut headers);
        assert_eq!(
            headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some(&HeaderValue::from_static("http://other.test"))
        );
        let mut headers = HeaderMap::new();
        policy.decorate(&mut headers);
        assert_eq!(
            headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some(&HeaderValue::from_static("http://web.test"))
        );
        assert!(
            headers
                .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("ETag"))
        );
    }

    /// The repository's template, provisioned on paper (no AWS calls), with `AllowedWebOrigin`
    /// as `sam deploy --parameter-overrides` would set it.
    fn stack_with_origin(origin: &str) -> Result<Stack> {
        use crate::stack::Provisioned;
        use crate::template::{Template, default_template_path};
        let mut template = Template::load(&default_template_path())?;
        template.override_parameter("AllowedWebOrigin", origin)?;
        let tables = template
            .tables
            .iter()
            .map(|t| (t.logical_id.clone(), format!("t-{}", t.logical_id)))
            .collect();
        Stack::assemble(Provisioned {
            endpoint: "http://127.0.0.1:1".into(),
            region: "us-east-1".into(),
            prefix: "t".into(),
            tables,
            queues: Default::default(),
            user_pool_id: "us-east-1_pool".into(),
            user_pool_client_id: "client".into(),
            groups: vec![],
            secrets: Default::default(),
            template: std::sync::Arc::new(template),
            sdk: aws_config::SdkConfig::builder().build(),
        })
    }

    #[test]
    fn the_templates_preflight_and_every_gateway_response_name_the_web_origin() -> Result<()> {
        let stack = stack_with_origin("https://portal.example.org")?;
        let policy = CorsPolicy::of(&stack)?.context("template.yaml has no Cors")?;
        assert_eq!(policy.allow_origin, "https://portal.example.org");
        let allowed = policy.allow_headers.clone().unwrap_or_default();
        for needed in [
            "Authorization",
            "Content-Type",
            "If-Match",
            "Idempotency-Key",
        ] {
            assert!(
                allowed.contains(needed),
                "the preflight must allow {needed}: {allowed}"
            );
        }
        let methods = policy.allow_methods.clone().unwrap_or_default();
        for needed in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            assert!(
                methods.contains(needed),
                "the preflight must allow {needed}"
            );
        }

        let responses = resolve_responses(&stack)?;
        // A configured type does not inherit DEFAULT_4XX's headers in API Gateway: each needs
        // its own, or the browser cannot read that error.
        for kind in [
            "DEFAULT_4XX",
            "DEFAULT_5XX",
            "UNAUTHORIZED",
            "ACCESS_DENIED",
            "THROTTLED",
        ] {
            responses
                .get(kind)
                .with_context(|| format!("no gateway response {kind}"))?;
        }
        for (kind, response) in &responses {
            let origin = response
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("Access-Control-Allow-Origin"))
                .map(|(_, value)| value.as_str());
            assert_eq!(
                origin,
                Some("https://portal.example.org"),
                "gateway response {kind} must carry the web origin"
            );
        }
        Ok(())
    }
}
