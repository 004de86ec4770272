//! The notification outbox: one record per thing someone is to be told ("You have a new message
//! in your portal", "An earlier appointment is held for you"), written in the same transaction
//! as the change it announces, for an email/SMS sender to deliver. A record says *that*
//! something happened and for whom: ids, a template name and, where the template needs them, a
//! date and time. Never message text, a subject, a reason, a provider or anything else about the
//! patient's health: the sender looks up the recipient's contact details itself.
//!
//! Every feature writes to the same outbox, `NOTIFICATIONS#<shard>` ([`keys::notification`]),
//! so one sender reads every shard oldest first and finds everything. Reminders are not here:
//! they fall due later, and wait in their own per-hour partitions (`keys::appointment_reminder`).

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{NotificationId, PatientId};
use crate::domain::timestamp::Timestamp;
use crate::platform::keys::{self, Key};
use crate::platform::store;
use crate::policy::caller::UserSub;

/// Who is to be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Recipient {
    /// The patient (and, by the sender's choice, caregivers who act for them).
    #[serde(rename_all = "camelCase")]
    Patient { patient_id: PatientId },
    /// Everyone in a staff group (unassigned work in that team's queue).
    #[serde(rename_all = "camelCase")]
    StaffTeam { group: String },
    /// One staff member (the one the work is assigned to).
    #[serde(rename_all = "camelCase")]
    StaffMember { sub: UserSub },
}

/// One outbox record. `About` holds what the template refers to (a conversation's id; an
/// appointment's id and the held slot's time): ids and times only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification<About> {
    pub notification_id: NotificationId,
    /// The fixed text the sender sends, by name.
    pub template: String,
    pub recipient: Recipient,
    #[serde(flatten)]
    pub about: About,
    pub created_at: Timestamp,
    /// `pending` until the sender records what it did.
    pub status: String,
    /// Unsent records are useless after this; TTL removes them.
    pub expires_at: i64,
}

impl<About: Serialize> Notification<About> {
    /// A record to send, made at `at`, kept until `keep_until`.
    pub fn pending(
        template: &str,
        recipient: Recipient,
        about: About,
        at: Timestamp,
        keep_until: Timestamp,
    ) -> Self {
        Notification {
            notification_id: NotificationId::generate(),
            template: template.to_owned(),
            recipient,
            about,
            created_at: at,
            status: "pending".to_owned(),
            expires_at: keep_until.unix_seconds(),
        }
    }

    pub fn key(&self) -> Key {
        keys::notification(self.created_at, self.notification_id)
    }

    /// The write that puts this record in the outbox (new ids only), for the transaction of
    /// the change it announces.
    pub fn put(&self, table: &str) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(table)
                .set_item(Some(store::to_item(&self.key(), self)?))
                .condition_expression("attribute_not_exists(PK)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AboutThing {
        thing_id: String,
    }

    #[test]
    fn what_it_is_about_sits_beside_the_envelope() {
        let at = Timestamp::now();
        let note = Notification::pending(
            "test-template",
            Recipient::StaffTeam {
                group: "clinicians".into(),
            },
            AboutThing {
                thing_id: "T1".into(),
            },
            at,
            at,
        );
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["thingId"], "T1");
        assert_eq!(json["recipient"]["kind"], "staff-team");
        assert_eq!(json["status"], "pending");
        let back: Notification<AboutThing> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.thing_id, "T1");
        assert!(note.key().pk.starts_with("NOTIFICATIONS#"));
    }
}
