//! `AWS::Cognito::UserPool`, `UserPoolClient` and `UserPoolGroup` properties.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPool {
    #[serde(skip)]
    pub logical_id: String,
    #[serde(default)]
    pub username_attributes: Vec<String>,
    #[serde(default)]
    pub alias_attributes: Vec<String>,
    #[serde(default)]
    pub username_configuration: Option<UsernameConfiguration>,
    #[serde(default)]
    pub user_attribute_update_settings: Option<UserAttributeUpdateSettings>,
    #[serde(default)]
    pub auto_verified_attributes: Vec<String>,
    #[serde(default)]
    pub policies: Option<UserPoolPolicies>,
    #[serde(default)]
    pub mfa_configuration: Option<String>,
    #[serde(default)]
    pub enabled_mfas: Vec<String>,
    #[serde(default)]
    pub schema: Vec<SchemaAttribute>,
    #[serde(default)]
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
    #[serde(default)]
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    /// Cognito's mail through SES: `From` names the portal's sending identity, which the local
    /// stack verifies in the emulator (an operator verifies it once in the cloud).
    #[serde(default)]
    pub email_configuration: Option<EmailConfiguration>,
    /// `LambdaConfig`: each trigger (`CustomMessage`...) and the function it invokes (the logical
    /// id of `!GetAtt <Function>.Arn`). The emulator invokes none; the template test checks each
    /// has a registered handler.
    #[serde(default, deserialize_with = "lambda_triggers")]
    pub lambda_config: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailConfiguration {
    #[serde(default)]
    pub from: Option<Json>,
}

impl UserPool {
    pub fn password_policy(&self) -> Option<&PasswordPolicy> {
        self.policies.as_ref()?.password_policy.as_ref()
    }

    /// Whether only administrators may create users (no self sign-up).
    pub fn admin_create_user_only(&self) -> bool {
        self.admin_create_user_config
            .as_ref()
            .and_then(|config| config.allow_admin_create_user_only)
            .unwrap_or(false)
    }

    /// The triggers (`CustomMessage`...) that invoke the function `logical_id`.
    pub fn triggers_of<'a>(&'a self, logical_id: &'a str) -> impl Iterator<Item = &'a str> {
        self.lambda_config
            .iter()
            .filter(move |(_, function)| *function == logical_id)
            .map(|(trigger, _)| trigger.as_str())
    }

    /// Schema attributes that are custom (`custom:<name>` in tokens and attribute lists).
    pub fn custom_attributes(&self) -> impl Iterator<Item = &SchemaAttribute> {
        self.schema
            .iter()
            .filter(|a| !STANDARD_ATTRIBUTES.contains(&a.name.as_str()))
    }
}

/// OpenID Connect's standard claims, which Cognito treats as built in; any other schema name is
/// a custom attribute.
const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    #[serde(default)]
    pub case_sensitive: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserAttributeUpdateSettings {
    #[serde(default)]
    pub attributes_require_verification_before_update: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolPolicies {
    #[serde(default)]
    pub password_policy: Option<PasswordPolicy>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    #[serde(default)]
    pub minimum_length: Option<i32>,
    #[serde(default)]
    pub require_uppercase: bool,
    #[serde(default)]
    pub require_lowercase: bool,
    #[serde(default)]
    pub require_numbers: bool,
    #[serde(default)]
    pub require_symbols: bool,
    #[serde(default)]
    pub temporary_password_validity_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    pub name: String,
    #[serde(default)]
    pub attribute_data_type: Option<String>,
    #[serde(default)]
    pub mutable: Option<bool>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub developer_only_attribute: Option<bool>,
    #[serde(default)]
    pub string_attribute_constraints: Option<StringConstraints>,
    #[serde(default)]
    pub number_attribute_constraints: Option<NumberConstraints>,
}

/// CloudFormation spells these limits as strings; templates often write bare numbers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringConstraints {
    #[serde(default, deserialize_with = "string_or_number")]
    pub min_length: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub max_length: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberConstraints {
    #[serde(default, deserialize_with = "string_or_number")]
    pub min_value: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub max_value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    #[serde(default)]
    pub allow_admin_create_user_only: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    #[serde(default)]
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    pub name: String,
    pub priority: i32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClient {
    #[serde(skip)]
    pub logical_id: String,
    #[serde(default)]
    pub generate_secret: bool,
    #[serde(default)]
    pub explicit_auth_flows: Vec<String>,
    #[serde(default)]
    pub read_attributes: Vec<String>,
    #[serde(default)]
    pub write_attributes: Vec<String>,
    #[serde(default)]
    pub prevent_user_existence_errors: Option<String>,
    #[serde(default)]
    pub enable_token_revocation: Option<bool>,
    #[serde(default)]
    pub access_token_validity: Option<i32>,
    #[serde(default)]
    pub id_token_validity: Option<i32>,
    #[serde(default)]
    pub refresh_token_validity: Option<i32>,
    #[serde(default)]
    pub token_validity_units: Option<TokenValidityUnits>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    #[serde(skip)]
    pub logical_id: String,
    pub group_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub precedence: Option<i32>,
}

fn string_or_number<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(match Option::<Json>::deserialize(deserializer)? {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s),
        Some(Json::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a string or a number, found {other}"
            )));
        }
    })
}

/// `LambdaConfig` as trigger → function logical id. Only `!GetAtt <Function>.Arn` values are
/// understood; anything else (a KMS key, a custom sender's `{LambdaArn, LambdaVersion}`) is
/// refused rather than silently not emulated.
fn lambda_triggers<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let config = Option::<BTreeMap<String, Json>>::deserialize(deserializer)?.unwrap_or_default();
    config
        .into_iter()
        .map(|(trigger, value)| {
            let parts = value
                .get("Fn::GetAtt")
                .and_then(Json::as_array)
                .map(Vec::as_slice);
            match parts {
                Some([Json::String(function), Json::String(attribute)]) if attribute == "Arn" => {
                    Ok((trigger, function.clone()))
                }
                _ => Err(serde::de::Error::custom(format!(
                    "LambdaConfig.{trigger} must be !GetAtt <Function>.Arn, found {value}"
                ))),
            }
        })
        .collect()
}
