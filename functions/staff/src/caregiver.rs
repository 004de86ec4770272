//! The caregiver named in the path (`/staff/caregivers/{caregiverSub}/…`): their lock and
//! their authenticator app's reset. A caregiver's account belongs to no patient, so the
//! caller's role is checked (`Authorizer::staff`, refusals audited) and the access is audited
//! on every patient the caregiver holds a grant for, so each of those patients' access logs
//! shows it. A `sub` that holds no grant (or is no sub at all) is 404, audited as refused:
//! these routes are no way to probe the user pool.

use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::account_lock;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;

use crate::Deps;

/// The caregiver in the path, for `action` on `resource` (made from the raw `sub`, e.g.
/// `AuditResource::CaregiverLock`): the caller must hold one of `action`'s staff roles, the
/// `sub` must hold a grant (else 404), and the access is audited on each patient the caregiver
/// acts for.
pub(crate) async fn in_path(
    deps: &Deps,
    call: &Call,
    action: Action,
    resource: fn(String) -> AuditResource,
) -> Result<UserSub, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, action).await?;
    let raw = call.path_param("caregiverSub").unwrap_or_default();
    let sub = UserSub::parse(&raw);
    let resource = resource(raw);
    let patients: Vec<PatientId> = match &sub {
        Some(sub) => {
            account_lock::caregiver_patients(&deps.platform.dynamo, &deps.platform.app_table, sub)
                .await?
        }
        None => Vec::new(),
    };
    let Some(sub) = sub.filter(|_| !patients.is_empty()) else {
        authorizer
            .record_staff_action(call, &access, &resource, Outcome::Denied)
            .await?;
        return Err(ApiError::NotFound);
    };
    let reached: Vec<(PatientId, AuditResource)> = patients
        .into_iter()
        .map(|patient| (patient, resource.clone()))
        .collect();
    authorizer
        .record_staff_access(call, &access, &reached)
        .await?;
    Ok(sub)
}
