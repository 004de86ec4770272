//! What the notification sender really sent: the emulator keeps every SES email and SNS text
//! (moto's `/moto-api/data.json`), so tests read the delivered message, not our own records.
//! The emulator is shared by every test (and the web journeys): tests look for their own
//! patients' unique addresses and numbers.

use std::time::Duration;

use crate::*;
use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;

/// An email as SES accepted it.
#[derive(Debug, Clone, Deserialize)]
pub struct SentEmail {
    pub id: String,
    pub source: String,
    pub subject: String,
    /// The HTML part (moto keeps the HTML body when there is one).
    pub body: String,
    pub destinations: Destinations,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Destinations {
    #[serde(rename = "ToAddresses", default)]
    pub to: Vec<String>,
}

/// A text as SNS accepted it.
#[derive(Debug, Clone, Deserialize)]
pub struct SentText {
    pub message_id: String,
    pub phone_number: String,
    pub message: String,
}

/// How long a notification may take from the write that announces it to the emulator's
/// mailbox (the stream reader polls every 100 ms; the emulator is busy under the suite).
pub const DELIVERY_WAIT: Duration = Duration::from_secs(90);

impl TestApp {
    async fn emulator_data(&self) -> Value {
        self.on_stack(|stack| async move {
            let url = format!("{}/moto-api/data.json", stack.endpoint);
            let data: Value = reqwest::get(&url)
                .await
                .context("the emulator's data")?
                .json()
                .await
                .context("the emulator's data is JSON")?;
            Ok(data)
        })
        .await
        .expect("reading what the emulator sent")
    }

    /// Every email sent to `address` so far, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<SentEmail> {
        let data = self.emulator_data().await;
        let all: Vec<SentEmail> =
            serde_json::from_value(data.pointer("/ses/Message").cloned().unwrap_or_default())
                .unwrap_or_default();
        all.into_iter()
            .filter(|email| {
                email
                    .destinations
                    .to
                    .iter()
                    .any(|to| to.eq_ignore_ascii_case(address))
            })
            .collect()
    }

    /// Every text sent to `phone` (E.164) so far, oldest first.
    pub async fn texts_to(&self, phone: &str) -> Vec<SentText> {
        let data = self.emulator_data().await;
        let all: Vec<SentText> =
            serde_json::from_value(data.pointer("/sns/SMS").cloned().unwrap_or_default())
                .unwrap_or_default();
        all.into_iter()
            .filter(|text| text.phone_number == phone)
            .collect()
    }

    /// Waits until `address` has received at least `count` emails (the sender runs behind the
    /// table's stream), then returns them all.
    pub async fn wait_for_emails(&self, address: &str, count: usize) -> Vec<SentEmail> {
        let deadline = tokio::time::Instant::now() + DELIVERY_WAIT;
        loop {
            let emails = self.emails_to(address).await;
            if emails.len() >= count || tokio::time::Instant::now() > deadline {
                assert!(
                    emails.len() >= count,
                    "{address} received {} emails, expected {count}",
                    emails.len()
                );
                return emails;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `phone` has received at least `count` texts, then returns them all.
    pub async fn wait_for_texts(&self, phone: &str, count: usize) -> Vec<SentText> {
        let deadline = tokio::time::Instant::now() + DELIVERY_WAIT;
        loop {
            let texts = self.texts_to(phone).await;
            if texts.len() >= count || tokio::time::Instant::now() > deadline {
                assert!(
                    texts.len() >= count,
                    "{phone} received {} texts, expected {count}",
                    texts.len()
                );
                return texts;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Plays SES reporting an event (a bounce or complaint, in SES's event-publishing JSON)
    /// through the template's SES events topic to the functions subscribed to it.
    pub async fn publish_ses_event(&self, event: Value) {
        self.on_stack(move |stack| async move {
            let delivered =
                portal_local::topics::publish(&stack, "SesEventsTopic", None, &event.to_string())
                    .await?;
            anyhow::ensure!(delivered > 0, "no function is subscribed to SesEventsTopic");
            Ok(())
        })
        .await
        .expect("publishing an SES event");
    }

    /// Runs the scheduled notification release once now (due reminders into the outbox; held
    /// texts out), as its schedule would.
    pub async fn release_notifications(&self) -> String {
        self.on_stack(|stack| async move {
            let function = stack
                .template
                .function("NotificationReleaseFunction")
                .context("NotificationReleaseFunction")?;
            let config = stack.function_config(function)?;
            let job = portal_local::registry::job_for(
                &config.binary,
                &config.settings,
                &stack.sdk,
                &config.env,
            )
            .context("the release job")?;
            job.run().await
        })
        .await
        .expect("the notification release")
    }
}

impl TestApp {
    /// What the notification sender's on-failure destination holds (stream batches that failed
    /// every attempt, as `DDBStreamBatchInfo` descriptions), left in the queue for others.
    pub async fn notification_failures(&self) -> Vec<Value> {
        self.on_stack(|stack| async move {
            let queue = stack
                .queues
                .get("NotificationFailuresQueue")
                .context("NotificationFailuresQueue")?
                .clone();
            let received = aws_sdk_sqs::Client::new(&stack.sdk)
                .receive_message()
                .queue_url(queue)
                .max_number_of_messages(10)
                .visibility_timeout(0)
                .send()
                .await?;
            Ok(received
                .messages
                .unwrap_or_default()
                .into_iter()
                .filter_map(|message| serde_json::from_str(message.body()?).ok())
                .collect())
        })
        .await
        .expect("reading the notification failures queue")
    }
}

impl TestApp {
    /// Hands the notification sender `record` (an outbox item, as `outbox_where` reads it) as
    /// the stream would deliver its insert again; answers the items the sender reported as
    /// failed (none, for a duplicate).
    pub async fn deliver_again(&self, record: &Value) -> Vec<String> {
        let record = record.clone();
        self.on_stack(move |stack| async move {
            let item: serde_dynamo::Item =
                serde_dynamo::to_item(&record).context("the record as an item")?;
            let image = serde_json::to_value(&item)?;
            let keys = serde_json::json!({"PK": image["PK"], "SK": image["SK"]});
            let event = serde_json::from_value(serde_json::json!({"Records": [{
                "eventID": ulid::Ulid::generate().to_string(),
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": stack.region,
                "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/app/stream/again",
                "dynamodb": {
                    "Keys": keys,
                    "NewImage": image,
                    "SequenceNumber": ulid::Ulid::generate().to_string(),
                    "SizeBytes": 512,
                    "ApproximateCreationDateTime": jiff::Timestamp::now().as_second(),
                    "StreamViewType": "NEW_IMAGE",
                },
            }]}))
            .context("a stream event")?;
            let function = stack
                .template
                .function("NotificationSenderFunction")
                .context("NotificationSenderFunction")?;
            let config = stack.function_config(function)?;
            let consumer = portal_local::registry::stream_consumer_for(
                &config.binary,
                &config.settings,
                &stack.sdk,
                &config.env,
            )
            .context("the sender")?;
            let response = consumer.handle(event).await?;
            Ok(response
                .batch_item_failures
                .into_iter()
                .filter_map(|failure| failure.item_identifier)
                .collect())
        })
        .await
        .expect("delivering the record again")
    }
}
