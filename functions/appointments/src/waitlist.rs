//! The waitlist: a patient with a booked appointment asks for an earlier slot (same provider and
//! visit type). When a slot frees up (a cancellation, a reschedule, an accepted offer), the
//! first waiting patient whose appointment is later gets an offer: the slot's units are held for
//! them for `WAITLIST_OFFER_MINUTES`, and a notification record (ids, date and time only) is
//! written for a sender. Accepting moves the appointment in one transaction; an offer answered
//! after it lapsed passes to the next waiting patient. A lapsed hold never blocks anyone: booking
//! and the slot search treat it as free.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::authz::Action;
use portal_shared::http::{Call, json};
use portal_shared::ids::{AppointmentId, ProviderId};
use portal_shared::store::{Transacted, transact};
use portal_shared::timestamp::Timestamp;
use serde::Serialize;

use crate::Deps;
use crate::booking::{busy, load, slot_taken, unit_of};
use crate::repo::{Appointment, Offer, SlotUnit, Status, WaitlistEntry};
use crate::schedule;
use crate::view::AppointmentView;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryView {
    appointment_id: AppointmentId,
    requested_at: Timestamp,
    /// A slot held for this appointment, while the offer lasts.
    offer: Option<Offer>,
}

impl EntryView {
    fn new(entry: &WaitlistEntry, now: Timestamp) -> Self {
        EntryView {
            appointment_id: entry.appointment_id,
            requested_at: entry.requested_at,
            offer: entry.offer.filter(|offer| offer.until >= now),
        }
    }
}

/// `POST .../{appointmentId}/waitlist`: 201 with the entry; 200 when it is waiting already.
pub async fn join(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    let now = Timestamp::now();
    if appointment.status != Status::Booked || appointment.start <= now {
        return Err(ApiError::Conflict(
            "Only a booked, upcoming appointment can wait for an earlier slot.".into(),
        ));
    }
    let repo = deps.repo();
    if let Some(entry) = repo.waitlist_entry(&appointment).await? {
        return json(StatusCode::OK, &EntryView::new(&entry, now));
    }
    let entry = WaitlistEntry {
        appointment_id: appointment.appointment_id,
        patient_id: appointment.patient_id,
        provider_id: appointment.provider_id,
        visit_type: appointment.visit_type.clone(),
        current_start: appointment.start,
        requested_at: now,
        offer: None,
    };
    let read_version = appointment.version;
    appointment.waitlisted_at = Some(now);
    appointment.version += 1;
    let items = vec![
        repo.replace_appointment(&appointment, read_version)?,
        repo.put_entry(&entry, true)?,
    ];
    match transact(&deps.platform.dynamo, items).await? {
        Transacted::Done => json(StatusCode::CREATED, &EntryView::new(&entry, now)),
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(busy()),
    }
}

/// `GET .../{appointmentId}/waitlist`: the entry and any offer in force; 404 when not waiting.
pub async fn show(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, appointment) = load(deps, call, Action::ReadAppointments).await?;
    let entry = deps
        .repo()
        .waitlist_entry(&appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    json(StatusCode::OK, &EntryView::new(&entry, Timestamp::now()))
}

