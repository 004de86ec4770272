//! A local API Gateway (REST) in front of the functions' handlers, run in-process.
//!
//! Every route of the template is served by its function's handler: the request is checked by
//! the Cognito authorizer (unless the route is public), turned into the proxy event API Gateway
//! would send, parsed by lambda_http as in Lambda, and the handler's response goes back as
//! HTTP. Unknown routes and bad tokens are answered as API Gateway answers them (403 "Missing
//! Authentication Token", 401 "Unauthorized", or the template's `GatewayResponses`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use futures::FutureExt as _;
use http::HeaderValue;
use lambda_http::RequestExt as _;
use tokio::task::JoinHandle;

use crate::authorizer::TokenVerifier;
use crate::claims;
use crate::cors::{self, CorsPolicy};
use crate::event::{self, Gatekeeping, Incoming};
use crate::gateway_responses::{self, GatewayResponses, Refusal};
use crate::registry::{self, Handler};
use crate::routes::{Route, RouteTable};
use crate::stack::{FunctionConfig, Stack};

/// API Gateway refuses payloads over 10 MB.
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// A function as the gateway invokes it.
pub struct Function {
    pub handler: Arc<dyn Handler>,
    /// The physical function name (`<prefix>-<LogicalId>`), reported in the Lambda context.
    pub name: String,
    pub timeout: Duration,
}

/// The gateway's routes, functions and authorizer. Cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    state: Arc<Parts>,
}

/// What a gateway is made of; [`Gateway::new`] builds it from a stack, tests from their own
/// handlers and keys.
pub struct Parts {
    pub routes: RouteTable,
    /// By the function's logical id.
    pub functions: HashMap<String, Function>,
    pub verifier: TokenVerifier,
    pub responses: GatewayResponses,
    pub stage: String,
    pub region: String,
    /// The API's `Cors` (preflight answers, the origin on functions' answers); `None` without.
    pub cors: Option<CorsPolicy>,
}

impl Gateway {
    /// Builds the handler of every function with routes (`Api` events) from the stack's
    /// resolved environment. Fails if one has no registered handler or its configuration is
    /// refused. Scheduled functions are the scheduler's (see `scheduler`).
    pub fn new(stack: &Stack) -> Result<Gateway> {
        Gateway::with_timeout_floor(stack, None)
    }

    /// As [`Gateway::new`], giving every function at least `floor` before a 502 (see
    /// `StartOptions::timeout_floor`).
    pub fn with_timeout_floor(stack: &Stack, floor: Option<Duration>) -> Result<Gateway> {
        let mut functions = HashMap::new();
        for function in stack
            .template
            .functions
            .iter()
            .filter(|f| !f.events.is_empty())
        {
            let id = &function.logical_id;
            let FunctionConfig {
                binary,
                env,
                settings,
            } = stack.function_config(function)?;
            let Some(handler) = registry::handler_for(&binary, &settings, &stack.sdk, &env) else {
                bail!(
                    "function {id} (binary `{binary}`) has no handler: register it in \
                     infra/local/src/registry.rs"
                );
            };
            let entry = Function {
                handler,
                name: format!("{}-{id}", stack.prefix),
                timeout: Duration::from_secs(function.timeout_seconds)
                    .max(floor.unwrap_or_default()),
            };
            functions.insert(id.clone(), entry);
        }
        let verifier = TokenVerifier::new(
            stack.jwks_url(),
            stack.issuer(),
            stack.user_pool_client_id.clone(),
        )?;
        Ok(Gateway::from_parts(Parts {
            routes: routes_of(stack),
            functions,
            verifier,
            responses: GatewayResponses::new(cors::resolve_responses(stack)?),
            stage: stack.stage.clone(),
            region: stack.region.clone(),
            cors: CorsPolicy::of(stack)?,
        }))
    }

    pub fn from_parts(parts: Parts) -> Gateway {
        Gateway {
            state: Arc::new(parts),
        }
    }

    /// Builds the gateway for `stack` and serves it on `addr` (port 0 picks a free port).
    /// Returns the bound address and the server task; abort the task to stop serving.
    pub async fn serve(stack: &Stack, addr: SocketAddr) -> Result<(SocketAddr, JoinHandle<()>)> {
        Gateway::new(stack)?.listen(addr).await
    }

    /// Serves this gateway on `addr`; see [`Gateway::serve`].
    pub async fn listen(self, addr: SocketAddr) -> Result<(SocketAddr, JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        let service = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, service).await {
                tracing::error!(%error, "the gateway stopped");
            }
        });
        tracing::info!(address = %bound, routes = self.state.routes.routes().len(), "gateway listening");
        Ok((bound, task))
    }

    /// The axum router (every path goes through the API Gateway emulation).
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .fallback(handle)
            .with_state(self.state.clone())
    }
}

