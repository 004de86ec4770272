//! Booking, cancelling and rescheduling. Each is one DynamoDB transaction over the slot's units,
//! the appointment and the patient's booking-limit counter: all of it happens or none of it.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, ProviderId};
use portal_shared::domain::person::clean_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::store::{Transacted, back_off, transact, transact_retrying};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship};
use serde::Deserialize;

use crate::Deps;
use crate::repo::{Appointment, FreedSlot, Provider, SlotUnit, Status};
use crate::schedule::{self, Schedule, VisitType};
use crate::view::AppointmentView;

/// Attempts at the booking transaction: when the patient's own counter moved under us (their
/// other booking in flight), or the transaction lost to a concurrent one on the same items
/// (`TransactionConflict`: says nothing about whether the slot is free), it is rebuilt and sent
/// again after a jittered back-off.
const BOOKING_ATTEMPTS: u32 = 5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BookRequest {
    provider_id: String,
    visit_type: String,
    start: Timestamp,
    reason: String,
}

pub fn slot_taken() -> ApiError {
    ApiError::Conflict("This slot was just taken; please choose another one.".into())
}

/// A booking that kept losing to concurrent transactions on the same items: the slot may well
/// be free, so this is not "slot taken".
pub fn try_again() -> ApiError {
    ApiError::Conflict(
        "Many bookings of these times are being made right now; please try again in a moment."
            .into(),
    )
}

pub fn busy() -> ApiError {
    ApiError::Conflict(
        "Another change to this appointment happened at the same time; retry.".into(),
    )
}

/// Whether the patient or a caregiver acts for themselves online (the practice's notice
/// periods apply), rather than staff.
fn online(access: &PatientAccess) -> bool {
    matches!(
        access.relationship(),
        Relationship::Own | Relationship::Caregiver
    )
}

/// Patients and caregivers act online only up to the notice period before the visit; staff any
/// time.
fn check_notice(
    deps: &Deps,
    access: &PatientAccess,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    if online(access) && now.plus(deps.practice.cancellation_notice) > start {
        return Err(ApiError::Forbidden(
            "This appointment is too close to change online; please call the practice.",
        ));
    }
    Ok(())
}

/// How long after the slot list a patient may still book its soonest slot.
const CHOOSING_GRACE: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Patients and caregivers book online only slots at least the practice's self-booking notice
/// ahead (so the practice can prepare and the patient can get there); sooner ones are the front
/// desk's, which is why they are not listed to them either.
fn check_booking_notice(
    deps: &Deps,
    access: &PatientAccess,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    let notice = deps.practice.self_booking_notice;
    // A slot listed to the patient stays bookable for the few minutes they take to choose it.
    if online(access) && start < now.plus(notice).minus(CHOOSING_GRACE) {
        return Err(ApiError::invalid(
            "start",
            format!(
                "is sooner than visits can be booked online (at least {} minutes ahead); please call the practice",
                notice.as_secs() / 60
            ),
        ));
    }
    Ok(())
}

/// The visit's start must be a slot of the provider's published hours, in the future.
async fn check_slot(
    deps: &Deps,
    provider: &Provider,
    visit: &VisitType,
    start: Timestamp,
    now: Timestamp,
) -> Result<(), ApiError> {
    let not_a_slot = || {
        ApiError::invalid(
            "start",
            "is not a future slot of this provider's published hours for this visit type",
        )
    };
    let stored = deps
        .repo()
        .schedule(provider.provider_id)
        .await?
        .ok_or_else(not_a_slot)?;
    let published = Schedule::parse(&stored.doc)?;
    let found = published.slots(
        &deps.practice.zone,
        visit.minutes,
        start,
        start.plus(std::time::Duration::from_secs(1)),
        now,
    );
    if found.first() == Some(&start) {
        Ok(())
    } else {
        Err(not_a_slot())
    }
}

