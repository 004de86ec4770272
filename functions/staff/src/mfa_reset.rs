//! `POST /admin/staff/{staffId}/mfa/reset`: an administrator turns a staff member's
//! authenticator app off (a lost or replaced phone), audited; 204. Staff cannot remove their
//! own (`DELETE /auth/mfa/totp` refuses them), so this is how a member gets back in: their next
//! sign-in returns tokens with `mfaSetupRequired`, and every staff route answers
//! `mfa-required` until they enrol a new app.
//!
//! Tokens issued before the reset still carry `custom:mfa` until they expire (ID tokens live 5
//! minutes; a refresh gives one without it). Nobody is signed out: the member only loses the
//! second factor, not the account. An administrator does not reset their own (409: another
//! administrator does, as for disabling), so the practice is never left with an administrator
//! who reset themselves out of the admin screens by mistake.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::mfa::{self, BackupCodeStore, Pool};
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::audit::{self, account_resource};
use crate::member::staff_member;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageStaff)
        .await?;
    let account = staff_member(deps, call, &access).await?;
    let resource = account_resource(&account.sub, "mfa");
    if account.sub == call.caller().sub.as_str() {
        let error = ApiError::Conflict(
            "You cannot reset your own authenticator app; another administrator can.".into(),
        );
        return Err(audit::refused(deps, call, &access, &resource, error).await);
    }
    audit::allowed(deps, call, &access, &resource).await?;
    let sub = UserSub::parse(&account.sub)
        .ok_or_else(|| ApiError::internal("a staff account without a usable sub"))?;
    // Nothing to turn off for a member who never enrolled: the reset is idempotent.
    mfa::reset(&deps.mfa_pool(), &deps.backup_codes(), &sub).await?;
    no_content()
}

impl Deps {
    /// The user pool, for the MFA resets (`mfa::reset`).
    pub(crate) fn mfa_pool(&self) -> Pool<'_> {
        Pool {
            cognito: &self.cognito,
            user_pool_id: &self.pool.user_pool_id,
        }
    }

    /// The accounts' backup codes, which a reset deletes.
    pub(crate) fn backup_codes(&self) -> BackupCodeStore<'_> {
        BackupCodeStore {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
        }
    }
}

/// 204, never cached.
pub(crate) fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