/// Every `Api` event of every function.
pub fn routes_of(stack: &Stack) -> RouteTable {
    let routes = stack
        .template
        .functions
        .iter()
        .flat_map(|function| {
            function.events.iter().map(|event| {
                Route::new(
                    &event.path,
                    &event.method,
                    &function.logical_id,
                    event.authorizer.clone(),
                )
            })
        })
        .collect();
    RouteTable::new(routes)
}

async fn handle(
    State(state): State<Arc<Parts>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let started = Instant::now();
    let request_id = ulid::Ulid::generate().to_string();
    let (parts, body) = request.into_parts();
    let matched = state.routes.find(parts.method.as_str(), parts.uri.path());
    let resource = matched
        .as_ref()
        .map_or_else(|| parts.uri.path().to_owned(), |m| m.route.resource.clone());

    let refuse = |refusal| state.responses.render(refusal, &request_id);
    let preflight = state
        .cors
        .as_ref()
        .filter(|_| parts.method == http::Method::OPTIONS)
        .filter(|_| path_exists(&state.routes, parts.uri.path()));
    let mut response = match (matched, preflight) {
        (_, Some(cors)) => cors.preflight(),
        (None, None) => refuse(Refusal::MissingAuthenticationToken),
        (Some(matched), None) => match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Err(_) => refuse(Refusal::RequestTooLarge),
            Ok(bytes) => {
                let incoming = Incoming {
                    method: &parts.method,
                    uri: &parts.uri,
                    headers: &parts.headers,
                    body: &bytes,
                    source_ip: peer.ip(),
                };
                invoke(&state, &incoming, &matched, &request_id).await
            }
        },
    };

    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    // One line per request; never bodies, tokens or query strings.
    tracing::info!(
        method = %parts.method,
        resource = %resource,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        request_id = %request_id,
        "request"
    );
    response
}

/// Whether some method is served at `path`: SAM adds the preflight `OPTIONS` to every path
/// resource of the API, so only paths of the API answer it.
fn path_exists(routes: &RouteTable, path: &str) -> bool {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
        .iter()
        .any(|method| routes.find(method, path).is_some())
}

async fn invoke(
    state: &Parts,
    incoming: &Incoming<'_>,
    matched: &crate::routes::Matched<'_>,
    request_id: &str,
) -> Response {
    let claims = if matched.route.authorizer.is_some() {
        let header = incoming
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok());
        match state.verifier.verify(header).await {
            Ok(claims) => Some(claims::stringify(&claims)),
            Err(reason) => {
                tracing::info!(request_id, ?reason, "token refused");
                return state.responses.render(Refusal::Unauthorized, request_id);
            }
        }
    } else {
        None
    };

    let Some(function) = state.functions.get(&matched.route.function) else {
        tracing::error!(function = %matched.route.function, "route without a function");
        return state.responses.render(Refusal::FunctionFailed, request_id);
    };
    let gate = Gatekeeping {
        matched,
        stage: &state.stage,
        request_id,
        claims,
    };
    let proxy_event = event::proxy_event(incoming, &gate);
    let request = match event::into_lambda_request(&proxy_event) {
        Ok(request) => request.with_lambda_context(event::lambda_context(
            &function.name,
            &state.region,
            function.timeout.as_secs(),
        )),
        Err(event::EventError::TooLarge { bytes }) => {
            tracing::info!(
                request_id,
                bytes,
                "the event is over Lambda's request limit"
            );
            return gateway_responses::lambda_request_too_large();
        }
        Err(event::EventError::Unreadable(error)) => {
            tracing::error!(
                request_id,
                error = format!("{error:#}"),
                "cannot build the event"
            );
            return state.responses.render(Refusal::BadRequest, request_id);
        }
    };

    // A panic or a timeout is a failed invocation, which API Gateway reports as a 502.
    let call = AssertUnwindSafe(function.handler.call(request)).catch_unwind();
    match tokio::time::timeout(function.timeout, call).await {
        Ok(Ok(response)) => {
            let mut response = event::into_http_response(response);
            if let Some(cors) = &state.cors {
                cors.decorate(response.headers_mut());
            }
            response
        }
        Ok(Err(_)) => {
            tracing::error!(request_id, function = %function.name, "the handler panicked");
            state.responses.render(Refusal::FunctionFailed, request_id)
        }
        Err(_) => {
            tracing::error!(request_id, function = %function.name, "the handler timed out");
            state.responses.render(Refusal::FunctionFailed, request_id)
        }
    }
}

#[cfg(test)]
mod tests;
