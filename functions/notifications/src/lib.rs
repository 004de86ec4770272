//! The notifications function: tells people, by email and text, what the outbox says they are
//! to be told, and lets them choose how.
//!
//! Five entry points share this crate (one binary each, see `Cargo.toml`):
//! - the API (routes below, kept in step with `template.yaml` by the consistency test):
//!   - `GET  /patients/{patientId}/notification-preferences` — the caller's channels per kind.
//!   - `PUT  /patients/{patientId}/notification-preferences` — change them.
//!   - `GET  /staff/patients/{patientId}/notification-deliveries` — what was sent, never content.
//!   - `POST /notifications/unsubscribe` — the signed link in an email (no sign-in).
//! - [`deliver`]: the table's stream (outbox inserts) → one send per recipient, once.
//! - [`release_due`]: scheduled; due reminders and texts held over quiet hours become sendable.
//! - [`record_ses_events`]: SES bounces and complaints (through SNS) suppress an address.
//! - [`cognito_messages::answer`]: the user pool's CustomMessage trigger writes Cognito's own
//!   emails (staff invitation, password reset) from our templates, in the user's language.

pub mod cognito_messages;
mod config;
pub mod contacts;
pub mod content;
pub mod delivery_log;
mod person;
pub mod preferences;
pub mod release;
mod routes;
pub mod sender;
pub mod ses_events;
pub mod suppression;
pub mod unsubscribe_token;

use aws_config::SdkConfig;
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch, dispatch_public};
use serde::Serialize;

pub use crate::cognito_messages::CognitoMessageSettings;
pub use crate::config::NotifySettings;

pub const GET_PREFERENCES: Route =
    Route::new("GET", "/patients/{patientId}/notification-preferences");
pub const PUT_PREFERENCES: Route =
    Route::new("PUT", "/patients/{patientId}/notification-preferences");
pub const LIST_DELIVERIES: Route =
    Route::new("GET", "/staff/patients/{patientId}/notification-deliveries");
pub const UNSUBSCRIBE: Route = Route::new("POST", "/notifications/unsubscribe");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    GET_PREFERENCES,
    PUT_PREFERENCES,
    LIST_DELIVERIES,
    UNSUBSCRIBE,
];

/// Where links point when `WEB_ORIGIN` is not set (the local web app's dev server).
pub(crate) const LOCAL_WEB_ORIGIN: &str = "http://127.0.0.1:5173";

/// Built once per process (in each binary's `main`, or by the local stack) and shared.
pub struct Deps {
    pub platform: Platform,
    pub notify: NotifySettings,
    pub ses: aws_sdk_sesv2::Client,
    pub sns: aws_sdk_sns::Client,
    /// Staff members' emails (staff notifications), in `notify.user_pool_id`.
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    /// The web app's origin, which every link in a notification starts with.
    pub web_origin: String,
}

impl Deps {
    /// What every binary of this function starts with: its settings from the environment
    /// (refusing to start on a bad one) and clients from the Lambda's AWS configuration.
    pub async fn from_env() -> Result<Self, portal_shared::platform::config::ConfigError> {
        let settings = Settings::from_env()?;
        let notify = NotifySettings::from_env()?;
        let sdk = portal_shared::platform::aws::sdk_config().await;
        Ok(Deps::new(&settings, &notify, &sdk))
    }

    pub fn new(settings: &Settings, notify: &NotifySettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
            notify: notify.clone(),
            ses: aws_sdk_sesv2::Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            web_origin: settings
                .web_origin
                .clone()
                .unwrap_or_else(|| LOCAL_WEB_ORIGIN.to_owned()),
        }
    }
}

/// The API's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    // The unsubscribe link works without signing in: no caller, the token is the proof.
    if routes::is_public(&request) {
        return dispatch_public(request, |incoming| async move {
            routes::unsubscribe::handle(deps, &incoming).await
        })
        .await;
    }
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(GET_PREFERENCES) {
            routes::read_preferences::handle(deps, &call).await
        } else if call.is(PUT_PREFERENCES) {
            routes::update_preferences::handle(deps, &call).await
        } else if call.is(LIST_DELIVERIES) {
            routes::deliveries::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}

/// What one stream batch came to (for the log).
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub records: usize,
    pub sent: usize,
    pub suppressed: usize,
    pub deferred: usize,
    pub failed: usize,
    pub duplicates: usize,
}

/// Sends what a batch of the table's stream records (outbox inserts) announce. Records that
/// could not be handled are named in the response (partial batch failure) for the stream to
/// retry; everything else is done, once, whatever the number of deliveries.
pub async fn deliver(
    deps: &Deps,
    event: StreamEvent,
    now: Timestamp,
) -> (DynamoDbEventResponse, DeliveryReport) {
    sender::batch::deliver_batch(deps, event, now).await
}

/// What one scheduled release came to.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseReport {
    pub reminders: usize,
    pub deferred: usize,
    pub failed: usize,
}

/// Turns reminders due by `now` (and texts held over quiet hours that may now go) into outbox
/// records, which the stream carries to [`deliver`].
pub async fn release_due(deps: &Deps, now: Timestamp) -> Result<ReleaseReport, ApiError> {
    release::release_due(deps, now).await
}

/// What one batch of SES events came to.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SesEventReport {
    pub bounces: usize,
    pub complaints: usize,
    pub ignored: usize,
}

/// Records SES bounce and complaint events (delivered through the SNS topic the configuration
/// set publishes to): the address is suppressed and the contact marked undeliverable.
pub async fn record_ses_events(
    deps: &Deps,
    event: SnsEvent,
    now: Timestamp,
) -> Result<SesEventReport, ApiError> {
    ses_events::record(deps, event, now).await
}
