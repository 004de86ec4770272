//! `GET /auth/mfa`: whether the caller's account has an authenticator app, how many backup
//! codes it has left, and whether its role requires one (every staff member).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use serde::Serialize;

use crate::Deps;
use crate::mfa::{codes, pool};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    enabled: bool,
    backup_codes_left: usize,
    required_for_role: bool,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    let pool = pool(deps);
    let codes = codes(deps);
    let (account, left) =
        tokio::try_join!(pool.account(caller.sub.as_str()), codes.left(&caller.sub))?;
    json(
        StatusCode::OK,
        &Status {
            enabled: account.enabled,
            // Codes only count while there is an app they stand in for.
            backup_codes_left: if account.enabled { left } else { 0 },
            required_for_role: caller.is_staff(),
        },
    )
}
