//! `POST /auth/mfa/backup-codes`: a new set of backup codes, shown once; the old set stops
//! working at once. Needs a fresh sign-in, and an authenticator app (409 without one: the
//! codes stand in for it).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};

use crate::Deps;
use crate::mfa::verify::ShownCodes;
use crate::mfa::{new_backup_codes, pool, require_fresh_sign_in};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    let account = pool(deps).account(caller.sub.as_str()).await?;
    if !account.enabled {
        return Err(ApiError::Conflict(
            "Backup codes stand in for an authenticator app; add one first.".into(),
        ));
    }
    require_fresh_sign_in(caller)?;
    let backup_codes = new_backup_codes(deps, &caller.sub).await?;
    json(StatusCode::OK, &ShownCodes { backup_codes })
}
