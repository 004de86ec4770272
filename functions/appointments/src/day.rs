//! `GET /staff/appointments?date=&providerId=`: the staff day view.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::person::LegalName;
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::model::schedule;

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DayEntry {
    appointment_id: AppointmentId,
    patient_id: PatientId,
    /// The patient's legal name (`{given, family}`), from the profile; absent only when the
    /// profile is gone.
    patient_name: Option<LegalName>,
    preferred_name: Option<String>,
    provider_id: ProviderId,
    visit_type: String,
    /// Why the patient booked (as given at booking).
    reason: Option<Sensitive<String>>,
    start: Timestamp,
    end: Timestamp,
    checked_in: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Day<'a> {
    date: String,
    time_zone: &'a str,
    items: Vec<DayEntry>,
}

/// `?date=YYYY-MM-DD` (the practice's local date; default today) `&providerId=` (optional):
/// the day's booked visits in time order, with each patient's name, the visit's reason and
/// who has checked in. Each patient listed is an access to their data, audited in their log.
pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ViewDaySchedule).await?;
    let zone = &deps.practice.zone;
    let mut errors = FieldErrors::new();
    let date = match call.query("date") {
        None => Some(schedule::local_date(zone, Timestamp::now())),
        Some(raw) => errors.check(
            "date",
            schedule::parse_date(&raw).ok_or_else(|| "must be a date YYYY-MM-DD".to_owned()),
        ),
    };
    let provider = match call.query("providerId") {
        None => None,
        Some(raw) => errors.check(
            "providerId",
            ProviderId::parse(&raw)
                .map(Some)
                .ok_or_else(|| "is not a provider id".to_owned()),
        ),
    }
    .flatten();
    errors.finish()?;
    let Some(date) = date else {
        return Err(ApiError::internal("validated date missing"));
    };
    // One provider's day is read from the provider's own partition (their slot units of the
    // day), not filtered out of the whole practice's.
    let provider_day = match provider {
        None => None,
        Some(provider) => {
            let (from, to) = schedule::local_day(zone, date).ok_or_else(|| {
                ApiError::invalid("date", "is not a day of the practice's calendar")
            })?;
            Some((provider, from, to))
        }
    };
    let date = date.to_string();
    let day_view = deps.day_view();
    let units = day_view.visits(&access, &date, provider_day).await?;
    // Each patient listed is an access to their data (the visit, its reason, their name),
    // audited before any of it is read.
    let reached: Vec<(PatientId, AuditResource)> = units
        .iter()
        .map(|unit| {
            (
                unit.patient_id,
                AuditResource::appointment(unit.appointment_id),
            )
        })
        .collect();
    if !reached.is_empty() {
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    let visits: Vec<(PatientId, AppointmentId)> = units
        .iter()
        .map(|unit| (unit.patient_id, unit.appointment_id))
        .collect();
    let mut details = day_view.details(&access, &visits).await?;
    let items: Vec<DayEntry> = units
        .into_iter()
        .map(|unit| {
            let found = details.remove(&unit.appointment_id).unwrap_or_default();
            DayEntry {
                appointment_id: unit.appointment_id,
                patient_id: unit.patient_id,
                patient_name: found.legal_name,
                preferred_name: found.preferred_name,
                provider_id: unit.provider_id,
                visit_type: unit.visit_type,
                reason: found.reason,
                start: unit.start,
                end: unit.end,
                checked_in: unit.checked_in,
            }
        })
        .collect();
    json(
        StatusCode::OK,
        &Day {
            date,
            time_zone: &deps.practice.zone_name,
            items,
        },
    )
}
