//! The local stack: emulated AWS (moto), provisioning from `template.yaml`, demo data, and a
//! local API Gateway that runs every function's handler in-process.
//!
//! For a test harness:
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! use portal_local::{BackgroundStack, StartOptions, identity};
//!
//! // Once per test binary (e.g. in a `static LazyLock`): moto, tables, pool, gateway.
//! let local = BackgroundStack::start(StartOptions::unique("e2e"), "127.0.0.1:0".parse()?)?;
//! let token = local
//!     .run(|stack| async move {
//!         identity::create_staff_user(&stack, "fd@t.test", "F", "D", &["front-desk"], "Pass-word-12!").await?;
//!         identity::sign_in(&stack, "fd@t.test", "Pass-word-12!").await
//!     })
//!     .await?;
//! let response = reqwest::Client::new()
//!     .get(format!("{}/staff/profile-changes", local.api_url))
//!     .bearer_auth(token)
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```
//! Within a single runtime, [`LocalStack::start`] and [`Gateway::serve`] do the same steps.

pub mod authorizer;
pub mod background;
pub mod cfn;
pub mod claims;
pub mod cors;
pub mod demo_event;
pub mod event;
pub mod functions_env;
pub mod gateway;
pub mod gateway_responses;
pub mod identity;
pub mod local_stack;
pub mod moto;
pub mod provision;
pub mod registry;
pub mod resolve;
pub mod routes;
pub mod scheduler;
pub mod secret;
pub mod seed;
pub mod seed_education;
pub mod seed_feedback;
pub mod seed_refills;
pub mod seed_schedule;
pub mod seed_support;
pub mod sent;
pub mod stack;
pub mod stack_file;
pub mod stream_filter;
pub mod streams;
pub mod template;
pub mod topics;
pub mod totp;
pub mod web;

pub use background::BackgroundStack;
pub use gateway::Gateway;
pub use local_stack::{LocalStack, StartOptions};
pub use moto::{Moto, MotoOptions};
pub use scheduler::Scheduler;
pub use stack::Stack;
pub use stack_file::StackFile;
pub use template::Template;
