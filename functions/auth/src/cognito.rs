//! Small helpers over the Cognito client that activation and invitations share.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::AttributeType;
use portal_shared::ApiError;

use crate::Deps;

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
    portal_shared::store::sdk_error(error)
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

/// "3 attempts left", "1 attempt left".
pub fn attempts_left(left: u32) -> String {
    format!("{left} attempt{} left", if left == 1 { "" } else { "s" })
}
