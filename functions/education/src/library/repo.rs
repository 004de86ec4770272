//! The stored side of the library: topics clinicians added or edited (`EDUCATION#TOPICS`) and
//! the helpful tallies (`EDUCATION#TALLIES`), one item per topic each. Both partitions are
//! small (a practice's library is a few hundred topics at most) and read whole.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, number, string};
use portal_shared::platform::write::{self, LostWrite};
use serde::Deserialize;

use crate::library::topic::{Tally, Topic, TopicId};

pub struct LibraryStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

/// A tally as stored: the counts only (absent counts are 0).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredTally {
    topic_id: String,
    #[serde(default)]
    yes: i64,
    #[serde(default)]
    no: i64,
}

impl<'a> LibraryStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        LibraryStore { dynamo, table }
    }

    /// Every stored topic (edits of starter topics and the practice's own).
    pub async fn stored_topics(&self) -> Result<Vec<Topic>, ApiError> {
        self.partition(keys::EDUCATION_TOPICS_PARTITION).await
    }

    /// Every topic's votes, by topic id.
    pub async fn tallies(&self) -> Result<HashMap<String, Tally>, ApiError> {
        let stored: Vec<StoredTally> = self.partition(keys::EDUCATION_TALLIES_PARTITION).await?;
        Ok(stored
            .into_iter()
            .map(|t| {
                let count = |n: i64| u64::try_from(n).unwrap_or(0);
                (
                    t.topic_id,
                    Tally {
                        yes: count(t.yes),
                        no: count(t.no),
                    },
                )
            })
            .collect())
    }

    async fn partition<T: serde::de::DeserializeOwned>(
        &self,
        partition: &'static str,
    ) -> Result<Vec<T>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(partition))
                .expression_attribute_values(":prefix", string(keys::EDUCATION_TOPIC_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The stored topic of this id, if any.
    pub async fn stored_topic(&self, id: &TopicId) -> Result<Option<Topic>, ApiError> {
        store::get_item(
            self.dynamo,
            self.table,
            &keys::education_topic(id.as_str()),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }

    /// Writes `topic` (its new version) if the stored one is still at `read_version`: version
    /// 0 means none is stored yet (a starter topic never edited, or a new topic).
    pub async fn save(
        &self,
        topic: &Topic,
        read_version: u64,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(
                &keys::education_topic(topic.topic_id.as_str()),
                topic,
            )?));
        let put = if read_version == 0 {
            put.condition_expression("attribute_not_exists(PK)")
        } else {
            put.condition_expression("#version = :read")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":read", number(read_version))
        };
        write::transact(self.dynamo, vec![store::transact_put(put)?]).await
    }

    /// The change of one topic's tally (`yes` and `no` each +1, -1 or 0), for a vote's
    /// transaction.
    pub fn tally_change(
        &self,
        topic: &TopicId,
        yes: i64,
        no: i64,
    ) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::education_tally(topic.as_str()).attributes()))
            .update_expression("ADD #yes :yes, #no :no SET #topic = :topic")
            .expression_attribute_names("#yes", "yes")
            .expression_attribute_names("#no", "no")
            .expression_attribute_names("#topic", "topicId")
            .expression_attribute_values(":yes", number(yes))
            .expression_attribute_values(":no", number(no))
            .expression_attribute_values(":topic", string(topic.as_str()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}
