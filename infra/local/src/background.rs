//! A local stack and its gateway on a thread and runtime of their own.
//!
//! `#[tokio::test]` gives every test its own runtime, which ends with the test. A gateway or
//! SDK client created on one test's runtime stops working when that test ends, so a stack
//! shared by many tests (a `static`) must live on a runtime that outlives them all: this one.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::mpsc;

use anyhow::{Context, Result};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::gateway::Gateway;
use crate::local_stack::{LocalStack, StartOptions};
use crate::scheduler::Scheduler;
use crate::stack::Stack;

/// A running stack and gateway. Dropping it stops both; if it is never dropped (a `static`),
/// moto still stops when the process exits.
pub struct BackgroundStack {
    /// The provisioned stack (clients made from it belong to the background runtime: use
    /// [`BackgroundStack::run`] to call AWS from a test).
    pub stack: Stack,
    /// Where the gateway listens.
    pub addr: SocketAddr,
    /// `http://<addr>`, the API's base URL.
    pub api_url: String,
    runtime: Handle,
    shutdown: Option<oneshot::Sender<()>>,
}

impl BackgroundStack {
    /// Starts moto, provisions the template and serves the gateway on `addr` (port 0: any free
    /// port). Blocks until everything is up; callable from sync or async code.
    pub fn start(options: StartOptions, addr: SocketAddr) -> Result<BackgroundStack> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("portal-local".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
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
                    let started = async {
                        let floor = options.timeout_floor;
                        let run_schedules = options.run_schedules;
                        let local = LocalStack::start(options).await?;
                        let (addr, server) = Gateway::with_timeout_floor(&local.stack, floor)?
                            .listen(addr)
                            .await?;
                        let scheduler = if run_schedules {
                            Scheduler::start(&local.stack)?
                        } else {
                            Scheduler::default()
                        };
                        anyhow::Ok((local, addr, server, scheduler))
                    };
                    match started.await {
                        Ok((local, addr, server, scheduler)) => {
                            let _ =
                                ready_tx.send(Ok((local.stack.clone(), addr, Handle::current())));
                            // Runs until the handle is dropped (or forever, for a static).
                            let _ = shutdown_rx.await;
                            scheduler.stop();
                            server.abort();
                            local.stop();
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .context("cannot start the local stack's thread")?;

        let (stack, addr, runtime) = ready_rx
            .recv()
            .context("the local stack's thread ended before it was ready")??;
        Ok(BackgroundStack {
            stack,
            addr,
            api_url: format!("http://{addr}"),
            runtime,
            shutdown: Some(shutdown_tx),
        })
    }

    /// Runs `work` with the stack on the background runtime, e.g. creating a user or signing in:
    /// `background.run(|s| async move { identity::sign_in(&s, email, pw).await }).await?`.
    pub async fn run<F, Fut, T>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Stack) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.runtime
            .spawn(work(self.stack.clone()))
            .await
            .context("the background task failed")?
    }
}

impl Drop for BackgroundStack {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
