//! `POST /auth/password/forgot`, `/auth/password/reset` and `/auth/mfa` (public): a forgotten
//! password (Cognito emails a code to the verified address), and the second step of a sign-in
//! that answered an MFA challenge.

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::Email;
use portal_shared::platform::http::{Incoming, json};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::cognito::error_code;
use crate::limits::{
    FORGOT_PER_CLIENT, FORGOT_PER_EMAIL, MFA_PER_CLIENT, MFA_PER_EMAIL, RESET_PER_CLIENT,
    RESET_PER_EMAIL, client_of,
};
use crate::password::Password;
use crate::sign_in_notice;
use crate::tokens::tokens;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Forgot {
    email: Email,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Reset {
    email: Email,
    code: String,
    new_password: Password,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MfaAnswer {
    email: Email,
    session: String,
    code: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Accepted<'a> {
    message: &'a str,
}

/// Asks Cognito to email a reset code. Always 202, whether or not the email has an account.
/// Every request counts (each may send an email), per client and per email.
pub async fn forgot(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: Forgot = incoming.json_body()?;
    let email = request.email.as_str().to_lowercase();
    // Kept, never given back: the limit is on emails sent, not on failures.
    let _slots = deps
        .limiter()
        .acquire_both(
            (FORGOT_PER_CLIENT, FORGOT_PER_EMAIL),
            &client_of(incoming),
            &email,
        )
        .await?;
    let result = deps
        .cognito
        .forgot_password()
        .client_id(&deps.auth.user_pool_client_id)
        .username(&email)
        .send()
        .await;
    match result {
        Ok(_) => {}
        // No such account (or none that can reset): answered like a success.
        Err(error)
            if matches!(
                error_code(&error),
                Some(
                    "UserNotFoundException"
                        | "NotAuthorizedException"
                        | "InvalidParameterException"
                        | "ResourceNotFoundException"
                )
            ) => {}
        Err(error) => return Err(portal_shared::platform::store::sdk_error(error)),
    }
    json(
        StatusCode::ACCEPTED,
        &Accepted {
            message: "If this email has an account, a reset code is on its way to it.",
        },
    )
}

/// Sets a new password with the emailed code. A wrong or expired code, and an email without
/// an account, are the same 422 naming `code`; failures count per client and per email.
pub async fn reset(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: Reset = incoming.json_body()?;
    if request.code.trim().is_empty() {
        return Err(ApiError::invalid("code", "is required"));
    }
    if let Err(message) = request.new_password.check() {
        return Err(ApiError::invalid("newPassword", message));
    }
    let email = request.email.as_str().to_lowercase();
    let slots = deps
        .limiter()
        .acquire_both(
            (RESET_PER_CLIENT, RESET_PER_EMAIL),
            &client_of(incoming),
            &email,
        )
        .await?;
    let result = deps
        .cognito
        .confirm_forgot_password()
        .client_id(&deps.auth.user_pool_client_id)
        .username(&email)
        .confirmation_code(request.code.trim())
        .password(request.new_password.as_str())
        .send()
        .await;
    match result {
        Ok(_) => {
            deps.limiter().release_both(slots).await;
            // The account holder hears of it, with a link to lock the account if it was not
            // them (whoever reset it had the emailed code).
            sign_in_notice::after_password_reset(deps, incoming, &email).await;
            Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header(http::header::CACHE_CONTROL, "no-store")
                .body(Body::Empty)
                .map_err(ApiError::internal)
        }
        Err(error) => match error_code(&error) {
            Some("InvalidPasswordException") => {
                deps.limiter().release_both(slots).await;
                Err(ApiError::invalid(
                    "newPassword",
                    "does not meet the password policy",
                ))
            }
            Some(
                "CodeMismatchException"
                | "ExpiredCodeException"
                | "UserNotFoundException"
                | "NotAuthorizedException"
                | "ResourceNotFoundException"
                | "LimitExceededException"
                | "TooManyFailedAttemptsException",
            ) => Err(ApiError::invalid(
                "code",
                "is wrong or has expired; ask for a new one with /auth/password/forgot",
            )),
            _ => {
                deps.limiter().release_both(slots).await;
                Err(portal_shared::platform::store::sdk_error(error))
            }
        },
    }
}

/// Answers a sign-in's `SOFTWARE_TOKEN_MFA` challenge with the authenticator app's code.
/// A wrong code or a stale session is the same 401 as a wrong password, and counts like one.
pub async fn mfa(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: MfaAnswer = incoming.json_body()?;
    for (field, value) in [("session", &request.session), ("code", &request.code)] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(field, "is required"));
        }
    }
    let email = request.email.as_str().to_lowercase();
    let slots = deps
        .limiter()
        .acquire_both(
            (MFA_PER_CLIENT, MFA_PER_EMAIL),
            &client_of(incoming),
            &email,
        )
        .await?;
    let result = deps
        .cognito
        .respond_to_auth_challenge()
        .client_id(&deps.auth.user_pool_client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(&request.session)
        .challenge_responses("USERNAME", &email)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", request.code.trim())
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(error)
            if matches!(
                error_code(&error),
                Some(
                    "CodeMismatchException"
                        | "ExpiredCodeException"
                        | "NotAuthorizedException"
                        | "UserNotFoundException"
                        | "ResourceNotFoundException"
                        | "InvalidParameterException"
                )
            ) =>
        {
            return Err(ApiError::InvalidCredentials);
        }
        Err(error) => {
            deps.limiter().release_both(slots).await;
            return Err(portal_shared::platform::store::sdk_error(error));
        }
    };
    deps.limiter().release_both(slots).await;
    let result = output
        .authentication_result()
        .ok_or_else(|| ApiError::internal("Cognito answered the MFA code without tokens"))?;
    sign_in_notice::after_sign_in(deps, incoming, result).await;
    tokens(result)
}