pub async fn book(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::BookAppointment,
            &AuditResource::Appointments,
        )
        .await?;
    let request: BookRequest = call.json_body()?;
    let mut errors = FieldErrors::new();
    let provider_id = errors.check(
        "providerId",
        ProviderId::parse(&request.provider_id)
            .ok_or_else(|| "is not a provider of the practice".to_owned()),
    );
    let visit = errors.check(
        "visitType",
        schedule::visit_type(&request.visit_type)
            .ok_or_else(|| format!("must be one of {}", schedule::visit_type_ids())),
    );
    let reason = errors.check("reason", clean_text(&request.reason, 500, "a reason"));
    errors.finish()?;
    let (Some(provider_id), Some(visit), Some(reason)) = (provider_id, visit, reason) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    if !visit.self_bookable && !matches!(access.relationship(), Relationship::Staff(_)) {
        return Err(ApiError::Forbidden(
            "This visit type is booked by the front desk after reviewing your request; please contact the practice.",
        ));
    }
    let idempotency = Idempotency::from_call(call)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let repo = deps.repo();
    let provider = repo
        .provider(provider_id)
        .await?
        .ok_or_else(|| ApiError::invalid("providerId", "is not a provider of the practice"))?;
    if !provider.visit_types.iter().any(|v| v == visit.id) {
        return Err(ApiError::invalid(
            "visitType",
            "is not offered by this provider",
        ));
    }
    let now = Timestamp::now();
    check_booking_notice(deps, &access, request.start, now)?;
    check_slot(deps, &provider, visit, request.start, now).await?;
    // The patient's reminder preference as it is now; a later change of the preference applies
    // from the next booking or move (see the runbook).
    let reminder_at = repo
        .wants_reminders(patient)
        .await?
        .then(|| schedule::reminder_at(request.start, now));
    let appointment = Appointment {
        appointment_id: AppointmentId::generate(),
        patient_id: patient,
        provider_id,
        provider_name: provider.name.clone(),
        visit_type: visit.id.to_owned(),
        start: request.start,
        end: schedule::plus_minutes(request.start, visit.minutes),
        reason,
        status: Status::Booked,
        booked_at: now,
        booked_by: call.caller().sub.to_string(),
        cancelled_at: None,
        check_in: None,
        waitlisted_at: None,
        reminder_at,
        version: 1,
    };
    let location = call.link(&format!(
        "/patients/{patient}/appointments/{}",
        appointment.appointment_id
    ));
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&AppointmentView::new(&appointment))
            .map_err(ApiError::internal)?,
        location: Some(location),
        etag: None,
        patient_id: Some(patient),
    };
    let zone_date = schedule::local_date(&deps.practice.zone, appointment.start).to_string();
    for attempt in 1..=BOOKING_ATTEMPTS {
        if attempt > 1 {
            back_off(attempt - 1).await;
        }
        let mut counter = repo.counter(&access).await?;
        let read_version = counter.version;
        counter.upcoming.retain(|_, start| *start > now);
        if counter.upcoming.len() >= deps.practice.max_upcoming {
            return Err(ApiError::Conflict(format!(
                "At most {} upcoming appointments can be booked at once; cancel one or wait until one has passed.",
                deps.practice.max_upcoming
            )));
        }
        counter
            .upcoming
            .insert(appointment.appointment_id.to_string(), appointment.start);
        let mut items = vec![
            repo.write_counter(patient, &counter, read_version)?,
            repo.create_appointment(&appointment)?,
        ];
        for (index, at) in schedule::units(appointment.start, visit.minutes)
            .into_iter()
            .enumerate()
        {
            items.push(repo.take_unit(&unit_of(&appointment, index == 0), at, &zone_date)?);
        }
        items.extend(repo.put_reminder(&appointment)?);
        let record_index = items.len();
        if let Some(idempotency) = &idempotency {
            items.push(idempotency.record(table, &response)?);
        }
        match transact(dynamo, items).await? {
            Transacted::Done => return response.render(false),
            Transacted::ConditionsFailed(failed) => {
                if idempotency.is_some() && failed.contains(&record_index) {
                    if let Some(idempotency) = &idempotency
                        && let Some(first) = idempotency.lookup(dynamo, table).await?
                    {
                        return first.render(true);
                    }
                    return Err(busy());
                }
                if failed.iter().any(|index| *index >= 2) {
                    return Err(slot_taken());
                }
                // Only the counter moved (the patient's other booking or cancellation): again.
                continue;
            }
            // Another transaction on the same slot (or the patient's counter) was in flight:
            // nothing is known about the slot yet, so try again.
            Transacted::Contention => continue,
        }
    }
    Err(try_again())
}

