//! JSON logs for CloudWatch. What may be logged: ids (request, user sub, patient id, event id),
//! routes, status codes, durations, problem kinds. Never bodies, tokens, names, contact details
//! or dates of birth: the portal's handlers log through `http::dispatch` and `audit`, which
//! keep to that list.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber; the level comes from `RUST_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_target(false)
        .with_current_span(false)
        .flatten_event(true)
        .try_init();
}
