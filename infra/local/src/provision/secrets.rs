//! The template's `AWS::SecretsManager::Secret`s, created in the emulator (moto serves Secrets
//! Manager) with a generated value, as `GenerateSecretString` would in the cloud. Functions read
//! them through the SDK by ARN (`!Ref`), like deployed ones.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use aws_config::SdkConfig;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;

use crate::secret::{CreatedSecret, random_alphanumeric};
use crate::template::Template;

/// Creates every secret as `<prefix>-<LogicalId>`; a name that exists already (a stack started
/// again on the same emulator) keeps its value.
pub(super) async fn create_secrets(
    sdk: &SdkConfig,
    prefix: &str,
    template: &Template,
) -> Result<BTreeMap<String, CreatedSecret>> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let mut created = BTreeMap::new();
    for secret in &template.secrets {
        let name = format!("{prefix}-{}", secret.logical_id);
        let value = secret
            .secret_string
            .clone()
            .unwrap_or_else(|| random_alphanumeric(secret.generated_length()));
        let made = match client
            .create_secret()
            .name(&name)
            .secret_string(&value)
            .send()
            .await
        {
            Ok(output) => CreatedSecret {
                arn: output
                    .arn()
                    .context("CreateSecret answered no ARN")?
                    .to_owned(),
                value,
            },
            Err(error) if error.code() == Some("ResourceExistsException") => {
                let existing = client
                    .get_secret_value()
                    .secret_id(&name)
                    .send()
                    .await
                    .with_context(|| format!("cannot read the existing secret {name}"))?;
                CreatedSecret {
                    arn: existing.arn().context("no ARN")?.to_owned(),
                    value: existing.secret_string().unwrap_or_default().to_owned(),
                }
            }
            Err(error) => {
                return Err(anyhow::Error::from(error.into_service_error()))
                    .with_context(|| format!("cannot create the secret {name}"));
            }
        };
        created.insert(secret.logical_id.clone(), made);
    }
    Ok(created)
}
