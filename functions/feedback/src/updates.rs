//! A patient's in-app feedback updates ("an idea you supported is now planned", "your
//! suggestion was accepted", "the practice answered your comment"): written beside the outbox
//! record that emails the same news, listed in `GET /patients/{patientId}/feedback`.
//!
//! Each update's key is deterministic for the news it tells (`keys::feedback_update`), and
//! it is written only if absent: a retried fan-out never tells anyone twice.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::{FeedbackId, IdeaId, PatientId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};
use portal_shared::policy::authz::PatientAccess;
use serde::{Deserialize, Serialize};

/// Updates a patient's list shows (the newest first).
pub const MAX_LISTED: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateKind {
    /// An idea the patient voted for, or whose feature they rated, changed status.
    IdeaStatus,
    /// The practice accepted or declined the patient's suggestion.
    SuggestionDecided,
    /// The practice answered the patient's comment.
    FeedbackAnswered,
}

/// One update, as stored and as shown. The title is the idea's or the suggestion's (the
/// practice's words or the patient's own), shown only to the patient after sign-in.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackUpdate {
    pub at: Timestamp,
    pub kind: UpdateKind,
    #[serde(default)]
    pub idea_id: Option<IdeaId>,
    #[serde(default)]
    pub title: Option<String>,
    /// The idea's new status, or `accepted` / `declined` for a suggestion.
    #[serde(default)]
    pub status: Option<String>,
    /// Why an idea was declined, or a suggestion not taken up.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub suggestion_id: Option<SuggestionId>,
    #[serde(default)]
    pub feedback_id: Option<FeedbackId>,
}

/// The write of one update for `patient`, only if the same news (`dedupe`) was not told yet;
/// for the transaction that also puts the outbox record. A failed condition means it was.
pub fn put(
    table: &str,
    patient: PatientId,
    dedupe: &str,
    update: &FeedbackUpdate,
) -> Result<TransactWriteItem, ApiError> {
    store::create_put(table, &keys::feedback_update(patient, dedupe), update)
}

/// The patient's updates, newest first (at most [`MAX_LISTED`]).
pub async fn updates_of(
    dynamo: &Client,
    table: &str,
    access: &PatientAccess,
) -> Result<Vec<FeedbackUpdate>, ApiError> {
    let patient = access.patient();
    let mut updates: Vec<FeedbackUpdate> = store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::patient_partition(patient)))
            .expression_attribute_values(":prefix", string(keys::FEEDBACK_UPDATE_PREFIX))
            .set_exclusive_start_key(start_after)
    })
    .await?;
    updates.sort_by_key(|update| std::cmp::Reverse(update.at));
    updates.truncate(MAX_LISTED);
    Ok(updates)
}
