//! `POST /auth/sign-in/backup-code` (public): signs in with the password and a backup code in
//! place of the authenticator app's code. The password must be right (Cognito answers the
//! sign-in with its `SOFTWARE_TOKEN_MFA` challenge); the code is used (removed from the set by
//! a conditional update: a used or wrong code is 401 like a wrong password); the account's MFA
//! is turned off, since the app is lost, so that a second sign-in gets tokens; the account
//! holder is told. Failures count per client and per email like `/auth/sign-in`.

use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::Email;
use portal_shared::features::mfa::{BACKUP_CODE_HASH_CONTEXT, BackupCode, MfaChange, turn_off};
use portal_shared::platform::http::Incoming;
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;
use serde_json::Value;

use crate::Deps;
use crate::cognito::{error_code, user_sub};
use crate::limits::{BACKUP_CODE_PER_CLIENT, BACKUP_CODE_PER_EMAIL, client_of};
use crate::mfa::notice::{self, Holder};
use crate::mfa::{codes, pool};
use crate::password::Password;
use crate::sign_in_notice;
use crate::token_claims::unverified_claims as claims;
use crate::tokens::tokens_with;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BackupSignIn {
    email: Email,
    password: Password,
    backup_code: String,
}

/// Cognito's answers to a wrong email, a wrong password or an account that cannot sign in
/// (as `/auth/sign-in` treats them): one and the same 401.
const CREDENTIAL_ERRORS: [&str; 4] = [
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
];

async fn initiate(
    deps: &Deps,
    email: &str,
    password: &Password,
) -> Result<
    InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    deps.cognito
        .initiate_auth()
        .client_id(&deps.auth.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password.as_str())
        .send()
        .await
}

pub async fn handle(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: BackupSignIn = incoming.json_body()?;
    if request.password.as_str().is_empty() {
        return Err(ApiError::invalid("password", "is required"));
    }
    let code = BackupCode::normalise(&request.backup_code).ok_or_else(|| {
        ApiError::invalid("backupCode", "must be one of your backup codes (XXXX-XXXX)")
    })?;
    let email = request.email.as_str().to_lowercase();
    let limiter = deps.limiter();
    let slots = limiter
        .acquire_both(
            (BACKUP_CODE_PER_CLIENT, BACKUP_CODE_PER_EMAIL),
            &client_of(incoming),
            &email,
        )
        .await?;

    // The password first: only its MFA challenge proves it (both slots stay taken on a
    // failure, as on any wrong answer).
    let challenged = match initiate(deps, &email, &request.password).await {
        Ok(output) => output,
        Err(error) if error_code(&error).is_some_and(|code| CREDENTIAL_ERRORS.contains(&code)) => {
            return Err(ApiError::InvalidCredentials);
        }
        Err(error) => {
            limiter.release_both(slots).await;
            return Err(portal_shared::platform::store::sdk_error(error));
        }
    };
    // Tokens at once, or another challenge: no authenticator app, so no backup code is valid.
    if challenged.challenge_name() != Some(&ChallengeNameType::SoftwareTokenMfa) {
        return Err(ApiError::InvalidCredentials);
    }

    let sub = UserSub::parse(&user_sub(deps, &email).await?)
        .ok_or_else(|| ApiError::internal("the user's sub is not one"))?;
    let hasher = deps.platform.code_hasher().await?;
    let candidates = hasher.lookup_hex(BACKUP_CODE_HASH_CONTEXT, code.as_str());
    let codes = codes(deps);
    if !codes.consume(&sub, &candidates).await? {
        return Err(ApiError::InvalidCredentials);
    }

    // The app is lost: MFA off, so that Cognito issues tokens to the password alone.
    turn_off(&pool(deps), &codes, &sub).await?;
    let signed_in = initiate(deps, &email, &request.password)
        .await
        .map_err(portal_shared::platform::store::sdk_error)?;
    limiter.release_both(slots).await;
    let result = signed_in
        .authentication_result()
        .ok_or_else(|| ApiError::internal("Cognito answered a challenge after MFA was off"))?;

    let claims = result.id_token().and_then(claims).unwrap_or_default();
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let holder = Holder {
        sub,
        patient_id: text("custom:patient_id").and_then(|id| PatientId::parse(&id)),
        email: Some(email),
        locale: text("locale"),
    };
    notice::tell(
        deps,
        incoming.request_id(),
        &holder,
        MfaChange::BackupCodeUsed,
    )
    .await;
    sign_in_notice::after_sign_in(deps, incoming, result).await;
    tokens_with(result, true)
}
