//! Serves the built web app (`web/dist`) as CloudFront would: static files, the single-page
//! app's fallback to `index.html`, the runtime configuration at `/config.json` (the local stack's
//! API URL, user pool and client), and the security headers of `web/security-headers.json` on
//! every answer.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode, header};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// The headers, with `{apiOrigin}` standing for the API's origin in the policy.
const SECURITY_HEADERS: &str = include_str!("../../../web/security-headers.json");

/// What the app needs to find the API: written at deploy time from the stack's outputs.
pub fn runtime_config(
    api_url: &str,
    user_pool_id: &str,
    client_id: &str,
    time_zone: &str,
) -> Value {
    json!({
        "apiUrl": api_url,
        "userPoolId": user_pool_id,
        "clientId": client_id,
        "practiceTimeZone": time_zone,
    })
}

/// The security headers for an app that calls the API at `api_origin`.
pub fn security_headers(api_origin: &str) -> Result<Vec<(HeaderName, HeaderValue)>> {
    let declared: serde_json::Map<String, Value> =
        serde_json::from_str(SECURITY_HEADERS).context("web/security-headers.json")?;
    declared
        .iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, value)| {
            let text = value
                .as_str()
                .with_context(|| format!("header {name} must be a string"))?
                .replace("{apiOrigin}", api_origin);
            Ok((
                HeaderName::try_from(name.as_str())?,
                HeaderValue::try_from(text)?,
            ))
        })
        .collect()
}

/// `http://127.0.0.1:3000/v1` → `http://127.0.0.1:3000`.
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

struct WebApp {
    dir: PathBuf,
    config: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// Serves `dir` on `listener`; returns the address and the server task (abort it to stop).
pub async fn serve(
    dir: &Path,
    listener: tokio::net::TcpListener,
    config: &Value,
) -> Result<(SocketAddr, JoinHandle<()>)> {
    let api_url = config
        .get("apiUrl")
        .and_then(Value::as_str)
        .context("the web app's config has no apiUrl")?;
    let app = Arc::new(WebApp {
        dir: dir.to_path_buf(),
        config: config.to_string(),
        headers: security_headers(origin_of(api_url))?,
    });
    let bound = listener.local_addr()?;
    let router = axum::Router::new().fallback(handle).with_state(app);
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the web app server stopped");
        }
    });
    Ok((bound, task))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `dir`; `None` for anything that would leave it.
fn file_for(dir: &Path, request_path: &str) -> Option<PathBuf> {
    let relative = Path::new(request_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(dir.join(relative))
}

async fn handle(State(app): State<Arc<WebApp>>, request: axum::extract::Request) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = if !matches!(*request.method(), http::Method::GET | http::Method::HEAD) {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    } else if path == "/config.json" {
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            app.config.clone(),
        )
            .into_response()
    } else {
        serve_file(&app.dir, &path).await
    };
    let headers = response.headers_mut();
    for (name, value) in &app.headers {
        headers.insert(name.clone(), value.clone());
    }
    response
}

async fn serve_file(dir: &Path, path: &str) -> Response {
    let found = match file_for(dir, path) {
        Some(file)
            if path != "/" && tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_file()) =>
        {
            Some(file)
        }
        // A missing asset is a 404; any other path is a route of the app (SPA fallback).
        Some(_) if path.starts_with("/assets/") => None,
        Some(_) => Some(dir.join("index.html")),
        None => None,
    };
    let Some(file) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            // Hashed assets never change; index.html must be revalidated to pick up a deploy.
            let cache = if path.starts_with("/assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(&file)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes,
            )
                .into_response()
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_paths() {
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(origin_of("https://x.test/v1/"), "https://x.test");
        assert!(file_for(Path::new("/d"), "/../etc/passwd").is_none());
        assert_eq!(
            file_for(Path::new("/d"), "/assets/a.js"),
            Some(PathBuf::from("/d/assets/a.js"))
        );
    }

    #[test]
    fn the_policy_lets_the_app_call_the_api_and_nothing_else() -> Result<()> {
        let headers = security_headers("http://127.0.0.1:3000")?;
        let csp = headers
            .iter()
            .find(|(n, _)| n == "content-security-policy")
            .and_then(|(_, v)| v.to_str().ok())
            .context("no CSP")?;
        assert!(csp.contains("connect-src 'self' http://127.0.0.1:3000;"));
        assert!(csp.contains("script-src 'self';") && !csp.contains("unsafe"));
        assert!(headers.iter().any(|(n, _)| n == "x-content-type-options"));
        Ok(())
    }

    #[tokio::test]
    async fn serves_files_the_config_and_falls_back_to_the_app() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("portal-web-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(dir.join("assets"))?;
        std::fs::write(dir.join("index.html"), "<html>app</html>")?;
        std::fs::write(dir.join("assets/a.js"), "x")?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let config = runtime_config(
            "http://127.0.0.1:3000",
            "pool",
            "client",
            "America/New_York",
        );
        let (addr, task) = serve(&dir, listener, &config).await?;
        let get = |path: &str| reqwest::get(format!("http://{addr}{path}"));

        let index = get("/p/me/records").await?;
        assert_eq!(index.status(), 200);
        assert!(index.headers().contains_key("content-security-policy"));
        assert_eq!(index.text().await?, "<html>app</html>");
        let asset = get("/assets/a.js").await?;
        assert_eq!(
            asset
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(get("/assets/missing.js").await?.status(), 404);
        let served: Value = get("/config.json").await?.json().await?;
        assert_eq!(served, config);
        task.abort();
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
