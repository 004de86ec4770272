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

pub async fn user_sub(deps: &Deps, email: &str) -> Result<String, ApiError> {
    let user = deps
        .cognito
        .admin_get_user()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .send()
        .await
        .map_err(cognito_error)?;
    user.user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::internal("the user has no sub"))
}
