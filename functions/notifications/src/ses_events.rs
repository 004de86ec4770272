//! SES's bounce and complaint events (the configuration set publishes them to an SNS topic the
//! bounces function subscribes to). A permanent bounce or a complaint suppresses the address;
//! transient bounces, deliveries and anything unreadable are counted and left alone.
//! Addresses are never logged.

use aws_lambda_events::event::sns::SnsEvent;
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use serde::Deserialize;

use crate::suppression::{self, Address, Why};
use crate::{Deps, SesEventReport};

/// Suppresses every address a batch of events names. A failed write fails the batch, for SNS
/// to deliver it again (suppressing twice changes nothing).
pub async fn record(
    deps: &Deps,
    event: SnsEvent,
    now: Timestamp,
) -> Result<SesEventReport, ApiError> {
    let mut report = SesEventReport::default();
    for record in event.records {
        let (addresses, why) = match parse(&record.sns.message) {
            SesEvent::PermanentBounce(addresses) => {
                report.bounces += 1;
                (addresses, Why::Bounce)
            }
            SesEvent::Complaint(addresses) => {
                report.complaints += 1;
                (addresses, Why::Complaint)
            }
            SesEvent::Ignored => {
                report.ignored += 1;
                continue;
            }
        };
        for address in addresses {
            suppression::record(deps, &Address::of(&address), why, now).await?;
        }
        tracing::info!(message_id = %record.sns.message_id, ?why, "address suppressed");
    }
    Ok(report)
}

/// What one event means for the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SesEvent {
    /// Addresses that bounced for good.
    PermanentBounce(Vec<String>),
    /// Addresses whose owners marked the mail as spam.
    Complaint(Vec<String>),
    /// A transient bounce, another event type, or a message that is not an SES event.
    Ignored,
}

/// The parts of an SES event-publishing record (`eventType`) or feedback notification
/// (`notificationType`) read here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    notification_type: Option<String>,
    #[serde(default)]
    bounce: Option<Bounce>,
    #[serde(default)]
    complaint: Option<Complaint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    #[serde(default)]
    bounced_recipients: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    email_address: String,
}

pub fn parse(message: &str) -> SesEvent {
    let Ok(raw) = serde_json::from_str::<Raw>(message) else {
        return SesEvent::Ignored;
    };
    let kind = raw.event_type.or(raw.notification_type).unwrap_or_default();
    let addresses = |list: Vec<Listed>| -> Vec<String> {
        list.into_iter()
            .map(|a| a.email_address)
            .filter(|a| a.contains('@'))
            .collect()
    };
    match (kind.as_str(), raw.bounce, raw.complaint) {
        ("Bounce", Some(bounce), _) if bounce.bounce_type == "Permanent" => non_empty(
            addresses(bounce.bounced_recipients),
            SesEvent::PermanentBounce,
        ),
        ("Complaint", _, Some(complaint)) => non_empty(
            addresses(complaint.complained_recipients),
            SesEvent::Complaint,
        ),
        _ => SesEvent::Ignored,
    }
}

fn non_empty(list: Vec<String>, event: fn(Vec<String>) -> SesEvent) -> SesEvent {
    if list.is_empty() {
        SesEvent::Ignored
    } else {
        event(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_permanent_bounce_names_its_addresses() {
        let message = json!({
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [{"emailAddress": "gone@example.org", "status": "5.1.1"}],
                "timestamp": "2027-01-01T00:00:00.000Z"
            },
            "mail": {"destination": ["gone@example.org"], "messageId": "x"}
        })
        .to_string();
        assert_eq!(
            parse(&message),
            SesEvent::PermanentBounce(vec!["gone@example.org".into()])
        );
    }

    #[test]
    fn a_transient_bounce_and_other_events_are_ignored() {
        let transient = json!({
            "eventType": "Bounce",
            "bounce": {"bounceType": "Transient",
                       "bouncedRecipients": [{"emailAddress": "full@example.org"}]}
        });
        assert_eq!(parse(&transient.to_string()), SesEvent::Ignored);
        let delivery = json!({"eventType": "Delivery", "mail": {"destination": ["a@b.org"]}});
        assert_eq!(parse(&delivery.to_string()), SesEvent::Ignored);
    }

    #[test]
    fn a_complaint_names_its_addresses_in_either_format() {
        let published = json!({
            "eventType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": "no@example.org"}]}
        });
        assert_eq!(
            parse(&published.to_string()),
            SesEvent::Complaint(vec!["no@example.org".into()])
        );
        let feedback = json!({
            "notificationType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": "no@example.org"}]}
        });
        assert_eq!(
            parse(&feedback.to_string()),
            SesEvent::Complaint(vec!["no@example.org".into()])
        );
    }

    #[test]
    fn garbage_is_ignored() {
        for message in [
            "",
            "not json",
            "[]",
            "{}",
            r#"{"eventType": "Bounce"}"#,
            r#"{"eventType":"Complaint","complaint":{"complainedRecipients":[]}}"#,
        ] {
            assert_eq!(parse(message), SesEvent::Ignored, "{message}");
        }
    }
}
