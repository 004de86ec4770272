//! A Lambda Runtime API of our own (the 2018-06-01 interface the `lambda_runtime` crate
//! polls), so a function's release binary runs here as it does on Lambda: one process, one
//! invocation at a time, handed out on `GET .../invocation/next`.
//!
//! Each launch gets its own server on a free port; the controller hands out invocations and
//! learns when the function polls (the end of init) and what it answered.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Mutex, mpsc};

/// What the function reported for an invocation (or for its init).
#[derive(Debug)]
pub enum Outcome {
    Response { id: String, body: Bytes },
    Error { id: String, body: Bytes },
    InitError { body: Bytes },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |body: &Bytes| {
            String::from_utf8_lossy(body)
                .chars()
                .take(300)
                .collect::<String>()
        };
        match self {
            Outcome::Response { id, body } => write!(f, "a response to {id}: {}", text(body)),
            Outcome::Error { id, body } => write!(f, "an error for {id}: {}", text(body)),
            Outcome::InitError { body } => write!(f, "an init error: {}", text(body)),
        }
    }
}

/// One event to hand out.
struct Invocation {
    id: String,
    event: Bytes,
}

#[derive(Clone)]
struct Shared {
    polls: mpsc::UnboundedSender<Instant>,
    pending: Arc<Mutex<mpsc::UnboundedReceiver<Invocation>>>,
    outcomes: mpsc::UnboundedSender<Outcome>,
    function_arn: Arc<str>,
}

/// The emulator of one launch. Dropping it stops the server.
pub struct RuntimeApi {
    pub address: SocketAddr,
    polls: mpsc::UnboundedReceiver<Instant>,
    invocations: mpsc::UnboundedSender<Invocation>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    server: tokio::task::JoinHandle<()>,
}

const PREFIX: &str = "/2018-06-01/runtime";

impl RuntimeApi {
    /// Serves the Runtime API on a free port of 127.0.0.1 for the function `name`.
    pub async fn start(name: &str) -> Result<Self> {
        let (polls_tx, polls) = mpsc::unbounded_channel();
        let (invocations, pending) = mpsc::unbounded_channel();
        let (outcomes_tx, outcomes) = mpsc::unbounded_channel();
        let shared = Shared {
            polls: polls_tx,
            pending: Arc::new(Mutex::new(pending)),
            outcomes: outcomes_tx,
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}").into(),
        };
        let app = Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the Runtime API emulator")?;
        let address = listener.local_addr()?;
        let server = tokio::spawn(async move {
            // The server ends when the launch drops it (abort); an error here ends it early and
            // the launch then times out waiting for the function, which names the cause.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            polls,
            invocations,
            outcomes,
            server,
        })
    }

    /// Hands out `event` to the function's next poll.
    pub fn invoke(&self, id: &str, event: &Bytes) -> Result<()> {
        self.invocations
            .send(Invocation {
                id: id.to_owned(),
                event: event.clone(),
            })
            .ok()
            .context("the emulator has stopped")
    }

    /// When the function next polled `/next`, waiting at most `within`.
    pub async fn poll(&mut self, within: Duration) -> Result<Instant> {
        tokio::select! {
            polled = self.polls.recv() => polled.context("the emulator has stopped"),
            outcome = self.outcomes.recv() => match outcome {
                Some(outcome) => bail!("the function reported {outcome} instead of polling"),
                None => bail!("the emulator has stopped"),
            },
            () = tokio::time::sleep(within) => bail!("the function did not poll /next within {within:?}"),
        }
    }

    /// The function's report on the invocation it holds, waiting at most `within`.
    pub async fn outcome(&mut self, within: Duration) -> Result<Outcome> {
        tokio::select! {
            outcome = self.outcomes.recv() => outcome.context("the emulator has stopped"),
            () = tokio::time::sleep(within) => bail!("the function did not answer within {within:?}"),
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

async fn next(State(shared): State<Shared>) -> Response {
    let _ = shared.polls.send(Instant::now());
    let Some(invocation) = shared.pending.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let mut headers = HeaderMap::new();
    let values = [
        ("lambda-runtime-aws-request-id", invocation.id.clone()),
        (
            "lambda-runtime-deadline-ms",
            (epoch_ms() + 30_000).to_string(),
        ),
        (
            "lambda-runtime-invoked-function-arn",
            shared.function_arn.to_string(),
        ),
        (
            "lambda-runtime-trace-id",
            format!(
                "Root=1-00000000-{:0>24};Parent=0000000000000001;Sampled=0",
                invocation.id.replace('-', "")
            ),
        ),
    ];
    for (name, value) in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    (StatusCode::OK, headers, invocation.event).into_response()
}

async fn response(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    let _ = shared.outcomes.send(Outcome::Response { id, body });
    StatusCode::ACCEPTED
}

async fn error(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    let _ = shared.outcomes.send(Outcome::Error { id, body });
    StatusCode::ACCEPTED
}

async fn init_error(State(shared): State<Shared>, body: Bytes) -> StatusCode {
    let _ = shared.outcomes.send(Outcome::InitError { body });
    StatusCode::ACCEPTED
}
