//! What every portal function shares, in layers:
//!
//! - [`domain`]: validated values (ids, time, people, text, the practice's calendar);
//! - [`platform`]: AWS clients, config, telemetry, HTTP, errors, store, keys, cursors, pages,
//!   ETags, idempotency;
//! - [`policy`]: the caller, authorisation and audit;
//! - [`features`]: pieces one feature owns and others read (grants, profile facts, outbox).
//!
//! A function's handler goes: [`platform::http::Call`] (caller from the authorizer's claims) →
//! parse the body into validated domain types → [`policy::authz::Authorizer`] (decides and writes
//! the audit event) → domain and storage → a response or an [`ApiError`] rendered as
//! problem+json. [`Platform`] is what every function's dependencies start from.

pub mod domain;
pub mod features;
pub mod platform;
pub mod policy;
mod wiring;

pub use platform::error::{ApiError, cause_chain};
pub use wiring::Platform;
