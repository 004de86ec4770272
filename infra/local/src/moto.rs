//! The emulated AWS endpoint (moto's server mode) for DynamoDB and Cognito.
//!
//! Either an endpoint the caller names (or `AWS_ENDPOINT_URL`), or a moto server of our own,
//! started on a free loopback port and stopped with us.
//!
//! Our own server runs through `moto_launcher.py` rather than `moto_server` directly, for two
//! reasons:
//! - it must not outlive this process even when we are killed or a test binary exits without
//!   running destructors. The launcher exits when its stdin reaches end-of-file; we hold the
//!   only write end of that pipe, and the kernel closes it however we exit. No signals, no
//!   `prctl`, no unsafe code.
//! - moto_server handles each request on its own thread, and moto's DynamoDB checks a
//!   ConditionExpression and applies the write as separate Python steps, so two concurrent
//!   conditional updates can both succeed. The launcher serialises requests, which makes every
//!   conditional write atomic as it is in DynamoDB (see the launcher for details).
//! - moto answers a Query by walking the whole table and backs up whole tables before each
//!   transaction; the launcher narrows both to the items a request touches (same results), so
//!   a long test run does not slow down as its tables fill.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::template::workspace_root;

const LAUNCHER: &str = include_str!("moto_launcher.py");

/// Importing moto and its Cognito and DynamoDB models takes a few seconds on a cold machine.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the emulated AWS endpoint comes from.
#[derive(Debug, Clone, Default)]
pub struct MotoOptions {
    /// Use this endpoint and start nothing. When `None`, `AWS_ENDPOINT_URL` is used if set.
    pub endpoint: Option<String>,
    /// The `moto_server` script whose Python runs the launcher. When `None`: `MOTO_SERVER`, else
    /// `.venv/bin/moto_server` in the workspace root.
    pub moto_server: Option<PathBuf>,
}

/// A running (or borrowed) moto endpoint. Dropping it stops a server we started.
#[derive(Debug)]
pub struct Moto {
    endpoint: String,
    child: Option<OwnedServer>,
}

impl Moto {
    /// Uses the configured endpoint, or starts a moto server and waits until it answers.
    pub async fn start(options: &MotoOptions) -> Result<Moto> {
        let configured = options
            .endpoint
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|url| !url.trim().is_empty());
        if let Some(endpoint) = configured {
            let endpoint = endpoint.trim_end_matches('/').to_owned();
            wait_until_answering(&endpoint, START_TIMEOUT)
                .await
                .with_context(|| format!("the AWS endpoint {endpoint} does not answer"))?;
            return Ok(Moto {
                endpoint,
                child: None,
            });
        }

        let script = options
            .moto_server
            .clone()
            .or_else(|| std::env::var_os("MOTO_SERVER").map(PathBuf::from))
            .unwrap_or_else(|| workspace_root().join(".venv/bin/moto_server"));
        let (child, stdout) = OwnedServer::spawn(&script)?;
        // If the launcher hangs, dropping `child` on the way out kills it, which ends the read.
        let port = tokio::time::timeout(
            START_TIMEOUT,
            tokio::task::spawn_blocking(move || read_port(stdout)),
        )
        .await
        .with_context(|| format!("moto did not report its port within {START_TIMEOUT:?}"))?
        .context("the task reading moto's port failed")?
        .with_context(|| {
            format!(
                "moto did not start; is moto[server] installed for {}?",
                script.display()
            )
        })?;
        let endpoint = format!("http://127.0.0.1:{port}");
        wait_until_answering(&endpoint, START_TIMEOUT).await?;
        tracing::info!(%endpoint, pid = child.process.id(), "moto started");
        Ok(Moto {
            endpoint,
            child: Some(child),
        })
    }

    /// The base URL of the endpoint, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Whether we started this server (and will stop it).
    pub fn is_owned(&self) -> bool {
        self.child.is_some()
    }

    /// Stops a server we started; a borrowed endpoint is left alone. Dropping does the same.
    pub fn stop(&mut self) {
        self.child = None;
    }
}

