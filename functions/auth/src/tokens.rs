//! What a sign-in step that succeeded answers: Cognito's tokens, or the next challenge.

use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::json;
use portal_shared::policy::caller::Caller;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tokens<'a> {
    id_token: &'a str,
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    expires_in: i32,
    token_type: &'a str,
    /// A staff account without an authenticator app: its staff work is refused until it
    /// enrols (`/auth/mfa/totp`). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    mfa_setup_required: Option<bool>,
    /// A backup code was used: the account's MFA is off now. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    mfa_turned_off: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge<'a> {
    pub challenge: &'a str,
    pub session: &'a str,
}

pub fn tokens(result: &AuthenticationResultType) -> Result<Response<Body>, ApiError> {
    tokens_with(result, false)
}

/// Whether the ID token (just issued by Cognito to this function, so read, not verified) is a
/// staff member's without `custom:mfa`.
fn needs_mfa_setup(id_token: Option<&str>) -> bool {
    id_token
        .and_then(crate::token_claims::unverified_claims)
        .and_then(|claims| Caller::from_claims(&claims).ok())
        .is_some_and(|caller| caller.is_staff() && !caller.sign_in.mfa)
}

/// [`tokens`], saying whether a backup code just turned the account's MFA off.
pub fn tokens_with(
    result: &AuthenticationResultType,
    mfa_turned_off: bool,
) -> Result<Response<Body>, ApiError> {
    json(
        StatusCode::OK,
        &Tokens {
            id_token: result.id_token().unwrap_or_default(),
            access_token: result.access_token().unwrap_or_default(),
            refresh_token: result.refresh_token(),
            expires_in: result.expires_in(),
            token_type: result.token_type().unwrap_or("Bearer"),
            mfa_setup_required: needs_mfa_setup(result.id_token()).then_some(true),
            mfa_turned_off: mfa_turned_off.then_some(true),
        },
    )
}
