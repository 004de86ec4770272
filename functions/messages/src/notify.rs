//! Notification records for the email/SMS sender, written in the same transaction as the
//! message they announce, in the portal's one outbox (`portal_shared::features::notification`). They say
//! *that* there is a new message and for whom, never what it says: no text, no subject, no
//! category, nothing about the patient's health.

use std::time::Duration;

use portal_shared::domain::ids::ConversationId;
use portal_shared::domain::timestamp::Timestamp;

pub use portal_shared::features::notification::Recipient;

/// Unsent notifications are useless after this; TTL removes them.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

pub use portal_shared::features::notification::{AboutConversation, Kind};

pub type Notification = portal_shared::features::notification::Notification<AboutConversation>;

/// The record announcing a new message in `conversation` to `recipient`.
pub fn new_message(
    recipient: Recipient,
    conversation: ConversationId,
    at: Timestamp,
) -> Notification {
    Notification::pending(
        Kind::NewMessage,
        recipient,
        AboutConversation {
            conversation_id: conversation,
        },
        at,
        at.plus(KEEP_FOR),
    )
}
