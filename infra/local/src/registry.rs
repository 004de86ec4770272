//! Which Rust handler serves which function of the template.
//!
//! The key is the function's `Metadata.BuildProperties.Binary` (the cargo binary that
//! `sam build` packages), so the gateway runs the very crate that is deployed for that function.
//! Adding a function to the template without adding it here makes the gateway refuse to start.

use std::sync::Arc;

use aws_config::SdkConfig;
use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use portal_shared::config::Settings;

/// A function's handler with its dependencies, built once at start-up.
pub trait Handler: Send + Sync {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>>;
}

/// Builds the handler of the function whose binary is `binary`, or `None` if none is registered.
pub fn handler_for(binary: &str, settings: &Settings, sdk: &SdkConfig) -> Option<Arc<dyn Handler>> {
    match binary {
        "profile" => Some(Arc::new(Profile(portal_profile::Deps::new(settings, sdk)))),
        _ => None,
    }
}

struct Profile(portal_profile::Deps);

impl Handler for Profile {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_profile::handle(&self.0, request))
    }
}
