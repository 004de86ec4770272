//! `POST /patients/{patientId}/appointments/{appointmentId}/reschedule`: takes the new slot and
//! frees the old one in one transaction, with the patient's notification of the new time: if
//! the new slot is taken, nothing changes and the appointment keeps its time. The freed slot is then offered to the patients waiting.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::{
    appointment_in_path, busy, check_booking_notice, check_notice, check_slot, slot_taken, visit_of,
};
use crate::model::Status;
use crate::offers::{self, offer_freed};
use crate::requests::RescheduleRequest;
use crate::store::ChangeConflict;
use crate::view::AppointmentView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, appointment) = appointment_in_path(deps, call, Action::ChangeAppointment).await?;
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
    let visit = visit_of(&appointment)?;
    let provider = deps
        .providers()
        .provider(appointment.provider_id)
        .await?
        .ok_or_else(|| ApiError::invalid("start", "the provider no longer takes bookings"))?;
    check_booking_notice(deps, &access, request.start, now)?;
    check_slot(deps, &provider, visit, request.start, now).await?;
    let appointments = deps.appointments();
    let wants_reminders = appointments.wants_reminders(&access).await?;
    let waiting = deps.waitlist().entry(&access, &appointment).await?;
    let change = appointment.move_to(request.start, visit, wants_reminders, waiting, now);
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
