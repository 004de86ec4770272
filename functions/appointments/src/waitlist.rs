//! The waitlist's patient routes: a patient with a booked appointment asks for an earlier slot
//! (same provider and visit type), sees their entry and any offer in force, and accepts an
//! offer. How freed slots are offered, and how lapsed offers pass on, is in `offers`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::{appointment_in_path, busy, slot_taken, visit_of};
use crate::model::Status;
use crate::offers::{self, lapse, offer_freed};
use crate::store::{ChangeConflict, JoinConflict};
use crate::view::{AppointmentView, EntryView};

/// `POST .../{appointmentId}/waitlist`: 201 with the entry; 200 when it is waiting already.
pub async fn join(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) =
        appointment_in_path(deps, call, Action::ChangeAppointment).await?;
    let now = Timestamp::now();
    if appointment.status != Status::Booked || appointment.start <= now {
        return Err(ApiError::Conflict(
            "Only a booked, upcoming appointment can wait for an earlier slot.".into(),
        ));
    }
    let waitlist = deps.waitlist();
    if let Some(entry) = waitlist.entry(&access, &appointment).await? {
        return json(StatusCode::OK, &EntryView::new(&entry, now));
    }
    let (entry, read_version) = appointment.join_waitlist(now);
    match waitlist
        .join(&access, &appointment, read_version, &entry)
        .await?
    {
        Ok(()) => json(StatusCode::CREATED, &EntryView::new(&entry, now)),
        Err(JoinConflict::Changed | JoinConflict::Contention) => Err(busy()),
    }
}

/// `GET .../{appointmentId}/waitlist`: the entry and any offer in force; 404 when not waiting.
pub async fn show(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, appointment) = appointment_in_path(deps, call, Action::ReadAppointments).await?;
    let entry = deps
        .waitlist()
        .entry(&access, &appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    json(StatusCode::OK, &EntryView::new(&entry, Timestamp::now()))
}

/// `POST .../{appointmentId}/waitlist/accept`: moves the appointment into the held slot (the
/// held units taken, the old ones freed, the entry removed, the patient's notification of the
/// move written, in one transaction); the freed slot
/// is offered on in turn. A lapsed offer is 409 and goes to the next waiting patient.
pub async fn accept(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, appointment) = appointment_in_path(deps, call, Action::ChangeAppointment).await?;
    let entry = deps
        .waitlist()
        .entry(&access, &appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = Timestamp::now();
    let Some(offer) = entry.offer else {
        return Err(ApiError::Conflict(
            "There is no offer for this appointment yet.".into(),
        ));
    };
    if offer.until < now {
        // Passed on here or by a sweep running meanwhile: once either way.
        lapse(
            deps,
            &offers::following(call),
            entry.provider_id,
            entry.requested_at,
            entry.appointment_id,
            now,
        )
        .await?;
        return Err(ApiError::Conflict(
            "This offer has lapsed and passed to the next patient waiting.".into(),
        ));
    }
    if appointment.status != Status::Booked {
        return Err(ApiError::Conflict("This appointment was cancelled.".into()));
    }
    if offer.start <= now {
        // Only when the hold outlasts the slot's start (a practice's settings allow it).
        return Err(ApiError::Conflict(
            "The offered slot has already begun.".into(),
        ));
    }
    let visit = visit_of(&appointment)?;
    let appointments = deps.appointments();
    let wants_reminders = appointments.wants_reminders(&access).await?;
    let change = appointment.accept(entry, offer, visit, wants_reminders, now);
    match appointments.change(&access, &change).await? {
        Ok(freed) => {
            for slot in &freed {
                offer_freed(deps, &offers::following(call), slot).await;
            }
            json(StatusCode::OK, &AppointmentView::new(&change.appointment))
        }
        Err(ChangeConflict::SlotTaken) => Err(slot_taken()),
        Err(ChangeConflict::Changed | ChangeConflict::Contention) => Err(busy()),
    }
}
