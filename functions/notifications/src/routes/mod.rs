//! The API's handlers, one per route, and what their answers share.

pub mod deliveries;
pub mod read_preferences;
pub mod unsubscribe;
pub mod update_preferences;
mod view;

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use crate::UNSUBSCRIBE;

/// Whether `request` came in on the public unsubscribe route (no authorizer ran).
pub fn is_public(request: &Request) -> bool {
    let resource = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.resource_path.clone(),
        _ => None,
    };
    resource.as_deref() == Some(UNSUBSCRIBE.path) && request.method().as_str() == UNSUBSCRIBE.method
}
