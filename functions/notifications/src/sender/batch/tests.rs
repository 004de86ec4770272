use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use portal_shared::platform::config::Settings;
use serde_json::json;

use super::*;
use crate::NotifySettings;

/// Deps whose AWS calls cannot succeed (no credentials, nothing listening, no retries): what
/// a batch does without reaching AWS, and how it treats an AWS failure.
fn offline_deps() -> Deps {
    let settings = Settings::from_lookup(|name| {
        match name {
            "APP_TABLE" => Some("app"),
            "AUDIT_TABLE" => Some("audit"),
            "CURSOR_SIGNING_SECRET_ARN" => Some("arn:aws:secretsmanager:us-east-1:1:secret:c"),
            "CODE_HASHING_SECRET_ARN" => Some("arn:aws:secretsmanager:us-east-1:1:secret:h"),
            _ => None,
        }
        .map(str::to_owned)
    })
    .expect("settings");
    let notify = NotifySettings::from_lookup(|name| {
        match name {
            "SENDER_EMAIL" => Some("portal@clinic.example"),
            "SES_CONFIGURATION_SET" => Some("portal"),
            "QUIET_HOURS" => Some("21:00-08:00"),
            "PRACTICE_TIME_ZONE" => Some("America/New_York"),
            _ => None,
        }
        .map(str::to_owned)
    })
    .expect("notify settings");
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(RetryConfig::disabled())
        .build();
    Deps::new(&settings, &notify, &sdk)
}

fn record(name: &str, sequence: &str, image: serde_json::Value) -> serde_json::Value {
    json!({
        "eventID": format!("event-{sequence}"),
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": {"PK": image["PK"].clone(), "SK": image["SK"].clone()},
            "NewImage": image,
            "SequenceNumber": sequence,
            "SizeBytes": 100,
            "StreamViewType": "NEW_IMAGE"
        }
    })
}

fn outbox_image() -> serde_json::Value {
    json!({
        "PK": {"S": "NOTIFICATIONS#1"},
        "SK": {"S": "2027-01-01T00:00:00.000Z#01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "new-portal-message"},
        "recipient": {"M": {"kind": {"S": "patient"},
                            "patientId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"}}},
        "conversationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TB"},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"}
    })
}

#[tokio::test]
async fn malformed_records_are_counted_not_retried_and_updates_are_skipped() {
    let deps = offline_deps();
    let event: Event = serde_json::from_value(json!({"Records": [
        record("INSERT", "100", json!({"PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
                                       "template": {"N": "7"}})),
        record("MODIFY", "101", outbox_image()),
        record("REMOVE", "102", outbox_image()),
        record("INSERT", "103", json!({"PK": {"S": "REMINDERS#2027-01-01T00"}, "SK": {"S": "x"}})),
    ]}))
    .expect("event");
    let (response, report) = deliver_batch(&deps, event, Timestamp::now()).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(report.records, 4);
    assert_eq!(report.failed, 1);
    assert_eq!(report.sent + report.duplicates, 0);
}

#[tokio::test]
async fn a_record_that_meets_an_aws_failure_is_named_for_the_retry() {
    let deps = offline_deps();
    let event: Event = serde_json::from_value(json!({"Records": [
        record("INSERT", "200", outbox_image()),
    ]}))
    .expect("event");
    let (response, report) = deliver_batch(&deps, event, Timestamp::now()).await;
    let failed: Vec<Option<String>> = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    assert_eq!(failed, vec![Some("200".to_owned())]);
    assert_eq!(report.sent, 0);
}
