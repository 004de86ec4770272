//! A patient's upcoming and past appointments, and the staff day view.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::authz::Action;
use portal_shared::http::{Call, json};
use portal_shared::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::pagination::PageRequest;
use portal_shared::timestamp::Timestamp;
use portal_shared::validation::FieldErrors;
use serde::Serialize;

use crate::Deps;
use crate::schedule;
use crate::view::AppointmentView;

/// `?when=upcoming` (default: booked visits from now, soonest first) or `?when=past` (visits
/// that started before now, cancelled ones included, most recent first); `limit`, `cursor`.
pub async fn patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::ReadAppointments, "appointments")
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DayEntry {
    appointment_id: AppointmentId,
    patient_id: PatientId,
    provider_id: ProviderId,
    visit_type: String,
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
/// the day's booked visits in time order, with who has checked in. Each patient listed is an
/// access to their data, audited in their log.
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
    let date = date.to_string();
    let units = deps.repo().day(&date).await?;
    let items: Vec<DayEntry> = units
        .into_iter()
        .filter(|unit| unit.head && provider.is_none_or(|p| p == unit.provider_id))
        .map(|unit| DayEntry {
            appointment_id: unit.appointment_id,
            patient_id: unit.patient_id,
            provider_id: unit.provider_id,
            visit_type: unit.visit_type,
            start: unit.start,
            end: unit.end,
            checked_in: unit.checked_in,
        })
        .collect();
    let reached: Vec<(PatientId, String)> = items
        .iter()
        .map(|entry| {
            (
                entry.patient_id,
                format!("appointments/{}", entry.appointment_id),
            )
        })
        .collect();
    if !reached.is_empty() {
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    json(
        StatusCode::OK,
        &Day {
            date,
            time_zone: &deps.practice.zone_name,
            items,
        },
    )
}
