//! `POST /patients/{patientId}/appointments`: book a slot. One transaction takes the slot's
//! units, writes the appointment, counts it in the patient's booking-limit counter and writes
//! the patient's notification to the outbox: all of it happens or none of it.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::{busy, check_booking_notice, check_slot, is_staff, slot_taken, try_again};
use crate::model::Appointment;
use crate::requests::{BookRequest, Booking};
use crate::store::{BookConflict, Booked};
use crate::view::AppointmentView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::BookAppointment, AuditResource::Appointments)
        .await?;
    let Booking {
        provider_id,
        visit,
        start,
        reason,
    } = call.json_body::<BookRequest>()?.checked()?;
    if !visit.self_bookable && !is_staff(&access) {
        return Err(ApiError::Forbidden(
            "This visit type is booked by the front desk after reviewing your request; please contact the practice.",
        ));
    }
    let idempotency = Idempotency::from_call(call)?;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency
            .lookup(&deps.platform.dynamo, &deps.platform.app_table)
            .await?
    {
        return first.render(true);
    }
    let provider = deps
        .providers()
        .provider(provider_id)
        .await?
        .ok_or_else(|| ApiError::invalid("providerId", "is not a provider of the practice"))?;
    if !provider.offers(visit.id) {
        return Err(ApiError::invalid(
            "visitType",
            "is not offered by this provider",
        ));
    }
    let now = Timestamp::now();
    check_booking_notice(deps, &access, start, now)?;
    check_slot(deps, &provider, visit, start, now).await?;
    let appointments = deps.appointments();
    // The patient's reminder preference as it is now; a later change of the preference applies
    // from the next booking or move (see the runbook).
    let wants_reminders = appointments.wants_reminders(&access).await?;
    let appointment = Appointment::book(
        access.patient(),
        &provider,
        visit,
        start,
        reason,
        call.caller().sub.to_string(),
        wants_reminders,
        now,
    );
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&AppointmentView::new(&appointment))
            .map_err(ApiError::internal)?,
        location: Some(call.link(&format!(
            "/patients/{}/appointments/{}",
            access.patient(),
            appointment.appointment_id
        ))),
        etag: None,
        patient_id: Some(access.patient()),
    };
    let booked = appointments
        .book(
            &access,
            &appointment,
            deps.practice.max_upcoming,
            now,
            idempotency.as_ref().map(|key| (key, &response)),
        )
        .await?;
    match booked {
        Ok(Booked::Created) => response.render(false),
        Ok(Booked::Replayed(first)) => first.render(true),
        Err(BookConflict::SlotTaken) => Err(slot_taken()),
        Err(BookConflict::TooManyUpcoming { max }) => Err(ApiError::Conflict(format!(
            "At most {max} upcoming appointments can be booked at once; cancel one or wait until one has passed."
        ))),
        Err(BookConflict::KeyInUse) => Err(busy()),
        Err(BookConflict::Contention) => Err(try_again()),
    }
}
