//! `POST /staff/caregivers/{caregiverSub}/lock`: locks a caregiver's account (their tokens
//! refused from the revocation feed's next refresh, their sign-in disabled and signed out),
//! audited on every patient they act for. Idempotent like a patient's lock.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockSubject, LockView, LockedBy, NewLock};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (reason, note) = super::lock_body(call)?;
    let sub = super::caregiver(deps, call, Action::LockAccount).await?;
    let locks = deps.locks();
    let new = NewLock {
        reason,
        note,
        by: LockedBy::caller(call.caller()),
        sign_in: locks.sign_in_of(&sub).await?,
    };
    let locking = locks.lock(&LockSubject::Account(sub), new).await?;
    json(StatusCode::OK, &LockView::of(Some(locking.lock())))
}
