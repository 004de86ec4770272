//! `POST /staff/caregivers/{caregiverSub}/mfa/reset` (front desk): a caregiver who lost their
//! authenticator app and their backup codes calls or comes in; once the front desk has checked
//! who they are, this turns their account's MFA off (they sign in with their password alone
//! and may enrol again) and tells them at their own address ("reset by the practice"). 204.
//!
//! Audited like a caregiver's lock: on each patient the caregiver acts for (resource
//! `caregiver-mfa/<sub>`); a `sub` with no grant is 404. Idempotent: a repeat finds nothing on,
//! changes nothing and sends no second notice. Nobody is signed out: the caregiver only loses
//! the second factor (the front desk locks the account if it may be in someone else's hands).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::mfa::{self, MfaChange};
use portal_shared::features::mfa_notice::{self, Holder};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::mfa_reset::no_content;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let sub = crate::caregiver::in_path(
        deps,
        call,
        Action::ResetPatientMfa,
        AuditResource::CaregiverMfa,
    )
    .await?;
    let reset = mfa::reset(&deps.mfa_pool(), &deps.backup_codes(), &sub).await?;
    if reset.changed {
        let holder = Holder {
            sub,
            patient_id: None,
            email: reset.account.email,
            locale: reset.account.locale,
        };
        mfa_notice::tell(
            &deps.platform.dynamo,
            &deps.platform.app_table,
            call.request_id(),
            &holder,
            MfaChange::ResetByPractice,
        )
        .await;
    }
    no_content()
}
