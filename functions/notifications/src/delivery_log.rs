//! The delivery history: what became of each notification for each recipient, in the patient's
//! partition (`DELIVERY#<createdAt>#<notificationId>#<slot>`), newest first. What kind, to whom
//! (patient, caregiver, invitee), by which channel, how it ended and why: never the address or
//! the content.

use std::time::Duration;

use portal_shared::ApiError;
use portal_shared::domain::ids::{NotificationId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Channel;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item};
use serde::{Deserialize, Serialize};

use crate::Deps;

/// Delivery records stay this long (TTL): enough for the response team to answer "did I get
/// told?" questions about the last year and more.
const KEEP: Duration = Duration::from_secs(2 * 366 * 24 * 60 * 60);

/// Who a delivery went to, as the history shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientRole {
    Patient,
    Caregiver,
    Invitee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Deferred,
    Sent,
    Failed,
    Suppressed,
}

/// Why a delivery was suppressed or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Preference,
    NoContact,
    Undeliverable,
    RemindersOff,
    Expired,
    Rejected,
    Error,
}

/// One delivery (`NotificationDelivery` in the OpenAPI document), as stored and as shown.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub notification_id: NotificationId,
    /// The template's name.
    pub kind: String,
    pub recipient: RecipientRole,
    #[serde(default)]
    pub channel: Option<Channel>,
    pub status: DeliveryStatus,
    #[serde(default)]
    pub reason: Option<Reason>,
    pub attempts: u32,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryRecord<'a> {
    #[serde(flatten)]
    view: &'a DeliveryView,
    expires_at: i64,
}

/// The scope to seal a history cursor with (names the partition, so a cursor cannot move into
/// another patient's history).
pub fn cursor_scope(patient: PatientId) -> String {
    format!(
        "{}#{}",
        keys::patient_partition(patient),
        keys::DELIVERY_PREFIX
    )
}

/// Writes (or overwrites) one recipient's delivery record. `slot` names the recipient within
/// the notification (`patient`, `caregiver-<sub>`, `invitee`).
pub async fn record(
    deps: &Deps,
    patient: PatientId,
    slot: &str,
    view: &DeliveryView,
) -> Result<(), ApiError> {
    let key = keys::notification_delivery(patient, view.created_at, view.notification_id, slot);
    let keep_until = view.created_at.plus(KEEP);
    let item = store::to_item(
        &key,
        &DeliveryRecord {
            view,
            expires_at: keep_until.unix_seconds(),
        },
    )?;
    deps.platform
        .dynamo
        .put_item()
        .table_name(&deps.platform.app_table)
        .set_item(Some(item))
        .send()
        .await
        .map_err(store::sdk_error)?;
    Ok(())
}

/// One page of a patient's delivery history, newest first: at most `limit` (1 to 100)
/// deliveries from after `start_after` (an opened cursor), and where the next page starts.
/// Pair with `PageRequest::from_call(call, cursor_scope(patient), ..).await` and `PageRequest::page`.
pub async fn list(
    deps: &Deps,
    patient: PatientId,
    limit: i32,
    start_after: Option<Item>,
) -> Result<(Vec<DeliveryView>, Option<Item>), ApiError> {
    let query = deps
        .platform
        .dynamo
        .query()
        .table_name(&deps.platform.app_table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(":pk", store::string(keys::patient_partition(patient)))
        .expression_attribute_values(":prefix", store::string(keys::DELIVERY_PREFIX))
        .scan_index_forward(false)
        .consistent_read(true)
        .limit(limit.clamp(1, 100))
        .set_exclusive_start_key(start_after);
    store::query_page(query).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_delivery_shows_as_documented_and_never_an_address() {
        let view = DeliveryView {
            notification_id: NotificationId::generate(),
            kind: "appointment-reminder".into(),
            recipient: RecipientRole::Patient,
            channel: Some(Channel::Sms),
            status: DeliveryStatus::Suppressed,
            reason: Some(Reason::RemindersOff),
            attempts: 1,
            created_at: Timestamp::parse("2027-01-01T00:00:00Z").expect("at"),
            updated_at: None,
        };
        let json = serde_json::to_value(&view).expect("json");
        assert_eq!(json["recipient"], "patient");
        assert_eq!(json["channel"], "sms");
        assert_eq!(json["status"], "suppressed");
        assert_eq!(json["reason"], "reminders-off");
        assert_eq!(json["kind"], "appointment-reminder");
        let fields: Vec<&String> = json.as_object().expect("object").keys().collect();
        assert_eq!(fields.len(), 8, "{fields:?}");
        let stored = store::to_item(
            &keys::notification_delivery(
                PatientId::generate(),
                view.created_at,
                view.notification_id,
                "patient",
            ),
            &DeliveryRecord {
                view: &view,
                expires_at: 1,
            },
        )
        .expect("item");
        let back: DeliveryView = store::from_item(stored).expect("read back");
        assert_eq!(back, view);
        assert_eq!(json!(Reason::NoContact), json!("no-contact"));
    }
}
