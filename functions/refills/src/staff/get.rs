//! `GET /staff/refills/{refillId}` (clinicians and front desk): the request with its patient's
//! name and birth date, `dueAt` and `overdue`. Audited in the patient's log as an access to the
//! request.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::staff::view::StaffRefill;
use crate::staff::{request_in_path, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_, access, request) = request_in_path(deps, call, Action::WorkRefillQueue).await?;
    let patient = store(deps).summary(&access).await?;
    json(
        StatusCode::OK,
        &StaffRefill::new(request, patient, Timestamp::now()),
    )
}
