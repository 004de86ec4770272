//! Counting the calls a request makes to the emulated AWS: a relay in front of moto that
//! forwards every request and records which operation it was and when it started and ended.
//!
//! A stack started with `Harness { count_aws_calls: true }` talks to moto only through this
//! relay, so every DynamoDB, Cognito, Secrets Manager, SES, SNS and SQS call of its functions is
//! seen. What a request cost is the calls that started while it was in flight
//! ([`AwsCallLog::during`]); the stream readers' own polling is left out (in AWS it is Lambda's,
//! not the function's).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::Response;
use portal_local::{Moto, MotoOptions};

/// moto's largest answers (an export's items) are far below this.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Operations the local stack makes on its own, whatever the requests: reading the tables'
/// streams for the stream consumers.
const BACKGROUND_SERVICES: &[&str] = &["DynamoDBStreams"];

/// One call to the emulated AWS, e.g. `DynamoDB.GetItem`.
#[derive(Debug, Clone)]
pub struct AwsCall {
    /// `<service>.<operation>`.
    pub operation: String,
    /// When the relay received the request.
    pub started: Instant,
    /// When the relay had moto's whole answer.
    pub ended: Instant,
}

/// Every call made through a counting relay, in the order they ended. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct AwsCallLog {
    calls: Arc<Mutex<Vec<AwsCall>>>,
}

/// What a request cost in calls to AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCount {
    pub total: usize,
    /// The longest chain of calls each starting after the previous one ended: the round trips
    /// the request waited for one after another.
    pub sequential: usize,
    /// The operations, in the order they started.
    pub operations: Vec<String>,
}

