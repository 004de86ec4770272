//! The API's handlers, one per route, and what their answers share.

pub mod deliveries;
pub mod read_preferences;
pub mod unsubscribe;
pub mod update_preferences;
mod view;

use lambda_http::Request;

use crate::UNSUBSCRIBE;

/// Whether `request` came in on the public unsubscribe route (no authorizer ran).
pub fn is_public(request: &Request) -> bool {
    portal_shared::platform::http::is_public_route(request, &[UNSUBSCRIBE])
}
