//! "Your account was signed in to from a new browser or device": after a sign-in completes
//! (`/auth/sign-in` with tokens, or the `/auth/mfa` answer), the account holder is told when the
//! client (`sign_in_client`) has not signed in to that account in 90 days. The patient for a
//! patient's account (never their caregivers), the caregiver for a caregiver's; staff accounts
//! are left to their MFA (issue 21). Best effort: the sign-in never fails for it.
//!
//! A password reset (`/auth/password/reset`) tells the account holder too, every time
//! ([`after_password_reset`]). Both notices carry the account's `sub`, so the sender can sign
//! their "Not you? Lock your account" link (`features::lock_token`).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use portal_shared::ApiError;
use portal_shared::domain::person::Email;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::directory::UserDirectory;
use portal_shared::features::notification::{
    AboutSignIn, Kind, Notification, Recipient, SignInReason,
};
use portal_shared::platform::error::cause_chain;
use portal_shared::platform::http::Incoming;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde_json::Value;

use crate::Deps;
use crate::adoption;
use crate::cognito::error_code;
use crate::known_clients::{KnownClients, SignInNotice};
use crate::sign_in_client::client_of_request;

/// A notice unsent after a week is stale news; TTL removes it.
const KEEP_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Who signed in, from the ID token Cognito has just issued to this function (so read, not
/// verified: it did not pass through the client).
struct SignedIn {
    caller: Caller,
    email: Option<Email>,
    locale: Option<String>,
}

/// Tells the account holder of a sign-in from a new client, if it is one. Never fails: a
/// problem is logged by request id, and the sign-in goes ahead.
pub async fn after_sign_in(deps: &Deps, incoming: &Incoming, result: &AuthenticationResultType) {
    let Some(account) = result.id_token().and_then(signed_in) else {
        tracing::warn!(
            request_id = incoming.request_id(),
            "a sign-in's ID token could not be read; no new sign-in check"
        );
        return;
    };
    // A patient's sign-in counts for adoption (the day's set of patients who signed in).
    let counted = async {
        if let Some(patient) = account.caller.patient_id {
            adoption::signed_in(deps, incoming.request_id(), patient).await;
        }
    };
    let told = tell_of_new_client(deps, incoming, &account);
    tokio::join!(counted, told);
}

/// Tells the account holder of a sign-in from a client it has not used lately.
async fn tell_of_new_client(deps: &Deps, incoming: &Incoming, account: &SignedIn) {
    let Some(recipient) = recipient_of(account) else {
        return;
    };
    let now = Timestamp::now();
    let store = KnownClients {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    };
    let told = async {
        let hasher = deps.platform.code_hasher().await?;
        let keys: Vec<_> = client_of_request(&hasher, &deps.platform.cursor_key, incoming)
            .await?
            .iter()
            .map(|client| keys::known_client(&account.caller.sub, client))
            .collect();
        store
            .signed_in_from(
                &keys,
                &notice(recipient, &account.caller.sub, SignInReason::NewClient, now),
                now,
            )
            .await
    };
    if let Err(error) = told.await {
        tracing::warn!(
            request_id = incoming.request_id(),
            error = %cause_chain(&error),
            "the new sign-in check failed; the sign-in goes ahead"
        );
    }
}

/// Whom a sign-in of this account is told to: the patient (their profile's contact), else a
/// caregiver at the account's address; `None` for staff.
fn recipient_of(account: &SignedIn) -> Option<Recipient> {
    if let Some(patient_id) = account.caller.patient_id {
        return Some(Recipient::Patient { patient_id });
    }
    if !account.caller.has(Role::Caregiver) {
        return None;
    }
    Some(Recipient::Account {
        sub: account.caller.sub.clone(),
        email: account.email.clone()?,
        language: account.locale.clone(),
    })
}

fn notice(
    recipient: Recipient,
    account: &UserSub,
    reason: SignInReason,
    now: Timestamp,
) -> SignInNotice {
    Notification::pending(
        Kind::NewSignIn,
        recipient,
        AboutSignIn {
            at: now,
            account: Some(account.clone()),
            reason: Some(reason),
        },
        now,
        now.plus(KEEP_FOR),
    )
}

/// Tells the account holder that the password of the account signed in with `email` was just
/// reset (whoever did it had the emailed code). Never fails: a problem is logged by request
/// id, and the reset stands.
pub async fn after_password_reset(deps: &Deps, incoming: &Incoming, email: &str) {
    let told = async {
        let Some(account) = account_named(deps, email).await? else {
            return Ok(());
        };
        let Some(recipient) = recipient_of(&account) else {
            return Ok(());
        };
        let now = Timestamp::now();
        let notice = notice(
            recipient,
            &account.caller.sub,
            SignInReason::PasswordReset,
            now,
        );
        store::transact(
            &deps.platform.dynamo,
            vec![notice.put(&deps.platform.app_table)?],
        )
        .await?;
        Ok::<(), ApiError>(())
    };
    if let Err(error) = told.await {
        tracing::warn!(
            request_id = incoming.request_id(),
            error = %cause_chain(&error),
            "the password reset notice could not be written; the reset stands"
        );
    }
}

/// The account signed in with `email`, as its claims would name it (sub, groups, patient id,
/// email, locale): Cognito's own record of it (`AdminGetUser`, `AdminListGroupsForUser`).
async fn account_named(deps: &Deps, email: &str) -> Result<Option<SignedIn>, ApiError> {
    let output = match deps
        .cognito
        .admin_get_user()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .send()
        .await
    {
        Ok(output) => output,
        Err(error) if error_code(&error) == Some("UserNotFoundException") => return Ok(None),
        Err(error) => return Err(store::sdk_error(error)),
    };
    let groups = UserDirectory {
        cognito: &deps.cognito,
        pool_id: &deps.auth.user_pool_id,
    }
    .groups_of(output.username())
    .await?;
    let mut claims: HashMap<String, Value> = output
        .user_attributes()
        .iter()
        .filter_map(|attribute| {
            let value = attribute.value()?;
            Some((attribute.name().to_owned(), Value::from(value)))
        })
        .collect();
    claims.insert(
        "cognito:groups".into(),
        Value::from(groups.into_iter().collect::<Vec<_>>()),
    );
    Ok(signed_in_from_claims(&claims))
}

/// The account in an ID token's claims (sub, groups, patient id, email, locale).
fn signed_in(id_token: &str) -> Option<SignedIn> {
    let claims = crate::token_claims::unverified_claims(id_token)?;
    signed_in_from_claims(&claims)
}

/// The account that `claims` (a token's, or Cognito's record of the user) name.
fn signed_in_from_claims(claims: &HashMap<String, Value>) -> Option<SignedIn> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    Some(SignedIn {
        caller: Caller::from_claims(claims).ok()?,
        email: text("email").and_then(|email| Email::parse(&email).ok()),
        locale: text("locale"),
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use portal_shared::domain::ids::PatientId;
    use serde_json::json;

    use super::*;

    fn token(claims: Value) -> String {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        format!(
            "{}.{}.signature",
            encode(&json!({"alg": "RS256"})),
            encode(&claims)
        )
    }

    fn recipient(claims: Value) -> Option<Recipient> {
        recipient_of(&signed_in(&token(claims)).expect("readable"))
    }

    #[test]
    fn a_patients_sign_in_is_told_to_the_patient_alone() {
        let patient = PatientId::generate();
        let told = recipient(json!({
            "sub": "p-1", "token_use": "id", "email": "ana@example.org",
            "cognito:groups": ["patients", "caregivers"],
            "custom:patient_id": patient.to_string(),
        }));
        assert_eq!(
            told,
            Some(Recipient::Patient {
                patient_id: patient
            })
        );
    }

    #[test]
    fn a_caregivers_sign_in_is_told_to_the_account_and_staff_are_not_told() {
        let told = recipient(json!({
            "sub": "c-1", "token_use": "id", "email": "Carer@Example.org",
            "cognito:groups": ["caregivers"], "locale": "es-MX",
        }));
        let Some(Recipient::Account {
            sub,
            email,
            language,
        }) = told
        else {
            panic!("an account notice: {told:?}");
        };
        assert_eq!(sub.as_str(), "c-1");
        assert_eq!(email.as_str().to_lowercase(), "carer@example.org");
        assert_eq!(language.as_deref(), Some("es-MX"));
        let staff =
            json!({"sub": "s-1", "email": "s@example.org", "cognito:groups": ["clinicians"]});
        assert_eq!(recipient(staff), None);
    }

    #[test]
    fn a_token_that_cannot_be_read_is_no_account() {
        assert!(signed_in("not-a-jwt").is_none());
        assert!(signed_in("a.!!!.c").is_none());
        assert!(signed_in(&token(json!({"email": "x@example.org"}))).is_none());
    }
}
