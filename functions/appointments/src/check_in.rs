//! `POST /patients/{patientId}/appointments/{appointmentId}/check-in`: from 7 days to 30
//! minutes before the visit, the patient confirms how to reach them, their insurance and
//! current medications, and answers the visit type's questionnaire. Checking in again replaces
//! the answers. The visit's first slot unit carries the flag the day view shows.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::{appointment_in_path, visit_of};
use crate::model::Status;
use crate::model::appointment::check_in_open;
use crate::requests::CheckInRequest;
use crate::store::CheckInConflict;
use crate::view::AppointmentView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, mut appointment) =
        appointment_in_path(deps, call, Action::CheckInAppointment).await?;
    let request: CheckInRequest = call.json_body()?;
    let visit = visit_of(&appointment)?;
    request.check(visit)?;
    if appointment.status != Status::Booked {
        return Err(ApiError::Conflict("This appointment was cancelled.".into()));
    }
    let now = Timestamp::now();
    if !check_in_open(appointment.start, now) {
        return Err(ApiError::Conflict(
            "Online check-in is open from 7 days to 30 minutes before the visit.".into(),
        ));
    }
    let read_version = appointment.record_check_in(request.into_check_in(now));
    match deps
        .appointments()
        .check_in(&access, &appointment, read_version)
        .await?
    {
        Ok(()) => json(StatusCode::OK, &AppointmentView::new(&appointment)),
        Err(CheckInConflict::Changed | CheckInConflict::Contention) => Err(ApiError::Conflict(
            "This appointment changed at the same time; reload it and check in again.".into(),
        )),
    }
}
