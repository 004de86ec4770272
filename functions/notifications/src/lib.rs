//! The notifications function: tells people, by email and text, what the outbox says they are
//! to be told, and lets them choose how.
//!
//! Four entry points share this crate (one binary each, see `Cargo.toml`):
//! - the API (routes below, kept in step with `template.yaml` by the consistency test):
//!   - `GET  /patients/{patientId}/notification-preferences` — the caller's channels per kind.
//!   - `PUT  /patients/{patientId}/notification-preferences` — change them.
//!   - `GET  /staff/patients/{patientId}/notification-deliveries` — what was sent, never content.
//!   - `POST /notifications/unsubscribe` — the signed link in an email (no sign-in).
//! - [`deliver`]: the table's stream (outbox inserts) → one send per recipient, once.
//! - [`release_due`]: scheduled; due reminders and texts held over quiet hours become sendable.
//! - [`record_ses_events`]: SES bounces and complaints (through SNS) suppress an address.

mod config;

use aws_config::SdkConfig;
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};
use serde::Serialize;

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

/// Built once per process (in each binary's `main`, or by the local stack) and shared.
pub struct Deps {
    pub platform: Platform,
    pub notify: NotifySettings,
    pub ses: aws_sdk_sesv2::Client,
    pub sns: aws_sdk_sns::Client,
}

impl Deps {
    pub fn new(settings: &Settings, notify: &NotifySettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
            notify: notify.clone(),
            ses: aws_sdk_sesv2::Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
        }
    }
}

/// The API's router: one API Gateway event in, one response out.
pub async fn handle(_deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, |_call| async move {
        Err::<Response<Body>, _>(ApiError::NotFound)
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
    _deps: &Deps,
    _event: StreamEvent,
    _now: Timestamp,
) -> (DynamoDbEventResponse, DeliveryReport) {
    (DynamoDbEventResponse::default(), DeliveryReport::default())
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
pub async fn release_due(_deps: &Deps, _now: Timestamp) -> Result<ReleaseReport, ApiError> {
    Ok(ReleaseReport::default())
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
    _deps: &Deps,
    _event: SnsEvent,
    _now: Timestamp,
) -> Result<SesEventReport, ApiError> {
    Ok(SesEventReport::default())
}