/// `POST .../{appointmentId}/waitlist/accept`: moves the appointment into the held slot (the
/// held units taken, the old ones freed, the entry removed, in one transaction); the freed slot
/// is offered on in turn. A lapsed offer is 409 and goes to the next waiting patient.
pub async fn accept(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    let repo = deps.repo();
    let mut entry = repo
        .waitlist_entry(&appointment)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = Timestamp::now();
    let Some(offer) = entry.offer else {
        return Err(ApiError::Conflict(
            "There is no offer for this appointment yet.".into(),
        ));
    };
    if offer.until < now {
        entry.offer = None;
        // Best effort: the entry may have gone meanwhile; the offer passes on either way.
        let _ = transact(&deps.platform.dynamo, vec![repo.put_entry(&entry, false)?]).await?;
        offer_freed(
            deps,
            appointment.provider_id,
            offer.start,
            &appointment.visit_type,
            Some(appointment.appointment_id),
        )
        .await;
        return Err(ApiError::Conflict(
            "This offer has lapsed and passed to the next patient waiting.".into(),
        ));
    }
    if appointment.status != Status::Booked {
        return Err(ApiError::Conflict("This appointment was cancelled.".into()));
    }
    let visit = schedule::visit_type(&appointment.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
    let old_start = appointment.start;
    let old_units = schedule::units(old_start, visit.minutes);
    let old_reminder = appointment.reminder_at;
    let read_version = appointment.version;
    appointment.start = offer.start;
    appointment.end = schedule::plus_minutes(offer.start, visit.minutes);
    appointment.check_in = None;
    appointment.waitlisted_at = None;
    appointment.reminder_at = Some(schedule::reminder_at(offer.start, now));
    appointment.version += 1;
    let new_units = schedule::units(appointment.start, visit.minutes);
    let zone_date = schedule::local_date(&deps.practice.zone, appointment.start).to_string();
    let mut items = vec![repo.replace_appointment(&appointment, read_version)?];
    for at in old_units.iter().filter(|at| !new_units.contains(at)) {
        items.push(repo.free_unit(appointment.provider_id, *at, appointment.appointment_id)?);
    }
    let first_new = items.len();
    for (index, at) in new_units.iter().enumerate() {
        let unit = unit_of(&appointment, index == 0);
        items.push(if old_units.contains(at) {
            repo.rewrite_unit(&unit, *at, &zone_date)?
        } else {
            repo.take_held_unit(&unit, *at, &zone_date)?
        });
    }
    items.push(repo.delete_entry(&entry)?);
    items.push(repo.update_counter(
        access.patient(),
        appointment.appointment_id,
        Some(appointment.start),
    )?);
    if old_reminder != appointment.reminder_at {
        items.extend(repo.delete_reminder(old_reminder, appointment.appointment_id)?);
        items.extend(repo.put_reminder(&appointment)?);
    }
    match transact(&deps.platform.dynamo, items).await? {
        Transacted::Done => {
            offer_freed(
                deps,
                appointment.provider_id,
                old_start,
                &appointment.visit_type,
                None,
            )
            .await;
            json(StatusCode::OK, &AppointmentView::new(&appointment))
        }
        Transacted::ConditionsFailed(failed)
            if failed
                .iter()
                .any(|index| *index >= first_new && *index < first_new + new_units.len()) =>
        {
            Err(slot_taken())
        }
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(busy()),
    }
}

/// Offers a slot that has just been freed to the first waiting patient it suits (same visit
/// type, appointment later than the slot, no offer in force; never `skip`). Called after the
/// freeing transaction succeeded: a failure here is logged and leaves the slot simply open.
pub async fn offer_freed(
    deps: &Deps,
    provider: ProviderId,
    slot_start: Timestamp,
    visit_type: &str,
    skip: Option<AppointmentId>,
) {
    if let Err(error) = try_offer(deps, provider, slot_start, visit_type, skip).await {
        tracing::warn!(provider = %provider, problem = error.slug(), "waitlist offer not made");
    }
}

async fn try_offer(
    deps: &Deps,
    provider: ProviderId,
    slot_start: Timestamp,
    visit_type: &str,
    skip: Option<AppointmentId>,
) -> Result<(), ApiError> {
    let now = Timestamp::now();
    let Some(visit) = schedule::visit_type(visit_type) else {
        return Ok(());
    };
    if slot_start <= now {
        return Ok(());
    }
    let repo = deps.repo();
    let waiting = repo.waitlist(provider).await?;
    let Some(entry) = waiting.into_iter().find(|entry| {
        Some(entry.appointment_id) != skip
            && entry.visit_type == visit.id
            && entry.current_start > slot_start
            && entry.offer.is_none_or(|offer| offer.until < now)
    }) else {
        return Ok(());
    };
    let offer = Offer {
        start: slot_start,
        until: now.plus(deps.practice.offer_hold),
    };
    let zone_date = schedule::local_date(&deps.practice.zone, slot_start).to_string();
    let held = Appointment {
        appointment_id: entry.appointment_id,
        patient_id: entry.patient_id,
        provider_id: provider,
        provider_name: String::new(),
        visit_type: visit.id.to_owned(),
        start: slot_start,
        end: schedule::plus_minutes(slot_start, visit.minutes),
        reason: String::new(),
        status: Status::Booked,
        booked_at: now,
        booked_by: String::new(),
        cancelled_at: None,
        check_in: None,
        waitlisted_at: None,
        reminder_at: None,
        version: 0,
    };
    let mut items = Vec::new();
    for at in schedule::units(slot_start, visit.minutes) {
        let unit = SlotUnit {
            head: false,
            hold_until: Some(offer.until),
            ..unit_of(&held, false)
        };
        items.push(repo.take_unit(&unit, at, &zone_date)?);
    }
    let mut offered = entry.clone();
    offered.offer = Some(offer);
    items.push(repo.put_entry(&offered, false)?);
    items.push(repo.put_offer_notification(&entry, offer, now)?);
    // Taken meanwhile, or the entry went: nothing to offer, nothing written.
    transact(&deps.platform.dynamo, items).await?;
    Ok(())
}
