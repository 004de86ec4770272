//! `POST /auth/mfa/totp`: starts enrolling an authenticator app. Cognito makes the secret
//! (AssociateSoftwareToken with the caller's access token); the answer is the secret and the
//! `otpauth://` URI the app's QR code holds. Nothing changes until `/auth/mfa/totp/verify`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::cognito::error_code;
use crate::mfa::{check_access_token, pool};

/// What authenticator apps show as the account's issuer when the practice has no name set.
pub const DEFAULT_ISSUER: &str = "Patient portal";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Enrol {
    access_token: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Started {
    secret: String,
    otpauth_uri: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let request: Enrol = call.json_body()?;
    let caller = call.caller();
    check_access_token(caller, &request.access_token)?;
    let account = pool(deps).account(caller.sub.as_str()).await?;
    // A new secret would replace the app in use: it must be removed first (which takes a fresh
    // sign-in), so a borrowed session cannot swap the authenticator.
    if account.enabled {
        return Err(ApiError::Conflict(
            "An authenticator app is already on; remove it before adding another.".into(),
        ));
    }
    let output = deps
        .cognito
        .associate_software_token()
        .access_token(request.access_token.trim())
        .send()
        .await
        .map_err(|error| match error_code(&error) {
            Some("NotAuthorizedException" | "InvalidParameterException") => {
                ApiError::invalid("accessToken", "was refused; sign in again")
            }
            _ => portal_shared::platform::store::sdk_error(error),
        })?;
    let secret = output
        .secret_code()
        .ok_or_else(|| ApiError::internal("Cognito answered no secret"))?
        .to_owned();
    let issuer = deps.auth.practice_name.as_deref().unwrap_or(DEFAULT_ISSUER);
    let label = account.email.as_deref().unwrap_or(caller.sub.as_str());
    json(
        StatusCode::OK,
        &Started {
            otpauth_uri: otpauth_uri(issuer, label, &secret),
            secret,
        },
    )
}

/// The key URI authenticator apps read from a QR code (Google Authenticator's format).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let issuer = encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        encode(account),
        encode(secret)
    )
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_names_issuer_account_and_parameters() {
        let uri = otpauth_uri(
            "Maple Street Family Practice",
            "ana@example.org",
            "JBSWY3DPEHPK3PXP",
        );
        assert_eq!(
            uri,
            "otpauth://totp/Maple%20Street%20Family%20Practice:ana%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Maple%20Street%20Family%20Practice&algorithm=SHA1&digits=6&period=30"
        );
    }
}
