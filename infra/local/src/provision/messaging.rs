//! What the notification sender needs in the emulator: the SES sending identity and
//! configuration set, and the SQS queues that receive what failed every attempt.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use aws_config::SdkConfig;

use crate::template::Template;

/// Verifies the sending identity and creates the configuration sets. Test stacks share one
/// emulator and the template names them the same, so "already exists" is success.
pub(super) async fn provision_mail(sdk: &SdkConfig, template: &Template) -> Result<()> {
    let ses = aws_sdk_sesv2::Client::new(sdk);
    if let Some(identity) = template.sender_identity()? {
        // moto holds every identity it is told of as verified; in the cloud an operator verifies
        // the address or its domain once (docs/runbook.md, "Notifications").
        ses.create_email_identity()
            .email_identity(&identity)
            .send()
            .await
            .map(|_| ())
            .or_else(|error| already_exists(error.into_service_error()))
            .with_context(|| format!("cannot create the SES identity {identity}"))?;
    }
    for name in &template.configuration_sets {
        let name = template.resolve_plain(name)?;
        ses.create_configuration_set()
            .configuration_set_name(&name)
            .send()
            .await
            .map(|_| ())
            .or_else(|error| already_exists(error.into_service_error()))
            .with_context(|| format!("cannot create the SES configuration set {name}"))?;
    }
    Ok(())
}

fn already_exists<E>(error: E) -> Result<()>
where
    E: aws_sdk_sesv2::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if error.code() == Some("AlreadyExistsException") {
        Ok(())
    } else {
        Err(anyhow::Error::from(error))
    }
}

/// Creates every queue; returns (logical id → queue URL).
pub(super) async fn create_queues(
    sdk: &SdkConfig,
    prefix: &str,
    template: &Template,
) -> Result<BTreeMap<String, String>> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let mut queues = BTreeMap::new();
    for logical_id in &template.queues {
        let name = format!("{prefix}-{logical_id}");
        let created = sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .with_context(|| format!("cannot create the queue {name}"))?;
        let url = created
            .queue_url
            .with_context(|| format!("the queue {name} has no URL"))?;
        queues.insert(logical_id.clone(), url);
    }
    Ok(queues)
}
