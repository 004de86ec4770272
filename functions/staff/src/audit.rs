//! The audit events of staff-account actions: about no patient, in the acting administrator's
//! partition of the audit table, allowed or refused.

use portal_shared::ApiError;
use portal_shared::audit::Outcome;
use portal_shared::authz::StaffAccess;
use portal_shared::http::Call;

use crate::Deps;

/// The resource recorded for an account (its `sub` only: no email or name).
pub fn account_resource(sub: &str, what: &str) -> String {
    if what.is_empty() {
        format!("staff/{sub}")
    } else {
        format!("staff/{sub}/{what}")
    }
}

pub async fn allowed(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    resource: &str,
) -> Result<(), ApiError> {
    deps.platform
        .authorizer()
        .record_staff_action(call, access, resource, Outcome::Allowed)
        .await
}

/// Records a refusal and returns the error to answer.
pub async fn refused(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    resource: &str,
    error: ApiError,
) -> ApiError {
    match deps
        .platform
        .authorizer()
        .record_staff_action(call, access, resource, Outcome::Denied)
        .await
    {
        Ok(()) => error,
        Err(audit_error) => audit_error,
    }
}
