//! Patients' suggestions as stored and as shown; the ideas themselves are the catalogue's.

use portal_shared::domain::ids::{IdeaId, PatientId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

pub use crate::catalogue::idea::Idea;

/// Where a patient's suggestion stands (also the name of its staff queue,
/// `keys::suggestions_queue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionStatus {
    /// Waiting for a portal lead.
    Pending,
    /// It became an idea (`ideaId`).
    Accepted,
    /// Not taken up (with the reason, which its author reads).
    Declined,
}

impl SuggestionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            SuggestionStatus::Pending => "pending",
            SuggestionStatus::Accepted => "accepted",
            SuggestionStatus::Declined => "declined",
        }
    }

    /// The status named `raw` exactly (`pending`), or `None`.
    pub fn parse(raw: &str) -> Option<SuggestionStatus> {
        [
            SuggestionStatus::Pending,
            SuggestionStatus::Accepted,
            SuggestionStatus::Declined,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw)
    }
}

/// A patient's suggestion of an idea (`keys::suggestion`, in the patient's partition); as
/// stored and as shown to the portal lead.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub suggestion_id: SuggestionId,
    pub patient_id: PatientId,
    pub title: String,
    pub description: String,
    pub status: SuggestionStatus,
    /// Why it was declined (only with `declined`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The idea it became (only with `accepted`).
    #[serde(default)]
    pub idea_id: Option<IdeaId>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub decided_at: Option<Timestamp>,
}