pub fn unit_of(appointment: &Appointment, head: bool) -> SlotUnit {
    SlotUnit {
        appointment_id: appointment.appointment_id,
        patient_id: appointment.patient_id,
        provider_id: appointment.provider_id,
        visit_type: appointment.visit_type.clone(),
        start: appointment.start,
        end: appointment.end,
        head,
        checked_in: appointment.check_in.is_some(),
        hold_until: None,
    }
}

/// Reads the appointment named in the path, for `action`.
pub async fn load(
    deps: &Deps,
    call: &Call,
    action: Action,
) -> Result<(PatientAccess, Appointment), ApiError> {
    let patient = call.patient_in_path()?;
    let raw = call.path_param("appointmentId").unwrap_or_default();
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, action, &AuditResource::appointment(&raw))
        .await?;
    let id = AppointmentId::parse(&raw).ok_or(ApiError::NotFound)?;
    let appointment = deps
        .repo()
        .appointment(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((access, appointment))
}

/// Cancelling what is cancelled already answers it as it is.
pub async fn cancel(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    if appointment.status == Status::Cancelled {
        return json(StatusCode::OK, &AppointmentView::new(&appointment));
    }
    let now = Timestamp::now();
    if appointment.start <= now {
        return Err(ApiError::Conflict(
            "This appointment has begun or passed; it can no longer be cancelled.".into(),
        ));
    }
    check_notice(deps, &access, appointment.start, now)?;
    let repo = deps.repo();
    let read_version = appointment.version;
    let minutes = (appointment.end.unix_seconds() - appointment.start.unix_seconds()) / 60;
    let units = schedule::units(appointment.start, minutes);
    let old_reminder = appointment.reminder_at.take();
    let freed_start = appointment.start;
    appointment.status = Status::Cancelled;
    appointment.cancelled_at = Some(now);
    appointment.version += 1;
    // A cancelled appointment waits for nothing.
    let waiting = repo.waitlist_entry(&appointment).await?;
    appointment.waitlisted_at = None;
    let mut items = vec![repo.replace_appointment(&appointment, read_version)?];
    items.extend(repo.delete_reminder(old_reminder, appointment.appointment_id)?);
    let mut offered = None;
    if let Some(entry) = &waiting {
        items.push(repo.delete_entry(entry)?);
        // A slot held for this appointment is freed with it, and offered on.
        let (release, slot) = crate::waitlist::release_offer(deps, entry, &units).await?;
        items.extend(release);
        offered = slot;
    }
    for at in units {
        items.push(repo.free_unit(appointment.provider_id, at, appointment.appointment_id)?);
    }
    items.push(repo.update_counter(access.patient(), appointment.appointment_id, None)?);
    let freed = FreedSlot::new(
        appointment.provider_id,
        freed_start,
        &appointment.visit_type,
        None,
    );
    items.push(repo.mark_freed(&freed)?);
    match transact_retrying(&deps.platform.dynamo, items).await? {
        Transacted::Done => {
            // The held slot is the earlier one: it goes first.
            if let Some(held) = &offered {
                crate::waitlist::offer_freed(deps, held).await;
            }
            crate::waitlist::offer_freed(deps, &freed).await;
            json(StatusCode::OK, &AppointmentView::new(&appointment))
        }
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(busy()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RescheduleRequest {
    start: Timestamp,
}

/// Takes the new slot and frees the old one in one transaction: if the new slot is taken,
/// nothing changes and the appointment keeps its time.
pub async fn reschedule(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) = load(deps, call, Action::ChangeAppointment).await?;
    let request: RescheduleRequest = call.json_body()?;
    if appointment.status == Status::Cancelled {
        return Err(ApiError::Conflict(
            "This appointment was cancelled; book a new one.".into(),
        ));
    }
    let now = Timestamp::now();
    if appointment.start <= now {
        return Err(ApiError::Conflict(
            "This appointment has begun or passed; it can no longer be moved.".into(),
        ));
    }
    check_notice(deps, &access, appointment.start, now)?;
    if request.start == appointment.start {
        return Err(ApiError::invalid(
            "start",
            "is the appointment's current time",
        ));
    }
    let visit = schedule::visit_type(&appointment.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
    let repo = deps.repo();
    let provider = repo
        .provider(appointment.provider_id)
        .await?
        .ok_or_else(|| ApiError::invalid("start", "the provider no longer takes bookings"))?;
    check_booking_notice(deps, &access, request.start, now)?;
    check_slot(deps, &provider, visit, request.start, now).await?;
    let old_units = schedule::units(appointment.start, visit.minutes);
    let old_start = appointment.start;
    let read_version = appointment.version;
    appointment.start = request.start;
    appointment.end = schedule::plus_minutes(request.start, visit.minutes);
    appointment.check_in = None;
    let old_reminder = appointment.reminder_at;
    appointment.reminder_at = repo
        .wants_reminders(appointment.patient_id)
        .await?
        .then(|| schedule::reminder_at(appointment.start, now));
    appointment.version += 1;
    let new_units = schedule::units(appointment.start, visit.minutes);
    let zone_date = schedule::local_date(&deps.practice.zone, appointment.start).to_string();
    // A new time chosen by hand ends the wait for an earlier one.
    let waiting = repo.waitlist_entry(&appointment).await?;
    appointment.waitlisted_at = None;
    let mut items = vec![repo.replace_appointment(&appointment, read_version)?];
    let mut offered = None;
    if let Some(entry) = &waiting {
        items.push(repo.delete_entry(entry)?);
        // A slot held for this appointment is freed with it, and offered on (units the new
        // time takes are left to the take below, which refuses a live hold).
        let keep: Vec<Timestamp> = old_units.iter().chain(&new_units).copied().collect();
        let (release, slot) = crate::waitlist::release_offer(deps, entry, &keep).await?;
        items.extend(release);
        offered = slot;
    }
    for at in old_units.iter().filter(|at| !new_units.contains(at)) {
        items.push(repo.free_unit(appointment.provider_id, *at, appointment.appointment_id)?);
    }
    let first_new = items.len();
    for (index, at) in new_units.iter().enumerate() {
        let unit = unit_of(&appointment, index == 0);
        items.push(if old_units.contains(at) {
            repo.rewrite_unit(&unit, *at, &zone_date)?
        } else {
            repo.take_unit(&unit, *at, &zone_date)?
        });
    }
    items.push(repo.update_counter(
        access.patient(),
        appointment.appointment_id,
        Some(appointment.start),
    )?);
    if old_reminder != appointment.reminder_at {
        items.extend(repo.delete_reminder(old_reminder, appointment.appointment_id)?);
        items.extend(repo.put_reminder(&appointment)?);
    }
    let freed = FreedSlot::new(
        appointment.provider_id,
        old_start,
        &appointment.visit_type,
        None,
    );
    items.push(repo.mark_freed(&freed)?);
    match transact_retrying(&deps.platform.dynamo, items).await? {
        Transacted::Done => {
            if let Some(held) = &offered {
                crate::waitlist::offer_freed(deps, held).await;
            }
            crate::waitlist::offer_freed(deps, &freed).await;
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
