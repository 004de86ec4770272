//! `DELETE /auth/mfa/totp`: the account holder removes their authenticator app, with a fresh
//! sign-in (the password typed in the last ten minutes). Staff cannot: an administrator resets
//! a staff member's app. Removing an app that is not there is done already (204).

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::mfa::{MfaChange, turn_off};
use portal_shared::platform::http::Call;

use crate::Deps;
use crate::mfa::notice::{self, Holder};
use crate::mfa::{codes, no_content, pool, require_fresh_sign_in};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    if caller.is_staff() {
        return Err(ApiError::Forbidden(
            "Staff keep their authenticator app; an administrator resets it.",
        ));
    }
    let pool = pool(deps);
    let account = pool.account(caller.sub.as_str()).await?;
    if !account.enabled && !account.marked {
        return no_content();
    }
    require_fresh_sign_in(caller)?;
    turn_off(&pool, &codes(deps), &caller.sub).await?;
    let holder = Holder {
        sub: caller.sub.clone(),
        patient_id: caller.patient_id,
        email: account.email,
        locale: account.locale,
    };
    notice::tell(deps, call.request_id(), &holder, MfaChange::TurnedOff).await;
    no_content()
}
