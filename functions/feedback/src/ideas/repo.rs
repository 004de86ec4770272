//! The ideas' and suggestions' reads and writes. An idea is one item in the `IDEAS` partition,
//! replaced under its `version`; a suggestion is one item in its author's partition, on GSI1
//! in the queue of its status. A decision moves the suggestion to its new queue, creates the
//! idea it becomes, and tells its author (in-app update and outbox record), in one transaction.
//!
//! An idea also carries two attributes that are not part of what is shown: `statusVersion`
//! (the version whose change set the current status: the news its supporters are told) and
//! `toldThrough` (the last `statusVersion` whose supporters were all told). A fan-out cut
//! short leaves them apart, and the next save of the idea finishes it (see `tell`).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::{IdeaId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::{LostWrite, transact_retrying};
use portal_shared::policy::authz::{PatientAccess, StaffAccess};
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

use crate::ideas::model::{Idea, Suggestion, SuggestionStatus};

/// The idea's attributes that may be absent (removed when an update leaves them out).
const OPTIONAL_IDEA_ATTRIBUTES: &[&str] = &["declineReason", "feature", "suggestionId"];

/// The most suggestions one status's list answers (see `suggestions`).
pub const MAX_QUEUE_LISTED: i32 = 500;

/// Where an idea's news stands: which change its supporters are to hear of, and whether they
/// all have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Telling {
    /// The version whose change set the current status; `None` while it is the first one.
    #[serde(default)]
    pub status_version: Option<u64>,
    /// The last `statusVersion` whose supporters were all told.
    #[serde(default)]
    pub told_through: Option<u64>,
}

impl Telling {
    /// The status change whose telling was cut short, if any.
    pub fn unfinished(self) -> Option<u64> {
        self.status_version
            .filter(|version| self.told_through != Some(*version))
    }
}

/// An idea as an update writes it: what is shown, and the version its status comes from.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedIdea<'a> {
    #[serde(flatten)]
    idea: &'a Idea,
    status_version: Option<u64>,
}

/// A suggestion as stored: also in the staff queue of its status (GSI1).
#[derive(Serialize)]
struct StoredSuggestion<'a> {
    #[serde(flatten)]
    suggestion: &'a Suggestion,
    #[serde(rename = "GSI1PK")]
    queue: String,
    #[serde(rename = "GSI1SK")]
    queue_position: String,
}

fn queue_position(suggestion: &Suggestion) -> String {
    format!("{}#{}", suggestion.created_at, suggestion.suggestion_id)
}

/// Why a decision was not recorded. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotDecided {
    /// Someone decided the suggestion first.
    AlreadyDecided,
    /// Other writes to it kept colliding with this one.
    Contention,
}

/// What one telling transaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TellOutcome {
    Told,
    /// The recipient had been told of this change already: nothing was written.
    AlreadyTold,
}

