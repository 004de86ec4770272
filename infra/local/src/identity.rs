//! Users in the emulated Cognito pool, created the way the portal's back office creates them
//! (AdminCreateUser without an invitation, a permanent password, group membership), and
//! signing in with USER_PASSWORD_AUTH as the app client does.
//!
//! Staff must have an authenticator app (the Authorizer refuses staff work without it), so
//! staff users are enrolled for real as the auth function's enrolment does it:
//! AssociateSoftwareToken, VerifySoftwareToken with a TOTP computed from the returned secret,
//! software-token MFA enabled and preferred, `custom:mfa=totp`. Their secrets are kept in this
//! process ([`totp_secret`]; the demo seed also writes them to the stack file), and
//! [`sign_in`] answers the `SOFTWARE_TOKEN_MFA` challenge with the current code.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, MessageActionType, SoftwareTokenMfaSettingsType,
};

use crate::stack::Stack;
use crate::totp;

/// The value of `custom:mfa` once an authenticator app is enrolled.
pub const MFA_ATTRIBUTE: &str = "custom:mfa";
pub const MFA_TOTP: &str = portal_shared::policy::caller::MFA_TOTP;

/// The authenticator secrets of the users enrolled (or made known) in this process, by
/// lower-case email.
static TOTP_SECRETS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// Makes `email`'s authenticator secret known to [`sign_in`] (e.g. read from the stack file,
/// or returned by the API's enrolment).
pub fn remember_totp_secret(email: &str, secret: &str) {
    if let Ok(mut secrets) = TOTP_SECRETS.lock() {
        secrets
            .get_or_insert_with(HashMap::new)
            .insert(email.to_lowercase(), secret.to_owned());
    }
}

/// The authenticator secret of `email`, when this process knows it.
pub fn totp_secret(email: &str) -> Option<String> {
    TOTP_SECRETS
        .lock()
        .ok()
        .and_then(|secrets| secrets.as_ref()?.get(&email.to_lowercase()).cloned())
}

/// The password of every demo user; it meets the pool's policy.
pub const DEMO_PASSWORD: &str = "Demo-Portal-2026!";

/// The staff groups, one per staff role.
pub const STAFF_GROUPS: &[&str] = &[
    "clinicians",
    "front-desk",
    "response-team",
    "portal-leads",
    "admins",
];

/// The group of patient accounts.
pub const PATIENTS_GROUP: &str = "patients";

/// A new user: email is the username (the pool uses `UsernameAttributes: [email]`).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// Extra attributes, e.g. `("given_name", "Ana")` or `("custom:patient_id", id)`.
    pub attributes: Vec<(&'a str, &'a str)>,
    pub groups: Vec<&'a str>,
}

/// Creates a confirmed user with a permanent password, in the given groups. Returns the user's
/// `sub`.
pub async fn create_user(stack: &Stack, user: &NewUser<'_>) -> Result<String> {
    let cognito = stack.cognito();
    let mut attributes = vec![
        attribute("email", user.email)?,
        attribute("email_verified", "true")?,
    ];
    for (name, value) in &user.attributes {
        attributes.push(attribute(name, value)?);
    }
    let created = cognito
        .admin_create_user()
        .user_pool_id(&stack.user_pool_id)
        .username(user.email)
        .set_user_attributes(Some(attributes))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot create user {}", user.email))?;
    cognito
        .admin_set_user_password()
        .user_pool_id(&stack.user_pool_id)
        .username(user.email)
        .password(user.password)
        .permanent(true)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot set the password of {}", user.email))?;
    for group in &user.groups {
        cognito
            .admin_add_user_to_group()
            .user_pool_id(&stack.user_pool_id)
            .username(user.email)
            .group_name(*group)
            .send()
            .await
            .map_err(|e| e.into_service_error())
            .with_context(|| format!("cannot add {} to {group}", user.email))?;
    }
    let sub = created
        .user()
        .map(|u| u.attributes())
        .unwrap_or_default()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap_or_default()
        .to_owned();
    Ok(sub)
}

/// Creates a staff member in the given staff groups (e.g. `["front-desk"]`), with an
/// authenticator app enrolled ([`enrol_totp`]). Returns the user's `sub`.
pub async fn create_staff_user(
    stack: &Stack,
    email: &str,
    given_name: &str,
    family_name: &str,
    groups: &[&str],
    password: &str,
) -> Result<String> {
    let sub =
        create_staff_user_without_mfa(stack, email, given_name, family_name, groups, password)
            .await?;
    enrol_totp(stack, email, password).await?;
    Ok(sub)
}

