//! `POST /staff/patients/{patientId}/lock`: locks the patient's portal account (their tokens
//! refused from the feed's next refresh, their caregivers refused at once, their sign-in
//! disabled and signed out). Locking a locked account answers the lock in force (and applies
//! its Cognito side again). A patient who never activated an account is locked all the same:
//! activation is refused while the lock holds.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockSubject, LockView, LockedBy, NewLock};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (reason, note) = super::lock_body(call)?;
    let (access, facts) = super::patient(deps, call, Action::LockAccount).await?;
    let locks = deps.locks();
    let recorded = facts
        .portal_account
        .as_ref()
        .and_then(|account| account.sign_in());
    // None recorded (an account activated before activation recorded it, or made outside
    // activation, as the demo's): the user that signs in with the email on file, if it is this
    // patient's. Else only its tokens are refused (the runbook says what to do).
    let sign_in = match (recorded, facts.contact_email()) {
        (Some(recorded), _) => Some(recorded),
        (None, Some(email)) => {
            locks
                .patient_sign_in_by_email(email.as_str(), access.patient())
                .await?
        }
        (None, None) => None,
    };
    let new = NewLock {
        reason,
        note,
        by: LockedBy::caller(call.caller()),
        sign_in,
    };
    let locking = locks
        .lock(&LockSubject::Patient(access.patient()), new)
        .await?;
    json(StatusCode::OK, &LockView::of(Some(locking.lock())))
}