pub struct IdeaStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> IdeaStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        IdeaStore { dynamo, table }
    }

    pub fn table(&self) -> &str {
        self.table
    }

    /// The write that creates `idea` (never over an existing one), for `create_once` or a
    /// decision's transaction.
    pub fn idea_creation(&self, idea: &Idea) -> Result<TransactWriteItem, ApiError> {
        store::create_put(self.table, &keys::idea(idea.idea_id), idea)
    }

    /// One idea and where its news stands (consistent), or `None`.
    pub async fn load(
        &self,
        _access: &StaffAccess,
        id: IdeaId,
    ) -> Result<Option<(Idea, Telling)>, ApiError> {
        let Some(item) = store::get_item(self.dynamo, self.table, &keys::idea(id), None).await?
        else {
            return Ok(None);
        };
        let telling: Telling = store::from_item(item.clone())?;
        let idea: Idea = store::from_item(item)?;
        Ok(Some((idea, telling)))
    }

    /// Replaces what is shown of the idea (and its `statusVersion`), only if it is still at
    /// version `expected`; `toldThrough` is left as it is. [`LostWrite::Changed`] when it is
    /// not (or it is gone).
    pub async fn save(
        &self,
        _access: &StaffAccess,
        expected: u64,
        idea: &Idea,
        status_version: Option<u64>,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let set = store::set_attributes(
            &SavedIdea {
                idea,
                status_version,
            },
            OPTIONAL_IDEA_ATTRIBUTES,
        )?;
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::idea(idea.idea_id).attributes()))
            .update_expression(set.expression)
            .set_expression_attribute_names(Some(set.names))
            .set_expression_attribute_values(Some(set.values))
            .condition_expression("#expectedVersion = :expected")
            .expression_attribute_names("#expectedVersion", "version")
            .expression_attribute_values(":expected", store::number(expected))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Ok(())),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Records that everyone was told of the change at `status_version`, unless the status
    /// changed again meanwhile (then that change's telling is what remains to finish).
    pub async fn mark_told(&self, idea: IdeaId, status_version: u64) -> Result<(), ApiError> {
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::idea(idea).attributes()))
            .update_expression("SET #told = :version")
            .condition_expression("#status = :version")
            .expression_attribute_names("#told", "toldThrough")
            .expression_attribute_names("#status", "statusVersion")
            .expression_attribute_values(":version", store::number(status_version))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if store::is_condition_failure(&error) => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Runs one recipient's telling transaction (its first write is the deduplicating one,
    /// created only if absent), again while it loses to contention.
    pub async fn tell(&self, items: Vec<TransactWriteItem>) -> Result<TellOutcome, ApiError> {
        match transact_retrying(self.dynamo, items).await? {
            Transacted::Done => Ok(TellOutcome::Told),
            Transacted::ConditionsFailed(failed) if failed == [0] => Ok(TellOutcome::AlreadyTold),
            Transacted::ConditionsFailed(_) => Err(ApiError::internal(
                "a new outbox record collided with an existing item",
            )),
            Transacted::Contention => Err(ApiError::Conflict(
                "Telling the idea's supporters kept colliding with other writes; save the idea \
                 again unchanged to finish (nobody already told is told twice)."
                    .into(),
            )),
        }
    }

    /// The write that records a new suggestion in its author's partition and the pending
    /// queue, for `create_once`.
    pub fn suggestion_creation(
        &self,
        access: &PatientAccess,
        suggestion: &Suggestion,
    ) -> Result<TransactWriteItem, ApiError> {
        debug_assert_eq!(access.patient(), suggestion.patient_id);
        let stored = StoredSuggestion {
            suggestion,
            queue: keys::suggestions_queue(suggestion.status.as_str()),
            queue_position: queue_position(suggestion),
        };
        store::create_put(
            self.table,
            &keys::suggestion(suggestion.patient_id, suggestion.suggestion_id),
            &stored,
        )
    }

    /// One suggestion of the patient (consistent), or `None`.
    pub async fn suggestion(
        &self,
        access: &PatientAccess,
        id: SuggestionId,
    ) -> Result<Option<Suggestion>, ApiError> {
        store::get_item(
            self.dynamo,
            self.table,
            &keys::suggestion(access.patient(), id),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }

    /// The suggestions in one status's queue, oldest first: the oldest
    /// [`MAX_QUEUE_LISTED`] of the pending ones (the work to do, in order), the newest of the
    /// decided ones. GSI1 (eventually consistent).
    pub async fn queue(
        &self,
        _access: &StaffAccess,
        status: SuggestionStatus,
    ) -> Result<Vec<Suggestion>, ApiError> {
        let oldest_first = status == SuggestionStatus::Pending;
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :queue")
            .expression_attribute_values(":queue", string(keys::suggestions_queue(status.as_str())))
            .scan_index_forward(oldest_first)
            .limit(MAX_QUEUE_LISTED);
        let (mut found, _): (Vec<Suggestion>, Option<Item>) = store::query_page(query).await?;
        if !oldest_first {
            found.reverse();
        }
        Ok(found)
    }

    /// Records the decision on a pending suggestion, atomically with what follows from it:
    /// the suggestion moves to the queue of its new status (only if it is still pending), the
    /// idea it becomes is created (`accepted`), and `telling` (its author's in-app update and
    /// outbox record) is written.
    pub async fn decide(
        &self,
        access: &PatientAccess,
        decided: &Suggestion,
        by: &UserSub,
        idea: Option<&Idea>,
        telling: Vec<TransactWriteItem>,
    ) -> Result<Result<(), NotDecided>, ApiError> {
        debug_assert_eq!(access.patient(), decided.patient_id);
        let mut items = vec![self.decision_update(decided, by)?];
        items.extend(telling);
        if let Some(idea) = idea {
            items.push(self.idea_creation(idea)?);
        }
        Ok(match transact_retrying(self.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(_) => Err(NotDecided::AlreadyDecided),
            Transacted::Contention => Err(NotDecided::Contention),
        })
    }

    fn decision_update(
        &self,
        decided: &Suggestion,
        by: &UserSub,
    ) -> Result<TransactWriteItem, ApiError> {
        let decided_at = decided.decided_at.unwrap_or_else(Timestamp::now);
        let mut sets = vec![
            "#status = :status",
            "#decidedAt = :decidedAt",
            "#decidedBy = :decidedBy",
            "#queue = :queue",
        ];
        let mut update = Update::builder()
            .table_name(self.table)
            .set_key(Some(key_of(decided).attributes()))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#decidedAt", "decidedAt")
            .expression_attribute_names("#decidedBy", "decidedBy")
            .expression_attribute_names("#queue", keys::GSI1PK)
            .expression_attribute_values(":status", string(decided.status.as_str()))
            .expression_attribute_values(":pending", string(SuggestionStatus::Pending.as_str()))
            .expression_attribute_values(":decidedAt", string(decided_at.to_string()))
            .expression_attribute_values(":decidedBy", string(by.to_string()))
            .expression_attribute_values(
                ":queue",
                string(keys::suggestions_queue(decided.status.as_str())),
            );
        if let Some(reason) = &decided.reason {
            sets.push("#reason = :reason");
            update = update
                .expression_attribute_names("#reason", "reason")
                .expression_attribute_values(":reason", string(reason.clone()));
        }
        if let Some(idea) = decided.idea_id {
            sets.push("#ideaId = :ideaId");
            update = update
                .expression_attribute_names("#ideaId", "ideaId")
                .expression_attribute_values(":ideaId", string(idea.to_string()));
        }
        let update = update
            .update_expression(format!("SET {}", sets.join(", ")))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

fn key_of(suggestion: &Suggestion) -> Key {
    keys::suggestion(suggestion.patient_id, suggestion.suggestion_id)
}
