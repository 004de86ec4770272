//! Runs the template's scheduled functions locally, as EventBridge would: every function with
//! `Schedule` events (`rate(...)`, read from the template) runs its registered job (see
//! `registry::job_for`) once per period, one run at a time, each within the function's timeout.
//! A run that fails, panics or times out is logged and the next period runs as usual.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use futures::FutureExt as _;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use crate::registry::{self, Job};
use crate::stack::{FunctionConfig, Stack};

/// The running schedules. Dropping it (or [`Scheduler::stop`]) stops them.
#[derive(Debug, Default)]
pub struct Scheduler {
    tasks: Vec<JoinHandle<()>>,
}

/// One scheduled function, ready to run.
struct Scheduled {
    function: String,
    every: Duration,
    timeout: Duration,
    job: Arc<dyn Job>,
}

impl Scheduler {
    /// Builds every scheduled function's job (failing start-up if one has none registered or
    /// its configuration is refused) and starts its timer on the current runtime. The first
    /// run comes one period after start-up, as with a new EventBridge rule.
    pub fn start(stack: &Stack) -> Result<Scheduler> {
        let mut scheduled = Vec::new();
        for function in stack.template.functions.iter() {
            let id = &function.logical_id;
            for schedule in &function.schedules {
                let FunctionConfig {
                    binary,
                    env,
                    settings,
                } = stack.function_config(function)?;
                let Some(job) = registry::job_for(&binary, &settings, &stack.sdk, &env) else {
                    bail!(
                        "function {id} (binary `{binary}`) is scheduled but has no job: register \
                         it in infra/local/src/registry.rs"
                    );
                };
                tracing::info!(function = %id, schedule = %schedule.expression, "scheduled");
                scheduled.push(Scheduled {
                    function: format!("{id}/{}", schedule.name),
                    every: schedule.every,
                    timeout: Duration::from_secs(function.timeout_seconds),
                    job,
                });
            }
        }
        Ok(Scheduler {
            tasks: scheduled.into_iter().map(run_every).collect(),
        })
    }

    /// How many schedules run.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    pub fn stop(self) {}
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn run_every(scheduled: Scheduled) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut timer = tokio::time::interval_at(
            tokio::time::Instant::now() + scheduled.every,
            scheduled.every,
        );
        // A run longer than the period delays the next one, never stacks runs up.
        timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            run_once(&scheduled).await;
        }
    })
}

async fn run_once(scheduled: &Scheduled) {
    let function = scheduled.function.as_str();
    let run = std::panic::AssertUnwindSafe(scheduled.job.run()).catch_unwind();
    match tokio::time::timeout(scheduled.timeout, run).await {
        Ok(Ok(Ok(summary))) => tracing::info!(function, %summary, "scheduled run"),
        Ok(Ok(Err(error))) => {
            tracing::error!(function, error = %format!("{error:#}"), "scheduled run failed")
        }
        Ok(Err(_panic)) => tracing::error!(function, "scheduled run panicked"),
        Err(_elapsed) => tracing::error!(function, "scheduled run timed out"),
    }
}
