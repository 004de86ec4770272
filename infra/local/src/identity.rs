//! Users in the emulated Cognito pool, created the way the portal's back office creates them
//! (AdminCreateUser without an invitation, a permanent password, group membership), and
//! signing in with USER_PASSWORD_AUTH as the app client does.

use anyhow::{Context, Result};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};

use crate::stack::Stack;

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

/// Creates a staff member in the given staff groups (e.g. `["front-desk"]`).
pub async fn create_staff_user(
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

/// Signs in with USER_PASSWORD_AUTH and returns the ID token (what the API's authorizer takes).
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

/// Signs in with USER_PASSWORD_AUTH through any Cognito client (the CLI has no [`Stack`]).
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
    let result = output
        .authentication_result()
        .with_context(|| format!("{email} got a challenge instead of tokens"))?;
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
