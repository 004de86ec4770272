//! `POST /staff/caregivers/{caregiverSub}/unlock`: ends a caregiver's lock and enables their
//! sign-in again. 409 when it is not locked.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockSubject, LockView, LockedBy};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::locks::patient_unlock::not_locked;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let note = super::unlock_body(call)?;
    let sub = super::caregiver(deps, call, Action::UnlockAccount).await?;
    let unlocked = deps
        .locks()
        .unlock(
            &LockSubject::Account(sub),
            LockedBy::caller(call.caller()),
            note,
        )
        .await?
        .ok_or_else(not_locked)?;
    json(StatusCode::OK, &LockView::of(Some(&unlocked)))
}
