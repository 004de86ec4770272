//! SNS topics' Lambda subscriptions, locally: the emulator cannot invoke a function, so whoever
//! stands in for the publisher (a test playing SES reporting a bounce) calls [`publish`], which
//! hands the message to every function whose template subscribes it to that topic (`SNS`
//! events), in the event shape Lambda gives it.

use anyhow::{Context, Result, bail};
use aws_lambda_events::event::sns::SnsEvent;
use serde_json::json;

use crate::registry;
use crate::stack::{FunctionConfig, Stack};

/// Delivers `message` (the SNS message body) from the topic `topic` (logical id) to its
/// subscribed functions; answers how many received it.
pub async fn publish(
    stack: &Stack,
    topic: &str,
    subject: Option<&str>,
    message: &str,
) -> Result<usize> {
    let mut delivered = 0;
    for function in stack.template.functions.iter() {
        if !function.topics.iter().any(|t| t == topic) {
            continue;
        }
        let id = &function.logical_id;
        let FunctionConfig {
            binary,
            env,
            settings,
        } = stack.function_config(function)?;
        let Some(consumer) = registry::topic_consumer_for(&binary, &settings, &stack.sdk, &env)
        else {
            bail!("function {id} (binary `{binary}`) is subscribed to {topic} but has no consumer");
        };
        let topic_arn = format!(
            "arn:aws:sns:{}:000000000000:{}-{topic}",
            stack.region, stack.prefix
        );
        let event: SnsEvent = serde_json::from_value(json!({
            "Records": [{
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": format!("{topic_arn}:{}", ulid::Ulid::generate()),
                "Sns": {
                    "Type": "Notification",
                    "MessageId": ulid::Ulid::generate().to_string(),
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": jiff::Timestamp::now().to_string(),
                    "SignatureVersion": "1",
                    "Signature": "",
                    "SigningCertUrl": "",
                    "UnsubscribeUrl": "",
                    "MessageAttributes": {},
                },
            }],
        }))
        .context("the SNS event does not read as one")?;
        consumer
            .handle(event)
            .await
            .with_context(|| format!("function {id}"))?;
        delivered += 1;
    }
    Ok(delivered)
}
