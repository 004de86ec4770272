//! `POST /patients/{patientId}/appointments/{appointmentId}/cancel`: the appointment, its
//! units, its reminder, its waitlist entry and the patient's notification change together; the
//! freed slot (and a slot its offer held) is then offered to the patients waiting. Cancelling
//! what is cancelled already answers it as it is.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::{appointment_in_path, busy, check_notice};
use crate::model::Status;
use crate::offers::{self, offer_freed};
use crate::store::ChangeConflict;
use crate::view::AppointmentView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, appointment) = appointment_in_path(deps, call, Action::ChangeAppointment).await?;
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
    let waiting = deps.waitlist().entry(&access, &appointment).await?;
    let change = appointment.cancel(waiting, now);
    match deps.appointments().change(&access, &change).await? {
        Ok(freed) => {
            for slot in &freed {
                offer_freed(deps, &offers::following(call), slot).await;
            }
            json(StatusCode::OK, &AppointmentView::new(&change.appointment))
        }
        Err(ChangeConflict::SlotTaken | ChangeConflict::Changed | ChangeConflict::Contention) => {
            Err(busy())
        }
    }
}
