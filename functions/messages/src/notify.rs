//! Notification records for the email/SMS sender, written in the same transaction as the
//! message they announce. They say *that* there is a new message and for whom, never what it
//! says: no text, no subject, no category, nothing about the patient's health. The sender
//! (a later feature) reads each `NOTIFICATIONS#<shard>` partition oldest first, looks up the
//! recipient's contact details itself and sends the fixed text of `template`.

use std::time::Duration;

use portal_shared::caller::UserSub;
use portal_shared::ids::{ConversationId, NotificationId, PatientId};
use portal_shared::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// Unsent notifications are useless after this; TTL removes them.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// The one message the sender sends for this record.
pub const NEW_MESSAGE_TEMPLATE: &str = "new-portal-message";
/// What that template says, for the documentation and the sender.
pub const NEW_MESSAGE_TEXT: &str = "You have a new message in your portal.";

/// Who is to be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Recipient {
    /// The patient (and, by the sender's choice, caregivers who act for them).
    #[serde(rename_all = "camelCase")]
    Patient { patient_id: PatientId },
    /// Everyone in a staff group (an unassigned conversation in that team's inbox).
    #[serde(rename_all = "camelCase")]
    StaffTeam { group: String },
    /// The staff member the conversation is assigned to.
    #[serde(rename_all = "camelCase")]
    StaffMember { sub: UserSub },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub notification_id: NotificationId,
    pub template: String,
    pub recipient: Recipient,
    /// An opaque id the sender may use to link to the conversation and to merge several
    /// notifications about one conversation into one email.
    pub conversation_id: ConversationId,
    pub created_at: Timestamp,
    /// `pending` until the sender records what it did.
    pub status: String,
    pub expires_at: i64,
}

impl Notification {
    pub fn new_message(recipient: Recipient, conversation: ConversationId, at: Timestamp) -> Self {
        Notification {
            notification_id: NotificationId::generate(),
            template: NEW_MESSAGE_TEMPLATE.to_owned(),
            recipient,
            conversation_id: conversation,
            created_at: at,
            status: "pending".to_owned(),
            expires_at: at.plus(KEEP_FOR).unix_seconds(),
        }
    }
}
