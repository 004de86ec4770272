//! The user pool, its app client and groups.

use anyhow::{Context, Result};
use aws_sdk_cognitoidentityprovider as cognito;

use super::non_empty;
use crate::template;

pub(super) async fn create_user_pool(
    client: &cognito::Client,
    prefix: &str,
    pool: &template::UserPool,
) -> Result<String> {
    use cognito::types::{
        AccountRecoverySettingType, AdminCreateUserConfigType, PasswordPolicyType,
        RecoveryOptionNameType, RecoveryOptionType, UserPoolMfaType, UserPoolPolicyType,
        UsernameAttributeType, VerifiedAttributeType,
    };

    let name = format!("{prefix}-{}", pool.logical_id);
    let mut request = client
        .create_user_pool()
        .pool_name(&name)
        .set_username_attributes(non_empty(
            pool.username_attributes
                .iter()
                .map(|a| UsernameAttributeType::from(a.as_str())),
        ))
        .set_alias_attributes(non_empty(
            pool.alias_attributes
                .iter()
                .map(|a| cognito::types::AliasAttributeType::from(a.as_str())),
        ))
        .set_auto_verified_attributes(non_empty(
            pool.auto_verified_attributes
                .iter()
                .map(|a| VerifiedAttributeType::from(a.as_str())),
        ))
        .set_schema(non_empty(pool.schema.iter().map(schema_attribute)))
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(pool.admin_create_user_only())
                .build(),
        );
    if let Some(policy) = pool.password_policy() {
        request = request.policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .set_minimum_length(policy.minimum_length)
                        .require_uppercase(policy.require_uppercase)
                        .require_lowercase(policy.require_lowercase)
                        .require_numbers(policy.require_numbers)
                        .require_symbols(policy.require_symbols)
                        .set_temporary_password_validity_days(
                            policy.temporary_password_validity_days,
                        )
                        .build(),
                )
                .build(),
        );
    }
    if let Some(config) = &pool.username_configuration {
        request = request.username_configuration(
            cognito::types::UsernameConfigurationType::builder()
                .set_case_sensitive(config.case_sensitive)
                .build()?,
        );
    }
    if let Some(settings) = &pool.user_attribute_update_settings {
        request = request.user_attribute_update_settings(
            cognito::types::UserAttributeUpdateSettingsType::builder()
                .set_attributes_require_verification_before_update(non_empty(
                    settings
                        .attributes_require_verification_before_update
                        .iter()
                        .map(|a| VerifiedAttributeType::from(a.as_str())),
                ))
                .build(),
        );
    }
    if let Some(mfa) = &pool.mfa_configuration {
        request = request.mfa_configuration(UserPoolMfaType::from(mfa.as_str()));
    }
    if let Some(recovery) = &pool.account_recovery_setting {
        let mut setting = AccountRecoverySettingType::builder();
        for option in &recovery.recovery_mechanisms {
            setting = setting.recovery_mechanisms(
                RecoveryOptionType::builder()
                    .name(RecoveryOptionNameType::from(option.name.as_str()))
                    .priority(option.priority)
                    .build()?,
            );
        }
        request = request.account_recovery_setting(setting.build());
    }
    let created = request
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot create user pool {name}"))?;
    let pool_id = created
        .user_pool()
        .and_then(|p| p.id())
        .context("CreateUserPool returned no id")?
        .to_owned();

    // CloudFormation's EnabledMfas is a separate API call.
    if pool.enabled_mfas.iter().any(|m| m == "SOFTWARE_TOKEN_MFA") {
        client
            .set_user_pool_mfa_config()
            .user_pool_id(&pool_id)
            .software_token_mfa_configuration(
                cognito::types::SoftwareTokenMfaConfigType::builder()
                    .enabled(true)
                    .build(),
            )
            .set_mfa_configuration(pool.mfa_configuration.as_deref().map(UserPoolMfaType::from))
            .send()
            .await
            .map_err(|e| e.into_service_error())
            .context("cannot enable software-token MFA")?;
    }
    Ok(pool_id)
}

fn schema_attribute(a: &template::SchemaAttribute) -> cognito::types::SchemaAttributeType {
    use cognito::types::{
        AttributeDataType, NumberAttributeConstraintsType, SchemaAttributeType,
        StringAttributeConstraintsType,
    };
    SchemaAttributeType::builder()
        .name(&a.name)
        .set_attribute_data_type(
            a.attribute_data_type
                .as_deref()
                .map(AttributeDataType::from),
        )
        .set_mutable(a.mutable)
        .set_required(a.required)
        .set_developer_only_attribute(a.developer_only_attribute)
        .set_string_attribute_constraints(a.string_attribute_constraints.as_ref().map(|c| {
            StringAttributeConstraintsType::builder()
                .set_min_length(c.min_length.clone())
                .set_max_length(c.max_length.clone())
                .build()
        }))
        .set_number_attribute_constraints(a.number_attribute_constraints.as_ref().map(|c| {
            NumberAttributeConstraintsType::builder()
                .set_min_value(c.min_value.clone())
                .set_max_value(c.max_value.clone())
                .build()
        }))
        .build()
}

pub(super) async fn create_client(
    client: &cognito::Client,
    prefix: &str,
    pool_id: &str,
    app: &template::UserPoolClient,
) -> Result<String> {
    use cognito::types::{
        ExplicitAuthFlowsType, PreventUserExistenceErrorTypes, TimeUnitsType,
        TokenValidityUnitsType,
    };

    let name = format!("{prefix}-{}", app.logical_id);
    let units = app.token_validity_units.as_ref().map(|u| {
        TokenValidityUnitsType::builder()
            .set_access_token(u.access_token.as_deref().map(TimeUnitsType::from))
            .set_id_token(u.id_token.as_deref().map(TimeUnitsType::from))
            .set_refresh_token(u.refresh_token.as_deref().map(TimeUnitsType::from))
            .build()
    });
    let created = client
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name(&name)
        .generate_secret(app.generate_secret)
        .set_explicit_auth_flows(non_empty(
            app.explicit_auth_flows
                .iter()
                .map(|f| ExplicitAuthFlowsType::from(f.as_str())),
        ))
        .set_read_attributes(non_empty(app.read_attributes.iter().cloned()))
        .set_write_attributes(non_empty(app.write_attributes.iter().cloned()))
        .set_prevent_user_existence_errors(
            app.prevent_user_existence_errors
                .as_deref()
                .map(PreventUserExistenceErrorTypes::from),
        )
        .set_enable_token_revocation(app.enable_token_revocation)
        .set_access_token_validity(app.access_token_validity)
        .set_id_token_validity(app.id_token_validity)
        .set_refresh_token_validity(app.refresh_token_validity)
        .set_token_validity_units(units)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot create user pool client {name}"))?;
    Ok(created
        .user_pool_client()
        .and_then(|c| c.client_id())
        .context("CreateUserPoolClient returned no id")?
        .to_owned())
}

pub(super) async fn create_group(
    client: &cognito::Client,
    pool_id: &str,
    group: &template::Group,
) -> Result<String> {
    client
        .create_group()
        .user_pool_id(pool_id)
        .group_name(&group.group_name)
        .set_description(group.description.clone())
        .set_precedence(group.precedence)
        .send()
        .await
        .map_err(|e| e.into_service_error())
        .with_context(|| format!("cannot create group {}", group.group_name))?;
    Ok(group.group_name.clone())
}
