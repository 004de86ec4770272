//! Small helpers over the Cognito client that activation and invitations share.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use portal_shared::ApiError;
use portal_shared::policy::caller::Role;

use crate::Deps;
use crate::password::Password;

pub fn attribute(name: &str, value: &str) -> Result<AttributeType, ApiError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(ApiError::internal)
}

pub fn cognito_error<E>(
    error: aws_sdk_cognitoidentityprovider::error::SdkError<
        E,
        impl std::fmt::Debug + Send + Sync + 'static,
    >,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    portal_shared::platform::store::sdk_error(error)
}

/// The service's error code, when Cognito answered with one.
pub fn error_code<E: ProvideErrorMetadata, R>(
    error: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> Option<&str> {
    error.as_service_error().and_then(|e| e.code())
}

/// The user with this email (the pool's username).
pub async fn get_user(
    deps: &Deps,
    email: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError,
    >,
> {
    deps.cognito
        .admin_get_user()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .send()
        .await
}

/// The value of one of the user's attributes.
pub fn attribute_value<'a>(attributes: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

pub async fn user_sub(deps: &Deps, email: &str) -> Result<String, ApiError> {
    let user = get_user(deps, email).await.map_err(cognito_error)?;
    attribute_value(user.user_attributes(), "sub")
        .map(str::to_owned)
        .ok_or_else(|| ApiError::internal("the user has no sub"))
}

/// Whether [`create_user`] made the user or found one with this email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    Exists,
}

/// Creates a user the backend vouches for: the email as username, verified (the practice or the
/// patient handed over the code), `attributes` besides, no invitation email from Cognito.
pub async fn create_user(
    deps: &Deps,
    email: &str,
    attributes: &[(&str, &str)],
) -> Result<Created, ApiError> {
    let mut request = deps
        .cognito
        .admin_create_user()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .user_attributes(attribute("email", email)?)
        .user_attributes(attribute("email_verified", "true")?)
        .message_action(MessageActionType::Suppress);
    for (name, value) in attributes {
        request = request.user_attributes(attribute(name, value)?);
    }
    match request.send().await {
        Ok(_) => Ok(Created::New),
        Err(error) if error_code(&error) == Some("UsernameExistsException") => Ok(Created::Exists),
        Err(error) => Err(cognito_error(error)),
    }
}

/// Sets the user's own, permanent password (422 on `password` if the pool refuses it).
pub async fn set_password(deps: &Deps, email: &str, password: &Password) -> Result<(), ApiError> {
    deps.cognito
        .admin_set_user_password()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .password(password.as_str())
        .permanent(true)
        .send()
        .await
        .map_err(|error| {
            if error_code(&error) == Some("InvalidPasswordException") {
                ApiError::invalid("password", "does not meet the password policy")
            } else {
                cognito_error(error)
            }
        })?;
    Ok(())
}

pub async fn add_to_group(deps: &Deps, email: &str, role: Role) -> Result<(), ApiError> {
    deps.cognito
        .admin_add_user_to_group()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .group_name(role.group())
        .send()
        .await
        .map_err(cognito_error)?;
    Ok(())
}

/// "3 attempts left", "1 attempt left".
pub fn attempts_left(left: u32) -> String {
    format!("{left} attempt{} left", if left == 1 { "" } else { "s" })
}
