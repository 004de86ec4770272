//! Which Rust handler serves which function of the template, and which job a scheduled
//! function runs.
//!
//! The key is the function's `Metadata.BuildProperties.Binary` (the cargo binary that
//! `sam build` packages), so the gateway runs the very crate that is deployed for that function.
//! Adding a function with `Api` events to the template without a handler here makes the gateway
//! refuse to start; a function with `Schedule` events needs a job (see `scheduler`); a user
//! pool trigger needs a [`CognitoTrigger`] (the template test checks it, as the emulator invokes
//! no trigger).

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
        "notifications"
        | "notification-sender"
        | "notification-release"
        | "notification-bounces" => {
            portal_notifications::NotifySettings::from_lookup(|name| env.get(name).cloned())
                .map(|_| ())
        }
        "notification-cognito-messages" => {
            portal_notifications::CognitoMessageSettings::from_lookup(|name| env.get(name).cloned())
                .map(|_| ())
        }
        // The job counts invitations by the practice's days: its zone must be set.
        "invitation-waves" => portal_shared::domain::practice::PracticeZone::from_lookup(|name| {
            env.get(name).cloned()
        })
        .map(|_| ())
        .map_err(|problem| ConfigError {
            problems: vec![problem],
        }),
        "appointments" | "waitlist-sweeper" => {
            portal_appointments::PracticeSettings::from_lookup(|name| env.get(name).cloned())
                .map(|_| ())
        }
        "feedback" => portal_feedback::FeedbackSettings::from_lookup(|name| env.get(name).cloned())
            .map(|_| ()),
        "support" | "announcements" | "digest" => {
            portal_support::SupportSettings::from_lookup(|name| env.get(name).cloned()).map(|_| ())
        }
        "refills" => {
            portal_refills::RefillSettings::from_lookup(|name| env.get(name).cloned()).map(|_| ())
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
        "rollout" => Some(Arc::new(Rollout(portal_rollout::Deps::new(settings, sdk)))),
        "feedback" => {
            let feedback =
                portal_feedback::FeedbackSettings::from_lookup(|name| env.get(name).cloned())
                    .ok()?;
            Some(Arc::new(Feedback(portal_feedback::Deps::new(
                settings, &feedback, sdk,
            ))))
        }
        "support" => {
            let support =
                portal_support::SupportSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Support(portal_support::Deps::new(
                settings, &support, sdk,
            ))))
        }
        "refills" => {
            let refills =
                portal_refills::RefillSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Refills(portal_refills::Deps::new(
                settings, &refills, sdk,
            ))))
        }
        "education" => Some(Arc::new(Education(portal_education::Deps::new(
            settings, sdk,
        )))),
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
        "notifications" => Some(Arc::new(Notifications(notifications_deps(
            settings, sdk, env,
        )?))),
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
        "notification-release" => Some(Arc::new(NotificationRelease(notifications_deps(
            settings, sdk, env,
        )?))),
        "invitation-waves" => Some(Arc::new(InvitationWaves(portal_rollout::Deps::new(
            settings, sdk,
        )))),
        "announcements" => {
            let support =
                portal_support::SupportSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Announcements(portal_support::Deps::new(
                settings, &support, sdk,
            ))))
        }
        "digest" => {
            let support =
                portal_support::SupportSettings::from_lookup(|name| env.get(name).cloned()).ok()?;
            Some(Arc::new(Digest(portal_support::Deps::new(
                settings, &support, sdk,
            ))))
        }
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

/// A stream event source's consumer: one batch of records in, the failed items out (as the
/// function's binary answers Lambda).
pub trait StreamConsumer: Send + Sync {
    fn handle(
        &self,
        event: aws_lambda_events::event::dynamodb::Event,
    ) -> BoxFuture<'_, anyhow::Result<aws_lambda_events::event::streams::DynamoDbEventResponse>>;
}

/// Builds the consumer of the function whose binary is `binary` reads a stream, or `None` if
/// none is registered (or its settings are missing from `env`).
pub fn stream_consumer_for(
    binary: &str,
    settings: &Settings,
    sdk: &SdkConfig,
    env: &HashMap<String, String>,
) -> Option<Arc<dyn StreamConsumer>> {
    match binary {
        "notification-sender" => Some(Arc::new(NotificationSender(notifications_deps(
            settings, sdk, env,
        )?))),
        _ => None,
    }
}

/// A function subscribed to a topic: one SNS event in.
pub trait TopicConsumer: Send + Sync {
    fn handle(
        &self,
        event: aws_lambda_events::event::sns::SnsEvent,
    ) -> BoxFuture<'_, anyhow::Result<()>>;
}

/// Builds the consumer of the function whose binary is `binary` is subscribed to a topic, or
/// `None` if none is registered (or its settings are missing from `env`).
pub fn topic_consumer_for(
    binary: &str,
    settings: &Settings,
    sdk: &SdkConfig,
    env: &HashMap<String, String>,
) -> Option<Arc<dyn TopicConsumer>> {
    match binary {
        "notification-bounces" => Some(Arc::new(NotificationBounces(notifications_deps(
            settings, sdk, env,
        )?))),
        _ => None,
    }
}

