//! `GET /staff/patients/{patientId}/lock`: whether the patient's portal account is locked,
//! why, when and by whom.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockSubject, LockView};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, _) = super::patient(deps, call, Action::ReadAccountLock).await?;
    let lock = deps
        .locks()
        .read(&LockSubject::Patient(access.patient()))
        .await?;
    json(StatusCode::OK, &LockView::of(lock.as_ref()))
}
