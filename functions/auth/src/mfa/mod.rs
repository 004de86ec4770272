//! Authenticator apps (TOTP) and backup codes through the API. One handler per file; what
//! they share (the account's pool and codes, the body's access token, new backup codes, the
//! holder's notice) is here. The shared rules are `portal_shared::features::mfa`.
//!
//! The authenticated routes are the account's own (any signed-in account, staff included):
//! they never pass through a staff decision of the Authorizer, so a staff member without an
//! authenticator app can enrol. The front desk's reset of a patient's app does, and is
//! audited on the patient.

pub mod backup_codes;
pub mod backup_sign_in;
pub mod enrol;
pub mod notice;
pub mod remove;
pub mod reset;
pub mod status;
pub mod verify;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::mfa::{
    BACKUP_CODE_HASH_CONTEXT, BackupCodeStore, BackupCodes, Pool, is_fresh,
};
use portal_shared::policy::caller::{Caller, UserSub};
use serde_json::Value;

use crate::Deps;
use crate::token_claims::unverified_claims;

/// How recent the password must be to remove the app or replace the backup codes.
pub const FRESH_SIGN_IN_SECONDS: i64 = 10 * 60;

pub(crate) fn pool(deps: &Deps) -> Pool<'_> {
    Pool {
        cognito: &deps.cognito,
        user_pool_id: &deps.auth.user_pool_id,
    }
}

pub(crate) fn codes(deps: &Deps) -> BackupCodeStore<'_> {
    BackupCodeStore {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    }
}

/// The body's access token must be an access token of the caller's own account (Cognito
/// checks its signature when it is used): 422 on `accessToken` otherwise.
pub(crate) fn check_access_token(caller: &Caller, token: &str) -> Result<(), ApiError> {
    if token.trim().is_empty() {
        return Err(ApiError::invalid("accessToken", "is required"));
    }
    let claims = unverified_claims(token)
        .ok_or_else(|| ApiError::invalid("accessToken", "is not an access token"))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("token_use") != Some("access") {
        return Err(ApiError::invalid("accessToken", "is not an access token"));
    }
    if text("sub") != Some(caller.sub.as_str()) {
        return Err(ApiError::invalid(
            "accessToken",
            "belongs to another sign-in; send the access token of this sign-in",
        ));
    }
    Ok(())
}

/// The caller's password was typed within [`FRESH_SIGN_IN_SECONDS`]; 403
/// `fresh-sign-in-required` otherwise.
pub(crate) fn require_fresh_sign_in(caller: &Caller) -> Result<(), ApiError> {
    if is_fresh(
        caller.sign_in.auth_time,
        Timestamp::now(),
        FRESH_SIGN_IN_SECONDS,
    ) {
        Ok(())
    } else {
        Err(ApiError::FreshSignInRequired)
    }
}

/// A new set of backup codes for `sub`, stored as keyed hashes (replacing any older set);
/// the codes as shown, once.
pub(crate) async fn new_backup_codes(deps: &Deps, sub: &UserSub) -> Result<Vec<String>, ApiError> {
    let set = BackupCodes::generate()?;
    let hasher = deps.platform.code_hasher().await?;
    let hashes = set
        .codes()
        .iter()
        .map(|code| hasher.hash_hex(BACKUP_CODE_HASH_CONTEXT, code.as_str()))
        .collect();
    codes(deps).replace(sub, hashes, Timestamp::now()).await?;
    Ok(set.shown())
}

pub(crate) fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    fn token(claims: Value) -> String {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        format!(
            "{}.{}.sig",
            encode(&json!({"alg": "RS256"})),
            encode(&claims)
        )
    }

    fn caller(sub: &str, auth_time: Option<i64>) -> Caller {
        let mut claims = HashMap::from([
            ("sub".to_owned(), json!(sub)),
            ("token_use".to_owned(), json!("id")),
        ]);
        if let Some(at) = auth_time {
            claims.insert("auth_time".into(), json!(at));
        }
        Caller::from_claims(&claims).expect("caller")
    }

    fn field(error: ApiError) -> String {
        match error {
            ApiError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn the_access_token_must_be_the_callers_own() {
        let me = caller("me-1", None);
        let mine = token(json!({"sub": "me-1", "token_use": "access"}));
        assert!(check_access_token(&me, &mine).is_ok());
        let theirs = token(json!({"sub": "other-1", "token_use": "access"}));
        assert_eq!(
            field(check_access_token(&me, &theirs).unwrap_err()),
            "accessToken"
        );
        let id_token = token(json!({"sub": "me-1", "token_use": "id"}));
        assert_eq!(
            field(check_access_token(&me, &id_token).unwrap_err()),
            "accessToken"
        );
        assert_eq!(
            field(check_access_token(&me, "").unwrap_err()),
            "accessToken"
        );
        assert_eq!(
            field(check_access_token(&me, "a.!!.c").unwrap_err()),
            "accessToken"
        );
    }

    #[test]
    fn an_old_sign_in_is_not_fresh() {
        let now = Timestamp::now().unix_seconds();
        assert!(require_fresh_sign_in(&caller("me-1", Some(now - 30))).is_ok());
        let stale = require_fresh_sign_in(&caller("me-1", Some(now - FRESH_SIGN_IN_SECONDS - 1)));
        assert!(matches!(stale, Err(ApiError::FreshSignInRequired)));
        assert!(matches!(
            require_fresh_sign_in(&caller("me-1", None)),
            Err(ApiError::FreshSignInRequired)
        ));
    }
}
