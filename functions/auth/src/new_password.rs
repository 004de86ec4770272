//! `POST /auth/new-password` (public): invited staff accept their invitation. Cognito emailed
//! them a temporary password; signing in with it answers the challenge `NEW_PASSWORD_REQUIRED`
//! (passed through by `/auth/sign-in`), and this answers it with a password of their own.
//! Attempts are limited like MFA answers: per client and per email.

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::Email;
use portal_shared::platform::http::{Incoming, json};
use serde::Deserialize;

use crate::Deps;
use crate::cognito::error_code;
use crate::limits::{NEW_PASSWORD_PER_CLIENT, NEW_PASSWORD_PER_EMAIL, client_of};
use crate::password::Password;
use crate::tokens::{Challenge, tokens};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewPassword {
    email: Email,
    session: String,
    new_password: Password,
}

/// Cognito's answers to a stale or made-up session, or a wrong email: one 401, like a wrong
/// password, and counted like one.
const REFUSED: [&str; 6] = [
    "NotAuthorizedException",
    "UserNotFoundException",
    "ResourceNotFoundException",
    "CodeMismatchException",
    "ExpiredCodeException",
    "InvalidParameterException",
];

pub async fn new_password(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: NewPassword = incoming.json_body()?;
    if request.session.trim().is_empty() {
        return Err(ApiError::invalid("session", "is required"));
    }
    if let Err(message) = request.new_password.check() {
        return Err(ApiError::invalid("newPassword", message));
    }
    let email = request.email.as_str().to_lowercase();
    let slots = deps
        .limiter()
        .acquire_both(
            (NEW_PASSWORD_PER_CLIENT, NEW_PASSWORD_PER_EMAIL),
            &client_of(incoming),
            &email,
        )
        .await?;
    let result = deps
        .cognito
        .respond_to_auth_challenge()
        .client_id(&deps.auth.user_pool_client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(request.session.trim())
        .challenge_responses("USERNAME", &email)
        .challenge_responses("NEW_PASSWORD", request.new_password.as_str())
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(error) if error_code(&error) == Some("InvalidPasswordException") => {
            deps.limiter().release_both(slots).await;
            return Err(ApiError::invalid(
                "newPassword",
                "does not meet the password policy",
            ));
        }
        Err(error) if error_code(&error).is_some_and(|code| REFUSED.contains(&code)) => {
            // Both slots stay taken: a failed attempt.
            return Err(ApiError::InvalidCredentials);
        }
        Err(error) => {
            deps.limiter().release_both(slots).await;
            return Err(portal_shared::platform::store::sdk_error(error));
        }
    };
    deps.limiter().release_both(slots).await;
    if let Some(result) = output.authentication_result() {
        return tokens(result);
    }
    // A pool that requires MFA asks to set it up next: passed through like sign-in's challenges.
    match (output.challenge_name(), output.session()) {
        (Some(challenge), Some(session)) => json(
            StatusCode::OK,
            &Challenge {
                challenge: challenge.as_str(),
                session,
            },
        ),
        _ => Err(ApiError::internal(
            "Cognito answered the new password with neither tokens nor a challenge",
        )),
    }
}