/// A user pool trigger: Cognito's event in, the function's answer out (both as Cognito sends
/// and reads them).
pub trait CognitoTrigger: Send + Sync {
    fn handle(&self, event: serde_json::Value) -> serde_json::Value;
}

/// Builds the handler of the function whose binary is `binary` for the user pool trigger
/// `trigger` (`LambdaConfig`'s name, e.g. `CustomMessage`), or `None` if it serves no such
/// trigger (or its settings are missing from `env`).
pub fn cognito_trigger_for(
    binary: &str,
    trigger: &str,
    env: &HashMap<String, String>,
) -> Option<Arc<dyn CognitoTrigger>> {
    match (binary, trigger) {
        ("notification-cognito-messages", "CustomMessage") => {
            let settings = portal_notifications::CognitoMessageSettings::from_lookup(|name| {
                env.get(name).cloned()
            })
            .ok()?;
            Some(Arc::new(NotificationCognitoMessages(settings)))
        }
        _ => None,
    }
}

struct NotificationCognitoMessages(portal_notifications::CognitoMessageSettings);

impl CognitoTrigger for NotificationCognitoMessages {
    fn handle(&self, event: serde_json::Value) -> serde_json::Value {
        portal_notifications::cognito_messages::answer(event, &self.0)
    }
}

struct NotificationBounces(portal_notifications::Deps);

impl TopicConsumer for NotificationBounces {
    fn handle(
        &self,
        event: aws_lambda_events::event::sns::SnsEvent,
    ) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let report = portal_notifications::record_ses_events(&self.0, event, now)
                .await
                .map_err(|error| anyhow::anyhow!("SES events failed: {}", error.slug()))?;
            tracing::info!(report = %serde_json::to_string(&report)?, "ses events");
            Ok(())
        })
    }
}

fn notifications_deps(
    settings: &Settings,
    sdk: &SdkConfig,
    env: &HashMap<String, String>,
) -> Option<portal_notifications::Deps> {
    let notify =
        portal_notifications::NotifySettings::from_lookup(|name| env.get(name).cloned()).ok()?;
    Some(portal_notifications::Deps::new(settings, &notify, sdk))
}

struct NotificationSender(portal_notifications::Deps);

impl StreamConsumer for NotificationSender {
    fn handle(
        &self,
        event: aws_lambda_events::event::dynamodb::Event,
    ) -> BoxFuture<'_, anyhow::Result<aws_lambda_events::event::streams::DynamoDbEventResponse>>
    {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let (response, report) = portal_notifications::deliver(&self.0, event, now).await;
            tracing::info!(report = %serde_json::to_string(&report)?, "notification batch");
            Ok(response)
        })
    }
}

struct NotificationRelease(portal_notifications::Deps);

impl Job for NotificationRelease {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let report = portal_notifications::release_due(&self.0, now)
                .await
                .map_err(|error| anyhow::anyhow!("release failed: {}", error.slug()))?;
            Ok(serde_json::to_string(&report)?)
        })
    }
}

struct Notifications(portal_notifications::Deps);

impl Handler for Notifications {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_notifications::handle(&self.0, request))
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

struct InvitationWaves(portal_rollout::Deps);

impl Job for InvitationWaves {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let summary = portal_rollout::run_waves(&self.0, now)
                .await
                .map_err(|error| anyhow::anyhow!("invitation waves failed: {}", error.slug()))?;
            Ok(serde_json::to_string(&summary)?)
        })
    }
}

struct Announcements(portal_support::Deps);

impl Job for Announcements {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let summary = portal_support::publish_due(&self.0, now)
                .await
                .map_err(|error| anyhow::anyhow!("announcements failed: {}", error.slug()))?;
            Ok(serde_json::to_string(&summary)?)
        })
    }
}

struct Digest(portal_support::Deps);

impl Job for Digest {
    fn run(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async move {
            let now = portal_shared::domain::timestamp::Timestamp::now();
            let summary = portal_support::compose_digest(&self.0, now)
                .await
                .map_err(|error| anyhow::anyhow!("weekly digest failed: {}", error.slug()))?;
            Ok(serde_json::to_string(&summary)?)
        })
    }
}

struct Profile(portal_profile::Deps);

impl Handler for Profile {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_profile::handle(&self.0, request))
    }
}

struct Rollout(portal_rollout::Deps);

impl Handler for Rollout {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_rollout::handle(&self.0, request))
    }
}

struct Feedback(portal_feedback::Deps);

impl Handler for Feedback {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_feedback::handle(&self.0, request))
    }
}

struct Support(portal_support::Deps);

impl Handler for Support {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_support::handle(&self.0, request))
    }
}

struct Refills(portal_refills::Deps);

impl Handler for Refills {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_refills::handle(&self.0, request))
    }
}

struct Education(portal_education::Deps);

impl Handler for Education {
    fn call(&self, request: Request) -> BoxFuture<'_, Response<Body>> {
        Box::pin(portal_education::handle(&self.0, request))
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
