//! What the education function keeps in the patient's partition: the topics clinicians
//! assigned (`EDUCATION#ASSIGNED#<topic>`) and the patient's helpful votes
//! (`EDUCATION#VOTE#<topic>`), one each per topic. The partition is the patient, so the access
//! bounds what is read and written.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};
use portal_shared::policy::authz::PatientAccess;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

use crate::library::topic::{StaffName, TopicId};
use crate::matching::Assigned;

/// A topic a clinician shared with the patient (re-assigning replaces the note).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub patient_id: PatientId,
    pub topic_id: TopicId,
    #[serde(default)]
    pub note: Option<String>,
    pub assigned_by: StaffName,
    /// Who assigned it, for the record (not shown).
    pub assigned_by_id: UserSub,
    pub assigned_at: Timestamp,
}

impl Assignment {
    pub fn as_assigned(&self) -> Assigned {
        Assigned {
            topic_id: self.topic_id.clone(),
            note: self.note.clone(),
            assigned_by: self.assigned_by.clone(),
            assigned_at: self.assigned_at,
        }
    }
}

/// The patient's vote on a topic (by the patient or a caregiver for them).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vote {
    pub patient_id: PatientId,
    pub topic_id: TopicId,
    pub helpful: bool,
    pub at: Timestamp,
}

pub struct PatientStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> PatientStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        PatientStore { dynamo, table }
    }

    pub async fn assignments(&self, access: &PatientAccess) -> Result<Vec<Assignment>, ApiError> {
        self.all(access, keys::education_assignment_prefix()).await
    }

    pub async fn votes(&self, access: &PatientAccess) -> Result<Vec<Vote>, ApiError> {
        self.all(access, keys::education_vote_prefix()).await
    }

    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        access: &PatientAccess,
        prefix: &'static str,
    ) -> Result<Vec<T>, ApiError> {
        let partition = keys::patient_partition(access.patient());
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(partition.clone()))
                .expression_attribute_values(":prefix", string(prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    pub async fn assignment(
        &self,
        access: &PatientAccess,
        topic: &TopicId,
    ) -> Result<Option<Assignment>, ApiError> {
        self.one(&keys::education_assignment(
            access.patient(),
            topic.as_str(),
        ))
        .await
    }

    pub async fn vote(
        &self,
        access: &PatientAccess,
        topic: &TopicId,
    ) -> Result<Option<Vote>, ApiError> {
        self.one(&keys::education_vote(access.patient(), topic.as_str()))
            .await
    }

    async fn one<T: serde::de::DeserializeOwned>(
        &self,
        key: &keys::Key,
    ) -> Result<Option<T>, ApiError> {
        store::get_item(self.dynamo, self.table, key, None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// The write of `assignment`, if the stored one is still `read` (none, or the one
    /// assigned at that time).
    pub fn assignment_put(
        &self,
        assignment: &Assignment,
        read: Option<Timestamp>,
    ) -> Result<TransactWriteItem, ApiError> {
        let key = keys::education_assignment(assignment.patient_id, assignment.topic_id.as_str());
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(&key, assignment)?));
        store::transact_put(match read {
            None => put.condition_expression("attribute_not_exists(PK)"),
            Some(at) => put
                .condition_expression("#at = :read")
                .expression_attribute_names("#at", "assignedAt")
                .expression_attribute_values(":read", string(at.to_string())),
        })
    }

    /// Removes an assignment; `false` when there was none.
    pub async fn unassign(
        &self,
        access: &PatientAccess,
        topic: &TopicId,
    ) -> Result<bool, ApiError> {
        let result = self
            .dynamo
            .delete_item()
            .table_name(self.table)
            .set_key(Some(
                keys::education_assignment(access.patient(), topic.as_str()).attributes(),
            ))
            .condition_expression("attribute_exists(PK)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// The write of `vote`, if the stored one is still `read` (none, or of that value).
    pub fn vote_put(&self, vote: &Vote, read: Option<bool>) -> Result<TransactWriteItem, ApiError> {
        let key = keys::education_vote(vote.patient_id, vote.topic_id.as_str());
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(&key, vote)?));
        store::transact_put(match read {
            None => put.condition_expression("attribute_not_exists(PK)"),
            Some(helpful) => put
                .condition_expression("#helpful = :read")
                .expression_attribute_names("#helpful", "helpful")
                .expression_attribute_values(
                    ":read",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(helpful),
                ),
        })
    }
}
