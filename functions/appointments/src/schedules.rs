//! A provider's published schedule: `GET /providers/{providerId}/schedule` and
//! `PUT /staff/providers/{providerId}/schedule`. Not a patient's data: the schedule (closed
//! dates and blocks say when a provider is away) is for the staff who run or work it, the
//! front desk and clinicians; only the front desk changes it.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::{Version, required_if_match};
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::Outcome as AuditOutcome;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::checks::provider_in_path;
use crate::model::StoredSchedule;
use crate::model::schedule::{Schedule, ScheduleDoc};
use crate::store::PublishConflict;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublishedSchedule<'a> {
    provider_id: ProviderId,
    time_zone: &'a str,
    #[serde(flatten)]
    schedule: &'a StoredSchedule,
}

fn published(
    deps: &Deps,
    provider: ProviderId,
    stored: &StoredSchedule,
) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        StatusCode::OK,
        &PublishedSchedule {
            provider_id: provider,
            time_zone: &deps.practice.zone_name,
            schedule: stored,
        },
        &[(header::ETAG, Version(stored.version).etag())],
    )
}

/// `GET /providers/{providerId}/schedule`: the weekly hours, closed dates and blocks exactly as
/// published, with the ETag a replacement must send. A provider without published hours has
/// an empty schedule (`publishedAt` null) at version 0.
pub async fn read(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadSchedule)
        .await?;
    let provider = provider_in_path(call)?;
    let providers = deps.providers();
    if providers.provider(provider).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let stored = providers
        .schedule(provider)
        .await?
        .unwrap_or_else(StoredSchedule::unpublished);
    published(deps, provider, &stored)
}

/// Replaces the provider's published availability, if it is still the version the caller read
/// (`If-Match`: 428 without it, 412 when someone published meanwhile; `"0"` for a provider
/// without hours yet). Booked visits stay booked: a slot that is no longer offered keeps its
/// appointment until staff move or cancel it.
pub async fn publish(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageSchedules).await?;
    let provider = provider_in_path(call)?;
    let expected = required_if_match(call)?;
    let doc: ScheduleDoc = call.json_body()?;
    Schedule::parse(&doc)?;
    let providers = deps.providers();
    if providers.provider(provider).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let stored = StoredSchedule {
        doc,
        published_at: Some(Timestamp::now()),
        version: expected.next().0,
    };
    match providers
        .publish_schedule(provider, &stored, expected.0)
        .await?
    {
        Ok(()) => {}
        Err(PublishConflict::VersionChanged) => return Err(ApiError::PreconditionFailed),
    }
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::ProviderSchedule(provider.to_string()),
            AuditOutcome::Allowed,
        )
        .await?;
    published(deps, provider, &stored)
}
