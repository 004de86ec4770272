//! The staff member a route names by `{staffId}` (role changes, disable and enable,
//! onboarding): only staff accounts are reached.

use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::StaffAccess;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::audit::{self, account_resource};
use crate::directory::Account;

/// The staff member named by `{staffId}`, or 404 (audited as refused: probing these routes
/// for patients' or caregivers' ids leaves a trace).
pub async fn staff_member(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
) -> Result<Account, ApiError> {
    let sub = call
        .path_param("staffId")
        .and_then(|raw| UserSub::parse(&raw));
    let account = match &sub {
        Some(sub) => deps.directory().account(sub).await?,
        None => None,
    };
    match account {
        Some(account) if account.is_staff() => Ok(account),
        _ => {
            let resource = match &sub {
                Some(sub) => account_resource(sub.as_str(), ""),
                None => AuditResource::StaffAccounts,
            };
            Err(audit::refused(deps, call, access, &resource, ApiError::NotFound).await)
        }
    }
}
