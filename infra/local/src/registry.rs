//! Which Rust handler serves which function of the template, and which job a scheduled
//! function runs.
//!
//! The key is the function's `Metadata.BuildProperties.Binary` (the cargo binary that
//! `sam build` packages), so the gateway runs the very crate that is deployed for that function.
//! Adding a function with `Api` events to the template without a handler here makes the gateway
//! refuse to start; a function with `Schedule` events needs a job (see `scheduler`).

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::SdkConfig;
use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use portal_shared::platform::config::{ConfigError, Settings, UserPoolSettings};

/// A function's handler with its dependencies, built once at start-up.
pub trait Handler: Send + Sync {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>>;
}

/// Checks the settings a function reads beyond the shared ones (from its resolved environment
/// `env`), so a bad template fails start-up naming the variable.
pub fn check_config(binary: &str, env: &HashMap<String, String>) -> Result<(), ConfigError> {
    match binary {
        "auth" | "staff" => {
            UserPoolSettings::from_lookup(|name| env.get(name).cloned()).map(|_| ())
        }
        "messages" => {
            portal_messages::MessagingSettings::from_lookup(|name| env.get(name).cloned())
                .map(|_| ())
        }
        "records" => {
            portal_records::RecordsSettings::from_lookup(|name| env.get(name).cloned()).map(|_| ())
        }
        "appointments" | "waitlist-sweeper" => {
            portal_appointments::PracticeSettings::from_lookup(|name| env.get(name).cloned())
                .map(|_| ())
        }
        _ => Ok(()),
    }
}

/// Builds the handler of the function whose binary is `binary`, or `None` if none is registered
/// (or its own settings are missing from `env`: see [`check_config`]).
pub fn handler_for(
    binary: &str,
    settings: &Settings,
    sdk: &SdkConfig,
    env: &HashMap<String, String>,
) -> Option<Arc<dyn Handler>> {
    match binary {
        "auth" => {
            let auth = UserPoolSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Auth(portal_auth::Deps::new(settings, &auth, sdk))))
        }
        "staff" => {
            let pool = UserPoolSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Staff(portal_staff::Deps::new(
                settings, &pool, sdk,
            ))))
        }
        "profile" => Some(Arc::new(Profile(portal_profile::Deps::new(settings, sdk)))),
        "audit" => Some(Arc::new(Audit(portal_audit::Deps::new(settings, sdk)))),
        "care-circle" => Some(Arc::new(CareCircle(portal_care_circle::Deps::new(
            settings, sdk,
        )))),
        "messages" => {
            let messaging =
                portal_messages::MessagingSettings::from_lookup(|name| env.get(name).cloned())
                    .ok()?;
            Some(Arc::new(Messages(portal_messages::Deps::new(
                settings, &messaging, sdk,
            ))))
        }
        "records" => {
            let records =
                portal_records::RecordsSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Records(portal_records::Deps::new(
                settings, &records, sdk,
            ))))
        }
        "appointments" => {
            let practice =
                portal_appointments::PracticeSettings::from_lookup(|name| env.get(name).cloned())
                    .ok()?;
            Some(Arc::new(Appointments(portal_appointments::Deps::new(
                settings, practice, sdk,
            ))))
        }
        _ => None,
    }
}

/// A scheduled function's work, as its binary's `main` runs it on each scheduled event. The
/// summary it returns goes to the local stack's log.
pub trait Job: Send + Sync {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>>;
}

/// Builds the job of the scheduled function whose binary is `binary`, or `None` if none is
/// registered (or its settings are missing from `env`).
pub fn job_for(
    binary: &str,
    settings: &Settings,
    sdk: &SdkConfig,
    env: &HashMap<String, String>,
) -> Option<Arc<dyn Job>> {
    match binary {
        "waitlist-sweeper" => {
            let practice =
                portal_appointments::PracticeSettings::from_lookup(|name| env.get(name).cloned())
                    .ok()?;
            Some(Arc::new(WaitlistSweeper(portal_appointments::Deps::new(
                settings, practice, sdk,
            ))))
        }
        _ => None,
    }
}

struct WaitlistSweeper(portal_appointments::Deps);

impl Job for WaitlistSweeper {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let report = portal_appointments::sweep(&self.0, now)
                .await
                .map_err(|error| anyhow::anyhow!("sweep failed: {}", error.slug()))?;
            Ok(serde_json::to_string(&report)?)
        })
    }
}

struct Profile(portal_profile::Deps);

impl Handler for Profile {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_profile::handle(&self.0, request))
    }
}

struct Audit(portal_audit::Deps);

impl Handler for Audit {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_audit::handle(&self.0, request))
    }
}

struct CareCircle(portal_care_circle::Deps);

impl Handler for CareCircle {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_care_circle::handle(&self.0, request))
    }
}

struct Auth(portal_auth::Deps);

impl Handler for Auth {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_auth::handle(&self.0, request))
    }
}

struct Staff(portal_staff::Deps);

impl Handler for Staff {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_staff::handle(&self.0, request))
    }
}

struct Messages(portal_messages::Deps);

impl Handler for Messages {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_messages::handle(&self.0, request))
    }
}

struct Records(portal_records::Deps);

impl Handler for Records {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_records::handle(&self.0, request))
    }
}

struct Appointments(portal_appointments::Deps);

impl Handler for Appointments {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_appointments::handle(&self.0, request))
    }
}
