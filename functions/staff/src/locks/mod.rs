//! Locking patients' and caregivers' portal accounts: the front desk's routes (reading a lock
//! is the front desk's and the administrators'). The lock itself — the item, the revocation
//! entry written with it, Cognito's disable and sign-out — is `account_lock`'s, shared with
//! the owner's own lock from a sign-in notice.
//!
//! A patient's lock is authorised and audited on the patient (`Authorizer::patient`), so their
//! access log shows it. A caregiver's account belongs to no patient: the caller's role is
//! checked (`Authorizer::staff`) and the access is audited on every patient the caregiver holds
//! a grant for; a `sub` that holds none is 404 (this is no way to probe the user pool).

pub mod caregiver_lock;
pub mod caregiver_read;
pub mod caregiver_unlock;
pub mod patient_lock;
pub mod patient_read;
pub mod patient_unlock;

use portal_shared::ApiError;
use portal_shared::features::account_lock::{LockNote, LockReason, Locks};
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess};
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;

use crate::Deps;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct LockBody {
    reason: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UnlockBody {
    #[serde(default)]
    note: Option<String>,
}

fn note(raw: Option<&str>) -> Result<Option<LockNote>, ApiError> {
    match raw {
        Some(raw) => LockNote::parse(raw).map_err(|message| ApiError::invalid("note", message)),
        None => Ok(None),
    }
}

/// The body of a lock: its reason and optional note (422 naming the field).
pub(crate) fn lock_body(call: &Call) -> Result<(LockReason, Option<LockNote>), ApiError> {
    let body: LockBody = call.json_body()?;
    let reason = LockReason::parse(body.reason.trim())
        .ok_or_else(|| ApiError::invalid("reason", LockReason::expected()))?;
    Ok((reason, note(body.note.as_deref())?))
}

/// The body of an unlock (none at all, or an optional note).
pub(crate) fn unlock_body(call: &Call) -> Result<Option<LockNote>, ApiError> {
    let body: UnlockBody = if call.body_bytes().iter().all(u8::is_ascii_whitespace) {
        UnlockBody::default()
    } else {
        call.json_body()?
    };
    note(body.note.as_deref())
}

impl Deps {
    pub(crate) fn locks(&self) -> Locks<'_> {
        Locks {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
            cognito: &self.cognito,
            pool_id: &self.pool.user_pool_id,
        }
    }
}

/// The patient in the path, authorised for `action` on their account lock (audited on the
/// patient), and what their profile records of their portal account; 404 for no patient.
pub(crate) async fn patient(
    deps: &Deps,
    call: &Call,
    action: Action,
) -> Result<(PatientAccess, ProfileFacts), ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, action, AuditResource::AccountLock)
        .await?;
    let facts = ProfileFacts::read(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &access,
        &[Fact::PortalAccount, Fact::Contact],
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok((access, facts))
}

/// The caregiver in the path, authorised for `action` on their account lock
/// (`crate::caregiver::in_path`: audited on each patient they act for; 404 for no grant).
pub(crate) async fn caregiver(
    deps: &Deps,
    call: &Call,
    action: Action,
) -> Result<UserSub, ApiError> {
    crate::caregiver::in_path(deps, call, action, AuditResource::CaregiverLock).await
}