/// The launcher process and the pipe that keeps it alive.
#[derive(Debug)]
struct OwnedServer {
    process: Child,
    lifeline: Option<ChildStdin>,
}

impl OwnedServer {
    /// Starts the launcher; its stdout will carry the port line.
    fn spawn(moto_server: &Path) -> Result<(OwnedServer, ChildStdout)> {
        if !moto_server.is_file() {
            bail!(
                "{} not found: run `python3 -m venv .venv && .venv/bin/pip install -r \
                 requirements-dev.txt` in the workspace root, or set MOTO_SERVER or AWS_ENDPOINT_URL",
                moto_server.display()
            );
        }
        let python = interpreter_of(moto_server);
        let mut command = Command::new(&python);
        command
            .arg("-c")
            .arg(LAUNCHER)
            .args(["127.0.0.1", "0", "serialised"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own process group: Ctrl-C in a terminal goes to us, and we stop moto when we are
        // done with it rather than while we still shut down.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut process = command
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?;
        let lifeline = process.stdin.take();
        let stdout = process.stdout.take();
        let server = OwnedServer { process, lifeline };
        let stdout = stdout.context("moto's stdout was not captured")?;
        Ok((server, stdout))
    }
}

impl Drop for OwnedServer {
    fn drop(&mut self) {
        // Closing the pipe is enough on its own; killing as well makes the stop immediate even if
        // moto is busy, and waiting reaps the process so no zombie is left behind.
        drop(self.lifeline.take());
        let pid = self.process.id();
        if let Err(error) = self.process.kill() {
            tracing::debug!(%error, pid, "moto had already exited");
        }
        match self.process.wait() {
            Ok(_) => tracing::info!(pid, "moto stopped"),
            Err(error) => tracing::warn!(%error, pid, "could not reap moto"),
        }
    }
}

/// Reads the launcher's `PORT <n>` line (blocking until it has bound its socket; if it dies
/// first, this reads end-of-file).
fn read_port(stdout: ChildStdout) -> Result<u16> {
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .context("cannot read moto's port")?;
    line.trim()
        .strip_prefix("PORT ")
        .and_then(|port| port.parse().ok())
        .with_context(|| format!("the launcher said {line:?} instead of its port"))
}

/// The Python that has moto installed: the one named in moto_server's `#!` line (a virtualenv's
/// scripts point at its own interpreter), else `python3` from PATH.
fn interpreter_of(script: &Path) -> PathBuf {
    std::fs::read_to_string(script)
        .ok()
        .and_then(|text| {
            let first = text.lines().next()?.strip_prefix("#!")?.trim().to_owned();
            // `#!/usr/bin/env python3` names the interpreter as its argument.
            let mut words = first.split_whitespace();
            let program = words.next()?;
            let interpreter = if program.ends_with("/env") {
                words.next()?
            } else {
                program
            };
            Some(PathBuf::from(interpreter))
        })
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// Polls moto's dashboard API until it answers (any HTTP status counts as answering).
async fn wait_until_answering(endpoint: &str, timeout: Duration) -> Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .context("cannot build an HTTP client")?;
    let url = format!("{endpoint}/moto-api/");
    let deadline = Instant::now() + timeout;
    loop {
        match client.get(&url).send().await {
            Ok(_) => return Ok(()),
            Err(error) if Instant::now() >= deadline => {
                return Err(error).with_context(|| format!("{url} did not answer in {timeout:?}"));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreter_comes_from_the_shebang() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("portal-local-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir)?;
        let direct = dir.join("direct");
        std::fs::write(&direct, "#!/opt/venv/bin/python3\nimport moto\n")?;
        let env = dir.join("env");
        std::fs::write(&env, "#!/usr/bin/env python3.11\n")?;
        let none = dir.join("none");
        std::fs::write(&none, "echo hi\n")?;
        assert_eq!(
            interpreter_of(&direct),
            PathBuf::from("/opt/venv/bin/python3")
        );
        assert_eq!(interpreter_of(&env), PathBuf::from("python3.11"));
        assert_eq!(interpreter_of(&none), PathBuf::from("python3"));
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