impl AwsCallLog {
    fn record(&self, call: AwsCall) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(call);
    }

    fn snapshot(&self) -> Vec<AwsCall> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The calls (background polling left out) that started in `[from, to]`.
    pub fn during(&self, from: Instant, to: Instant) -> Vec<AwsCall> {
        let mut calls: Vec<AwsCall> = self
            .snapshot()
            .into_iter()
            .filter(|call| call.started >= from && call.started <= to)
            .filter(|call| !is_background(&call.operation))
            .collect();
        calls.sort_by_key(|call| call.started);
        calls
    }

    /// Waits until no call (background polling left out) has been in flight for `quiet`, or
    /// `limit` has passed: the stream consumers have finished what the previous request set off.
    pub async fn settle(&self, quiet: Duration, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let now = Instant::now();
            let last = self
                .snapshot()
                .into_iter()
                .filter(|call| !is_background(&call.operation))
                .map(|call| call.ended)
                .max();
            let settled = last.is_none_or(|ended| now.duration_since(ended) >= quiet);
            if settled || now >= deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn is_background(operation: &str) -> bool {
    BACKGROUND_SERVICES
        .iter()
        .any(|service| operation.split('.').next() == Some(service))
}

/// Counts `calls` (sorted by start): total, and the longest chain of calls each starting after
/// the previous one ended.
pub fn count(calls: &[AwsCall]) -> CallCount {
    let mut chain: Vec<usize> = Vec::with_capacity(calls.len());
    for (i, call) in calls.iter().enumerate() {
        let before = calls[..i]
            .iter()
            .zip(&chain)
            .filter(|(earlier, _)| earlier.ended <= call.started)
            .map(|(_, length)| *length)
            .max()
            .unwrap_or(0);
        chain.push(before + 1);
    }
    CallCount {
        total: calls.len(),
        sequential: chain.into_iter().max().unwrap_or(0),
        operations: calls.iter().map(|call| call.operation.clone()).collect(),
    }
}

/// A moto server of its own behind a counting relay, on a thread and runtime of their own (the
/// stack using them outlives every test's runtime). Both stop when the process exits.
pub(crate) struct CountingRelay {
    /// Where the stack should send its AWS calls.
    pub endpoint: String,
    pub log: AwsCallLog,
}

impl CountingRelay {
    /// Starts moto and the relay; blocks until both answer.
    pub fn start() -> anyhow::Result<CountingRelay> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("aws-call-relay".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(anyhow::Error::from(error)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match serve().await {
                        Ok((relay, moto)) => {
                            let _ = ready_tx.send(Ok(relay));
                            // Holding moto keeps it running; the process's exit stops it.
                            let _moto = moto;
                            std::future::pending::<()>().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .context("cannot start the relay's thread")?;
        ready_rx
            .recv()
            .context("the relay's thread ended before it was ready")?
    }
}

struct Upstream {
    moto: String,
    client: reqwest::Client,
    log: AwsCallLog,
}

async fn serve() -> anyhow::Result<(CountingRelay, Moto)> {
    let moto = Moto::start(&MotoOptions::default()).await?;
    let log = AwsCallLog::default();
    let upstream = Arc::new(Upstream {
        moto: moto.endpoint().to_owned(),
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .context("an HTTP client")?,
        log: log.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("the relay's port")?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let router = axum::Router::new().fallback(relay).with_state(upstream);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("the AWS call relay stopped: {error}");
        }
    });
    Ok((CountingRelay { endpoint, log }, moto))
}

/// Headers that describe one connection, not the request.
const HOP_BY_HOP: [HeaderName; 4] = [
    header::CONNECTION,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

async fn relay(State(upstream): State<Arc<Upstream>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return plain(StatusCode::PAYLOAD_TOO_LARGE);
    };
    let operation = operation_of(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        &body,
    );
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    // The Host header goes as it came: moto writes it into what it answers (a queue's URL).
    let mut headers = parts.headers;
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    let sent = upstream
        .client
        .request(parts.method, format!("{}{path}", upstream.moto))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(answer) => {
            let status = answer.status();
            let mut headers = answer.headers().clone();
            for name in &HOP_BY_HOP {
                headers.remove(name);
            }
            match answer.bytes().await {
                Ok(bytes) => {
                    let mut response = Response::new(Body::from(bytes));
                    *response.status_mut() = status;
                    *response.headers_mut() = headers;
                    response
                }
                Err(_) => plain(StatusCode::BAD_GATEWAY),
            }
        }
        Err(_) => plain(StatusCode::BAD_GATEWAY),
    };
    if let Some(operation) = operation {
        upstream.log.record(AwsCall {
            operation,
            started,
            ended: Instant::now(),
        });
    }
    response
}

fn plain(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// `<service>.<operation>` of an AWS request; `None` for what is not an AWS API call (moto's
/// dashboard, a pool's signing keys).
fn operation_of(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<String> {
    // JSON protocols (DynamoDB, Cognito, Secrets Manager, SQS): `X-Amz-Target: <prefix>.<Op>`.
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        let (prefix, name) = target.split_once('.')?;
        return Some(format!("{}.{name}", service_of_target(prefix)));
    }
    // Signed with SigV4: the credential scope names the service.
    let service = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split_once("Credential=")?.1.split('/').nth(3))
        .map(service_of_scope)?;
    // Query protocols (SES v1, SNS, SQS's old one): `Action=<Op>` in the form or the query.
    let action = std::str::from_utf8(body)
        .ok()
        .into_iter()
        .chain(query)
        .flat_map(|form| form.split('&'))
        .find_map(|pair| pair.strip_prefix("Action="));
    if let Some(action) = action {
        return Some(format!("{service}.{action}"));
    }
    // REST protocols (SES v2).
    Some(match (service.as_str(), method, path) {
        ("SES", "POST", "/v2/email/outbound-emails") => "SES.SendEmail".to_owned(),
        _ => format!("{service}.{method} {path}"),
    })
}

fn service_of_target(prefix: &str) -> String {
    let name = prefix.split('_').next().unwrap_or(prefix);
    match name {
        "AWSCognitoIdentityProviderService" => "Cognito".to_owned(),
        "secretsmanager" => "SecretsManager".to_owned(),
        "AmazonSQS" => "SQS".to_owned(),
        other => other.to_owned(),
    }
}

fn service_of_scope(scope: &str) -> String {
    match scope {
        "dynamodb" => "DynamoDB".to_owned(),
        "cognito-idp" => "Cognito".to_owned(),
        "secretsmanager" => "SecretsManager".to_owned(),
        "email" | "ses" => "SES".to_owned(),
        other => other.to_ascii_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(operation: &str, start_ms: u64, end_ms: u64, base: Instant) -> AwsCall {
        AwsCall {
            operation: operation.to_owned(),
            started: base + Duration::from_millis(start_ms),
            ended: base + Duration::from_millis(end_ms),
        }
    }

    #[test]
    fn concurrent_calls_are_one_round_trip() {
        let base = Instant::now();
        let calls = [
            call("DynamoDB.PutItem", 0, 10, base),
            call("DynamoDB.GetItem", 1, 12, base),
            call("DynamoDB.Query", 13, 20, base),
        ];
        let counted = count(&calls);
        assert_eq!(counted.total, 3);
        assert_eq!(counted.sequential, 2);
        assert_eq!(count(&[]).sequential, 0);
    }

    #[test]
    fn operations_are_named_by_target_action_or_path() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amz-target",
            "DynamoDB_20120810.GetItem".parse().expect("header"),
        );
        let empty = Bytes::new();
        assert_eq!(
            operation_of("POST", "/", None, &headers, &empty).as_deref(),
            Some("DynamoDB.GetItem")
        );
        headers.insert(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.AdminGetUser"
                .parse()
                .expect("header"),
        );
        assert_eq!(
            operation_of("POST", "/", None, &headers, &empty).as_deref(),
            Some("Cognito.AdminGetUser")
        );
        let mut signed = HeaderMap::new();
        signed.insert(
            header::AUTHORIZATION,
            "AWS4-HMAC-SHA256 Credential=AK/20261208/us-east-1/sns/aws4_request, Signature=x"
                .parse()
                .expect("header"),
        );
        let form = Bytes::from_static(b"Action=Publish&Version=2010-03-31");
        assert_eq!(
            operation_of("POST", "/", None, &signed, &form).as_deref(),
            Some("SNS.Publish")
        );
        assert_eq!(
            operation_of(
                "GET",
                "/pool/.well-known/jwks.json",
                None,
                &HeaderMap::new(),
                &empty
            ),
            None
        );
        assert!(is_background("DynamoDBStreams.GetRecords"));
        assert!(!is_background("DynamoDB.GetItem"));
    }
}
