//! What every portal function shares.
//!
//! A function's handler goes: [`http::RequestContext`] (caller from the authorizer's claims) →
//! parse the body into validated domain types ([`http::json_body`]) → [`authz::Authorizer`]
//! (decides and writes the audit event) → domain and storage ([`keys`], [`store`]) → a response
//! or an [`error::ApiError`] rendered as problem+json.

pub mod account;
pub mod audit;
pub mod authz;
pub mod aws;
pub mod caller;
pub mod care_circle;
pub mod config;
pub mod cursor;
pub mod directory;
pub mod error;
pub mod etag;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod keys;
pub mod notification;
pub mod one_time_code;
pub mod pagination;
pub mod person;
pub mod platform;
pub mod practice;
pub mod profile_facts;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod timestamp;
pub mod validation;

pub use error::ApiError;
