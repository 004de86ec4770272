//! "Your sign-in security changed": the notice itself is `portal_shared::features::mfa_notice`
//! (the staff function's reset of a caregiver sends it too); this puts it in this function's
//! app table.

use portal_shared::features::mfa::MfaChange;
pub use portal_shared::features::mfa_notice::Holder;

use crate::Deps;

/// Puts the notice of `change` in the outbox; a failure is logged by request id alone.
pub async fn tell(deps: &Deps, request_id: &str, holder: &Holder, change: MfaChange) {
    portal_shared::features::mfa_notice::tell(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        request_id,
        holder,
        change,
    )
    .await;
}
