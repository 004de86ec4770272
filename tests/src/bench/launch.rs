//! One launch of a function's release binary under the Runtime API emulator: exec, the first
//! poll of `/next` (init), one cold invocation, then `warm` more, reading the child's CPU time
//! and peak memory from /proc before it is killed.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::body::Bytes;

use super::process_stats;
use super::runtime_api::{Outcome, RuntimeApi};

/// How long a function may take to start or to answer before the launch counts as failed.
const PATIENCE: Duration = Duration::from_secs(30);

/// The figures of one launch.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Exec to the first poll of `/next`.
    pub init: Duration,
    /// The cold invocation: handed out to answered.
    pub first_response: Duration,
    /// The child's peak resident memory at the end, in KiB.
    pub peak_rss_kib: u64,
    /// The child's CPU time (every thread, user and system) per warm invocation.
    pub cpu_per_warm: Duration,
    /// The HTTP status of the first answer.
    pub status: u16,
}

/// What to run and how.
pub struct Launch<'a> {
    pub name: &'a str,
    pub binary: &'a Path,
    pub env: &'a BTreeMap<String, String>,
    pub event: &'a Bytes,
    pub warm: u32,
    /// Where the child's stdout and stderr go (the last launch's).
    pub log: &'a Path,
}

impl Launch<'_> {
    pub async fn run(&self) -> Result<Sample> {
        let mut api = RuntimeApi::start(self.name).await?;
        let log = std::fs::File::create(self.log)
            .with_context(|| format!("creating {}", self.log.display()))?;
        let mut command = tokio::process::Command::new(self.binary);
        // Lambda's own variables, then the function's; nothing from this shell.
        command
            .env_clear()
            .envs(lambda_env(self.name))
            .envs(self.env)
            .env("AWS_LAMBDA_RUNTIME_API", api.address.to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);

        let started = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        let pid = child.id().context("the child has no pid")?;
        let polled = tokio::select! {
            polled = api.poll(PATIENCE) => polled?,
            exit = child.wait() => bail!("{} exited during init ({:?}); see {}", self.name, exit?, self.log.display()),
        };
        let init = polled.duration_since(started);

        let handed = Instant::now();
        let status = invoke(&mut api, "bench-0", self.event).await?;
        let first_response = handed.elapsed();
        api.poll(PATIENCE).await?;

        let cpu_before = process_stats::cpu_time(pid)?;
        for n in 1..=self.warm {
            invoke(&mut api, &format!("bench-{n}"), self.event).await?;
            // Back at `/next`: the invocation's work, its answer included, is done.
            api.poll(PATIENCE).await?;
        }
        let cpu_after = process_stats::cpu_time(pid)?;
        let peak_rss_kib = process_stats::peak_rss_kib(pid)?;
        child.kill().await?;

        Ok(Sample {
            init,
            first_response,
            peak_rss_kib,
            cpu_per_warm: cpu_after.saturating_sub(cpu_before) / self.warm.max(1),
            status,
        })
    }
}

/// Hands out one event and returns the status code of the function's answer.
async fn invoke(api: &mut RuntimeApi, id: &str, event: &Bytes) -> Result<u16> {
    api.invoke(id, event)?;
    match api.outcome(PATIENCE).await? {
        Outcome::Response { id: answered, body } if answered == id => {
            let reply: serde_json::Value =
                serde_json::from_slice(&body).context("the answer is not JSON")?;
            reply["statusCode"]
                .as_u64()
                .and_then(|code| u16::try_from(code).ok())
                .context("the answer has no statusCode")
        }
        other => bail!("invocation {id}: the function reported {other}"),
    }
}

/// The variables Lambda sets for every function (the template's 256 MB).
fn lambda_env(name: &str) -> [(&'static str, String); 9] {
    [
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench".to_owned()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("_HANDLER", "bootstrap".to_owned()),
        ("TZ", ":UTC".to_owned()),
        ("LANG", "en_US.UTF-8".to_owned()),
    ]
}
