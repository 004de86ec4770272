//! The platform layer: what any Lambda function behind API Gateway needs, whatever the feature.
//! AWS clients and configuration, logs, the HTTP request and problem+json responses, DynamoDB
//! keys and item mapping, cursors and pages, ETags and Idempotency-Key, and the feature gate
//! (the cached feature switches a function's gated routes are checked against).
//!
//! It knows nothing of who may do what (that is [`crate::policy`]); [`http`] only builds the
//! caller from the authorizer's claims.

pub mod attempt_limit;
pub mod aws;
pub mod clock;
pub mod config;
pub mod cors;
pub mod cursor;
pub mod day_range;
pub mod error;
pub mod etag;
pub mod feature_gate;
pub mod http;
pub mod idempotency;
pub mod keys;
pub mod pagination;
pub mod refreshing;
pub mod response_targets;
pub mod revocation;
pub mod secrets;
pub mod store;
pub mod telemetry;
pub mod validation;
pub mod write;
