//! The end-to-end harness: `spawn_app()` starts the emulator, provisions `template.yaml` under a
//! unique prefix and serves the local API Gateway — once per test run — and hands every test a
//! client that acts as any demo role. Tests isolate themselves by registering their own
//! patients (`new_patient`), never by sharing one.

pub mod aws_calls;
pub mod fhir;
pub mod round_trips;

mod accounts;
mod app;
mod assertions;
mod bodies;
mod faults;
mod mailbox;
mod notifications;
mod parts;
mod secrets;
mod stored;
mod template;

pub use accounts::*;
pub use app::*;
pub use assertions::*;
pub use bodies::*;
pub use mailbox::*;
pub use parts::*;
pub use secrets::*;
pub use stored::*;
pub use template::*;

pub use reqwest::Method;
