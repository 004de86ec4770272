//! A patient's appointments: `GET /patients/{patientId}/appointments?when=upcoming|past` and
//! one appointment, `GET /patients/{patientId}/appointments/{appointmentId}`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::checks::appointment_in_path;
use crate::view::AppointmentView;

/// `?when=upcoming` (default: booked visits from now, soonest first) or `?when=past` (visits
/// that started before now, cancelled ones included, most recent first); `limit`, `cursor`.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadAppointments, AuditResource::Appointments)
        .await?;
    let upcoming = match call.query("when").as_deref() {
        None | Some("upcoming") => true,
        Some("past") => false,
        Some(_) => return Err(ApiError::invalid("when", "must be upcoming or past")),
    };
    let scope = format!(
        "appointments:{}:{}",
        access.patient(),
        if upcoming { "upcoming" } else { "past" }
    );
    let page = PageRequest::from_call(call, scope, &deps.platform.cursor_key).await?;
    let (appointments, last) = deps
        .appointments()
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
        &page.page(views, last, &deps.platform.cursor_key).await?,
    )
}

/// One appointment, cancelled or not, with its check-in answers (where a booking's `Location`
/// points). 404 for an id that is not this patient's.
pub async fn one(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, appointment) = appointment_in_path(deps, call, Action::ReadAppointments).await?;
    json(StatusCode::OK, &AppointmentView::new(&appointment))
}
