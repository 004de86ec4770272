//! What a sign-in step that succeeded answers: Cognito's tokens, or the next challenge.

use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::json;
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
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge<'a> {
    pub challenge: &'a str,
    pub session: &'a str,
}

pub fn tokens(result: &AuthenticationResultType) -> Result<Response<Body>, ApiError> {
    json(
        StatusCode::OK,
        &Tokens {
            id_token: result.id_token().unwrap_or_default(),
            access_token: result.access_token().unwrap_or_default(),
            refresh_token: result.refresh_token(),
            expires_in: result.expires_in(),
            token_type: result.token_type().unwrap_or("Bearer"),
        },
    )
}
