//! `POST /auth/mfa/totp/verify`: the app's first code proves it holds the secret. Cognito
//! checks it (VerifySoftwareToken); then MFA is on and preferred, `custom:mfa` is `totp`, and a
//! new set of backup codes is shown once. The client refreshes its tokens afterwards (the new
//! ID token carries `custom:mfa`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::mfa::MfaChange;
use portal_shared::platform::http::{Call, json};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::cognito::error_code;
use crate::mfa::notice::{self, Holder};
use crate::mfa::{check_access_token, new_backup_codes, pool};

/// The longest name a device may be given.
pub const MAX_DEVICE_NAME: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Verify {
    access_token: String,
    code: String,
    #[serde(default)]
    device_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShownCodes {
    pub backup_codes: Vec<String>,
}

/// Six digits, as the app shows them (spaces allowed).
fn six_digits(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn device_name(name: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(name) = name.map(str::trim).filter(|name| !name.is_empty()) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_DEVICE_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "deviceName",
            format!("must be at most {MAX_DEVICE_NAME} characters, without control characters"),
        ));
    }
    Ok(Some(name))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let request: Verify = call.json_body()?;
    let caller = call.caller();
    let code = six_digits(&request.code)
        .ok_or_else(|| ApiError::invalid("code", "must be the 6 digits the app shows"))?;
    let device = device_name(request.device_name.as_deref())?;
    check_access_token(caller, &request.access_token)?;
    let pool = pool(deps);
    let account = pool.account(caller.sub.as_str()).await?;
    if account.enabled {
        return Err(ApiError::Conflict(
            "An authenticator app is already on; remove it before adding another.".into(),
        ));
    }
    let output = deps
        .cognito
        .verify_software_token()
        .access_token(request.access_token.trim())
        .user_code(code)
        .set_friendly_device_name(device.map(str::to_owned))
        .send()
        .await
        .map_err(|error| match error_code(&error) {
            Some("CodeMismatchException" | "EnableSoftwareTokenMFAException") => {
                ApiError::invalid("code", "does not match; try the app's next code")
            }
            Some("InvalidParameterException" | "SoftwareTokenMFANotFoundException") => {
                ApiError::invalid(
                    "code",
                    "has no enrolment to verify; start with POST /auth/mfa/totp",
                )
            }
            Some("NotAuthorizedException") => {
                ApiError::invalid("accessToken", "was refused; sign in again")
            }
            _ => portal_shared::platform::store::sdk_error(error),
        })?;
    if output
        .status()
        .is_some_and(|status| status.as_str() != "SUCCESS")
    {
        return Err(ApiError::invalid(
            "code",
            "does not match; try the app's next code",
        ));
    }
    pool.turn_on(caller.sub.as_str()).await?;
    let backup_codes = new_backup_codes(deps, &caller.sub).await?;
    let holder = Holder {
        sub: caller.sub.clone(),
        patient_id: caller.patient_id,
        email: account.email,
        locale: account.locale,
    };
    notice::tell(deps, call.request_id(), &holder, MfaChange::TurnedOn).await;
    json(StatusCode::OK, &ShownCodes { backup_codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(six_digits("123 456").as_deref(), Some("123456"));
        assert_eq!(six_digits("12345"), None);
        assert_eq!(six_digits("12345a"), None);
        assert_eq!(six_digits("1234567"), None);
    }

    #[test]
    fn device_names_are_short_plain_text() {
        assert_eq!(device_name(None).ok(), Some(None));
        assert_eq!(device_name(Some("  ")).ok(), Some(None));
        assert_eq!(
            device_name(Some("Ana's phone")).ok(),
            Some(Some("Ana's phone"))
        );
        assert!(device_name(Some(&"x".repeat(65))).is_err());
        assert!(device_name(Some("a\u{7}b")).is_err());
    }
}
