//! `POST /auth/sign-in`, `/auth/refresh`, `/auth/sign-out` (public): the app client's Cognito
//! flows behind the portal's API, so that attempt limits apply and every failure looks alike.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::Email;
use portal_shared::platform::http::{Incoming, json};
use portal_shared::platform::revocation::{RevokedSubject, revoke};
use portal_shared::policy::caller::{SessionId, UserSub};
use serde::Deserialize;

use crate::Deps;
use crate::cognito::error_code;
use crate::limits::{SIGN_IN_PER_CLIENT, SIGN_IN_PER_EMAIL, client_of};
use crate::password::Password;
use crate::sign_in_notice;
use crate::token_claims::unverified_claims;
use crate::tokens::{Challenge, tokens};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SignIn {
    email: Email,
    password: Password,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WithRefreshToken {
    refresh_token: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SignOut {
    refresh_token: String,
    /// The sign-in's access token: with it, the ID tokens already out stop working too.
    #[serde(default)]
    access_token: Option<String>,
}

/// Cognito's answers to a wrong email, a wrong password or an account that cannot sign in:
/// the client gets one and the same 401 for all of them.
const CREDENTIAL_ERRORS: [&str; 4] = [
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
];

fn not_empty(field: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() {
        Err(ApiError::invalid(field, "is required"))
    } else {
        Ok(())
    }
}

pub async fn sign_in(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: SignIn = incoming.json_body()?;
    not_empty("password", request.password.as_str())?;
    let email = request.email.as_str().to_lowercase();
    let limiter = deps.limiter();
    let client_slot = limiter
        .acquire(SIGN_IN_PER_CLIENT, &client_of(incoming))
        .await?;
    let email_slot = match limiter.acquire(SIGN_IN_PER_EMAIL, &email).await {
        Ok(slot) => slot,
        Err(error) => {
            limiter.release(client_slot).await;
            return Err(error);
        }
    };
    let output = deps
        .cognito
        .initiate_auth()
        .client_id(&deps.auth.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &email)
        .auth_parameters("PASSWORD", request.password.as_str())
        .send()
        .await;
    let output = match output {
        Ok(output) => output,
        Err(error) if error_code(&error).is_some_and(|code| CREDENTIAL_ERRORS.contains(&code)) => {
            // Both slots stay taken: this was a failed attempt.
            return Err(ApiError::InvalidCredentials);
        }
        Err(error) => {
            limiter.release(client_slot).await;
            limiter.release(email_slot).await;
            return Err(portal_shared::platform::store::sdk_error(error));
        }
    };
    limiter.release(client_slot).await;
    limiter.release(email_slot).await;
    if let Some(result) = output.authentication_result() {
        sign_in_notice::after_sign_in(deps, incoming, result).await;
        return tokens(result);
    }
    // A challenge: the notice waits for the step that completes the sign-in (`/auth/mfa`).
    match (output.challenge_name(), output.session()) {
        (Some(challenge), Some(session)) => json(
            StatusCode::OK,
            &Challenge {
                challenge: challenge.as_str(),
                session,
            },
        ),
        _ => Err(ApiError::internal(
            "Cognito answered neither tokens nor a challenge",
        )),
    }
}

pub async fn refresh(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: WithRefreshToken = incoming.json_body()?;
    not_empty("refreshToken", &request.refresh_token)?;
    let output = deps
        .cognito
        .initiate_auth()
        .client_id(&deps.auth.user_pool_client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &request.refresh_token)
        .send()
        .await
        .map_err(|error| {
            if error_code(&error).is_some_and(|code| CREDENTIAL_ERRORS.contains(&code)) {
                // Revoked, expired or made up: sign in again.
                ApiError::Unauthenticated
            } else {
                portal_shared::platform::store::sdk_error(error)
            }
        })?;
    let result = output
        .authentication_result()
        .ok_or_else(|| ApiError::internal("Cognito answered a refresh without tokens"))?;
    tokens(result)
}

/// Revokes the refresh token (and the tokens issued from it): 204 also for a token that was
/// already revoked or never valid, so sign-out can be retried safely. With the access token,
/// Cognito checks it (`GetUser`: never just read) and a revocation of its sign-in
/// (`SESSION#<origin_jti>`) goes into the feed, so the ID tokens already out — which Cognito's
/// revocation does not reach — are refused within the feed's refresh interval. Only that
/// sign-in's tokens: other devices and a new sign-in, even in the same second, go on. A token
/// without `origin_jti` revokes the account's tokens issued until now (`SUB#<sub>`) instead.
pub async fn sign_out(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: SignOut = incoming.json_body()?;
    not_empty("refreshToken", &request.refresh_token)?;
    if let Some(access_token) = &request.access_token {
        not_empty("accessToken", access_token)?;
        // Before the refresh token's revocation, which makes this access token invalid.
        if let Some(sub) = account_of(deps, access_token).await? {
            // Cognito has just accepted the token: its claims are its own.
            let session = unverified_claims(access_token).and_then(|claims| {
                claims
                    .get("origin_jti")?
                    .as_str()
                    .and_then(SessionId::parse)
            });
            let subject = match session {
                Some(session) => RevokedSubject::Session(session),
                None => RevokedSubject::Account(sub),
            };
            revoke(&deps.platform.dynamo, &deps.platform.app_table, &subject).await?;
        }
    }
    let result = deps
        .cognito
        .revoke_token()
        .client_id(&deps.auth.user_pool_client_id)
        .token(&request.refresh_token)
        .send()
        .await;
    match result {
        Ok(_) => {}
        Err(error) if error_code(&error).is_some_and(|code| code == "NotAuthorizedException") => {}
        Err(error) => return Err(portal_shared::platform::store::sdk_error(error)),
    }
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}

/// The account an access token belongs to, as Cognito checks it; `None` when Cognito refuses the
/// token (expired or revoked: then the ID token issued with it has lapsed or been revoked too).
async fn account_of(deps: &Deps, access_token: &str) -> Result<Option<UserSub>, ApiError> {
    let output = match deps
        .cognito
        .get_user()
        .access_token(access_token)
        .send()
        .await
    {
        Ok(output) => output,
        Err(error)
            if error_code(&error).is_some_and(|code| {
                CREDENTIAL_ERRORS.contains(&code) || code == "InvalidParameterException"
            }) =>
        {
            return Ok(None);
        }
        Err(error) => return Err(portal_shared::platform::store::sdk_error(error)),
    };
    let sub = output
        .user_attributes()
        .iter()
        .find(|attribute| attribute.name() == "sub")
        .and_then(|attribute| attribute.value())
        .and_then(UserSub::parse);
    Ok(sub)
}
