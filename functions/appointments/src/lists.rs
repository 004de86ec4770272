//! A patient's upcoming and past appointments, and the staff day view.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::person::LegalName;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::repo::SlotUnit;
use crate::schedule;
use crate::view::AppointmentView;

/// `?when=upcoming` (default: booked visits from now, soonest first) or `?when=past` (visits
/// that started before now, cancelled ones included, most recent first); `limit`, `cursor`.
pub async fn patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadAppointments,
            &AuditResource::Appointments,
        )
        .await?;
    let upcoming = match call.query("when").as_deref() {
        None | Some("upcoming") => true,
        Some("past") => false,
        Some(_) => return Err(ApiError::invalid("when", "must be upcoming or past")),
    };
    let scope = format!(
        "appointments:{patient}:{}",
        if upcoming { "upcoming" } else { "past" }
    );
    let page = PageRequest::from_call(call, scope, &deps.platform.cursor_key)?;
    let (appointments, last) = deps
        .repo()
        .by_start(
            &access,
            upcoming,
            Timestamp::now(),
            page.limit,
            page.start_after.clone(),
        )
        .await?;
    let views: Vec<AppointmentView> = appointments.iter().map(AppointmentView::new).collect();
    json(
        StatusCode::OK,
        &page.page(views, last, &deps.platform.cursor_key)?,
    )
}

/// `GET /patients/{patientId}/appointments/{appointmentId}`: one appointment, cancelled or
/// not, with its check-in answers (where a booking's `Location` points). 404 for an id that is
/// not this patient's.
pub async fn one(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, appointment) = crate::booking::load(deps, call, Action::ReadAppointments).await?;
    json(StatusCode::OK, &AppointmentView::new(&appointment))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DayEntry {
    appointment_id: AppointmentId,
    patient_id: PatientId,
    /// The patient's legal name (`{given, family}`), from the profile; absent only when the
    /// profile is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    patient_name: Option<LegalName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_name: Option<String>,
    provider_id: ProviderId,
    visit_type: String,
    /// Why the patient booked (as given at booking).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
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
pub async fn day(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
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
    let repo = deps.repo();
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
    let units: Vec<SlotUnit> = repo
        .day(&date, provider_day)
        .await?
        .into_iter()
        .filter(|unit| unit.head && unit.hold_until.is_none())
        .collect();
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
    let mut details = repo.visit_details(&visits).await?;
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
