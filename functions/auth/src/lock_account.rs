//! `POST /auth/lock-account` (public): the "Not you? Lock your account" link of a new sign-in
//! or password-reset notice. The body's token (`features::lock_token`, signed by the
//! notifications sender, valid 7 days) names the account; the account holder's own lock follows
//! (`account_lock::lock_own_account`, reason `owner-request`): the lock item and a revocation
//! in one transaction, then Cognito disables the sign-in and signs it out everywhere. Locking a
//! locked account answers 204 again. A bad, altered or lapsed token is 400 `invalid-token`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::account_lock::{Locks, lock_own_account};
use portal_shared::features::lock_token::{self, LockToken};
use portal_shared::platform::http::Incoming;
use serde::Deserialize;

use crate::Deps;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct LockRequest {
    token: String,
}

pub async fn handle(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: LockRequest = incoming.json_body()?;
    let raw = request.token.trim();
    if raw.is_empty() {
        return Err(ApiError::invalid("token", "is required"));
    }
    // Every version of the signing secret is tried (a rotation since the email was sent).
    let verified = deps
        .platform
        .cursor_key
        .open_signed(lock_token::PURPOSE, |key| LockToken::verify(key, raw))
        .await?;
    let token = LockToken::in_force(verified, Timestamp::now())?;
    let locks = Locks {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
        cognito: &deps.cognito,
        pool_id: &deps.auth.user_pool_id,
    };
    lock_own_account(
        &locks,
        &deps.platform.audit,
        &token.sub,
        token.patient,
        incoming.request_id(),
    )
    .await?;
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
