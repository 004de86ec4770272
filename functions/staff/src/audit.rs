//! The audit events of staff-account actions: about no patient, in the acting administrator's
//! partition of the audit table, allowed or refused.

use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::StaffAccess;

use crate::Deps;

/// The resource recorded for an account (its `sub` only: no email or name).
pub fn account_resource(sub: &str, what: &str) -> AuditResource {
    AuditResource::StaffAccount {
        sub: sub.to_owned(),
        what: what.to_owned(),
    }
}

pub async fn allowed(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    resource: &AuditResource,
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
    resource: &AuditResource,
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
