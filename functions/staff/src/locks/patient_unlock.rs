//! `POST /staff/patients/{patientId}/unlock`: ends the lock (its record stays, with who
//! unlocked it and why) and enables the patient's sign-in again. 409 when it is not locked.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockSubject, LockView, LockedBy};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let note = super::unlock_body(call)?;
    let (access, _) = super::patient(deps, call, Action::UnlockAccount).await?;
    let unlocked = deps
        .locks()
        .unlock(
            &LockSubject::Patient(access.patient()),
            LockedBy::caller(call.caller()),
            note,
        )
        .await?
        .ok_or_else(not_locked)?;
    json(StatusCode::OK, &LockView::of(Some(&unlocked)))
}

pub(crate) fn not_locked() -> ApiError {
    ApiError::Conflict("This account is not locked.".into())
}
