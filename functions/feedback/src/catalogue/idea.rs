//! Feature ideas and patients' suggestions, as stored and as shown.

use portal_shared::domain::ids::{IdeaId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::features::switches::Feature;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// One idea (`keys::idea`, in the `IDEAS` partition); as stored and as shown.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Idea {
    pub idea_id: IdeaId,
    pub title: String,
    pub description: String,
    pub benefit: String,
    pub status: IdeaStatus,
    #[serde(default)]
    pub decline_reason: Option<String>,
    /// The feature switch the idea becomes (its raters are told when it moves).
    #[serde(default)]
    pub feature: Option<Feature>,
    /// The patient's suggestion it came from.
    #[serde(default)]
    pub suggestion_id: Option<SuggestionId>,
    pub created_at: Timestamp,
    pub created_by: UserSub,
    pub updated_at: Timestamp,
    pub version: u64,
}