/// Creates a staff member who has not enrolled an authenticator app yet: they sign in, but
/// every staff route refuses them `mfa-required` until they enrol.
pub async fn create_staff_user_without_mfa(
    stack: &Stack,
    email: &str,
    given_name: &str,
    family_name: &str,
    groups: &[&str],
    password: &str,
) -> Result<String> {
    create_user(
        stack,
        &NewUser {
            email,
            password,
            attributes: vec![("given_name", given_name), ("family_name", family_name)],
            groups: groups.to_vec(),
        },
    )
    .await
}

/// Enrols an authenticator app for a user who has none yet, as the auth function's enrolment
/// does (AssociateSoftwareToken, VerifySoftwareToken with the current code, MFA enabled and
/// preferred, `custom:mfa=totp`). Returns the secret (base32), also kept for [`sign_in`].
pub async fn enrol_totp(stack: &Stack, email: &str, password: &str) -> Result<String> {
    let cognito = stack.cognito();
    let tokens = sign_in_tokens(&cognito, &stack.user_pool_client_id, email, password).await?;
    let associated = cognito
        .associate_software_token()
        .access_token(&tokens.access_token)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot start {email}'s authenticator enrolment"))?;
    let secret = associated
        .secret_code()
        .context("AssociateSoftwareToken answered no secret")?
        .to_owned();
    cognito
        .verify_software_token()
        .access_token(&tokens.access_token)
        .user_code(totp::code_now(&secret)?)
        .friendly_device_name("Local authenticator")
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot verify {email}'s authenticator"))?;
    cognito
        .admin_set_user_mfa_preference()
        .user_pool_id(&stack.user_pool_id)
        .username(email)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot turn on {email}'s MFA"))?;
    cognito
        .admin_update_user_attributes()
        .user_pool_id(&stack.user_pool_id)
        .username(email)
        .user_attributes(attribute(MFA_ATTRIBUTE, MFA_TOTP)?)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot mark {email} as enrolled"))?;
    remember_totp_secret(email, &secret);
    Ok(secret)
}

/// Creates the sign-in of an already registered patient: a user in `patients` whose
/// `custom:patient_id` (which only the back office may write) is `patient_id`.
pub async fn create_patient_login(
    stack: &Stack,
    email: &str,
    patient_id: &str,
    password: &str,
) -> Result<String> {
    create_user(
        stack,
        &NewUser {
            email,
            password,
            attributes: vec![("custom:patient_id", patient_id)],
            groups: vec![PATIENTS_GROUP],
        },
    )
    .await
}

/// Tokens from a sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
}

/// Signs in with USER_PASSWORD_AUTH (answering an MFA challenge with the user's current code)
/// and returns the ID token (what the API's authorizer takes).
pub async fn sign_in(stack: &Stack, email: &str, password: &str) -> Result<String> {
    Ok(sign_in_tokens(
        &stack.cognito(),
        &stack.user_pool_client_id,
        email,
        password,
    )
    .await?
    .id_token)
}

/// Signs in with USER_PASSWORD_AUTH through any Cognito client (the CLI has no [`Stack`]). A
/// `SOFTWARE_TOKEN_MFA` challenge is answered with the current code of the user's known
/// secret ([`totp_secret`]); an error when none is known.
pub async fn sign_in_tokens(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    client_id: &str,
    email: &str,
    password: &str,
) -> Result<Tokens> {
    let output = cognito
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("{email} cannot sign in"))?;
    let answered;
    let result = match (output.authentication_result(), output.challenge_name()) {
        (Some(result), _) => result,
        (None, Some(ChallengeNameType::SoftwareTokenMfa)) => {
            let Some(secret) = totp_secret(email) else {
                bail!("{email} has an authenticator app and this process does not know its secret");
            };
            answered = cognito
                .respond_to_auth_challenge()
                .client_id(client_id)
                .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                .set_session(output.session().map(str::to_owned))
                .challenge_responses("USERNAME", email)
                .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp::code_now(&secret)?)
                .send()
                .await
                .map_err(|e| e.into_service_error())
                .with_context(|| format!("{email}'s authenticator code was refused"))?;
            answered
                .authentication_result()
                .with_context(|| format!("{email} got another challenge after the code"))?
        }
        (None, challenge) => bail!("{email} got the challenge {challenge:?} instead of tokens"),
    };
    Ok(Tokens {
        id_token: result.id_token().context("no ID token")?.to_owned(),
        access_token: result.access_token().context("no access token")?.to_owned(),
        refresh_token: result.refresh_token().map(str::to_owned),
    })
}

fn attribute(name: &str, value: &str) -> Result<AttributeType> {
    Ok(AttributeType::builder().name(name).value(value).build()?)
}

/// The `sub` of an existing user (empty if Cognito returns none).
pub async fn user_sub(stack: &Stack, email: &str) -> Result<String> {
    let user = stack
        .cognito()
        .admin_get_user()
        .user_pool_id(&stack.user_pool_id)
        .username(email)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot read user {email}"))?;
    Ok(user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap_or_default()
        .to_owned())
}
