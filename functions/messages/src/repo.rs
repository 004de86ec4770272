//! The conversations' reads and writes. Everything in a patient's partition takes the
//! `PatientAccess` the authorizer issued (and audited) for it; the inbox reads take the
//! `StaffAccess` of the inbox action.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, Select, TransactWriteItem, Update};
use futures::future::try_join_all;
use portal_shared::ApiError;
use portal_shared::domain::ids::ConversationId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item};
use portal_shared::platform::write::{self, LostWrite};
use portal_shared::policy::authz::{PatientAccess, StaffAccess};
use portal_shared::policy::caller::UserSub;
use serde::Serialize;

use crate::model::{Category, Conversation, Message, ReferenceTarget};
use crate::notify::Notification;

/// A conversation as stored: in its category's inbox (GSI1) while open or waiting on the
/// patient, in its assignee's list (GSI3) while open or waiting and assigned, and always in
/// the patient's list by last activity (GSI2). Every change rewrites the whole item in one
/// conditional Put, so the three index entries move together with the state.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct StoredConversation<'a> {
    #[serde(flatten)]
    conversation: &'a Conversation,
    #[serde(rename = "GSI1PK")]
    inbox: Option<String>,
    #[serde(rename = "GSI1SK")]
    inbox_position: Option<String>,
    #[serde(rename = "GSI3PK")]
    assigned: Option<String>,
    #[serde(rename = "GSI3SK")]
    assigned_position: Option<String>,
    #[serde(rename = "GSI2PK")]
    patient_list: String,
    #[serde(rename = "GSI2SK")]
    patient_list_position: String,
}

fn stored(conversation: &Conversation) -> StoredConversation<'_> {
    let id = conversation.conversation_id;
    let inbox = conversation
        .status
        .inbox_state()
        .zip(conversation.inbox_since());
    let assigned = conversation.assignee.as_ref().zip(inbox);
    StoredConversation {
        conversation,
        inbox: inbox.map(|(state, _)| {
            keys::inbox_partition(conversation.category.as_str(), state, keys::inbox_shard(id))
        }),
        inbox_position: inbox.map(|(_, since)| keys::inbox_sort(since, id)),
        assigned: assigned.map(|(assignee, _)| keys::assigned_conversations(&assignee.sub)),
        assigned_position: assigned.map(|(_, (_, since))| keys::inbox_sort(since, id)),
        patient_list: keys::patient_conversations(conversation.patient_id),
        patient_list_position: keys::conversation_activity_sort(conversation.last_activity_at, id),
    }
}

/// Where a conversation read from its assignee's list (GSI3) stands in it: the table and
/// index key attributes a page resumes after.
fn assigned_list_position(conversation: &Conversation) -> Item {
    let mut position =
        keys::conversation(conversation.patient_id, conversation.conversation_id).attributes();
    let stored = stored(conversation);
    if let (Some(list), Some(sort)) = (stored.assigned, stored.assigned_position) {
        position.insert(keys::GSI3PK.to_owned(), store::string(list));
        position.insert(keys::GSI3SK.to_owned(), store::string(sort));
    }
    position
}

/// The inbox sort key of a conversation read from an inbox.
pub fn inbox_position(conversation: &Conversation) -> Option<String> {
    conversation
        .inbox_since()
        .map(|since| keys::inbox_sort(since, conversation.conversation_id))
}

pub struct ConversationStore<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

impl<'a> ConversationStore<'a> {
    fn put(&self, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(item))
                .condition_expression(condition),
        )
    }

    /// The conversation, written only if it is new (`expected` = None) or still at `expected`.
    fn conversation_write(
        &self,
        access: &PatientAccess,
        conversation: &Conversation,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, ApiError> {
        debug_assert_eq!(conversation.patient_id, access.patient());
        let key = keys::conversation(access.patient(), conversation.conversation_id);
        let item = store::to_item(&key, &stored(conversation))?;
        let Some(expected) = expected else {
            return self.put(item, "attribute_not_exists(PK)");
        };
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(item))
                .condition_expression("#version = :expected")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected", store::number(expected)),
        )
    }

    fn message_write(
        &self,
        access: &PatientAccess,
        message: &Message,
    ) -> Result<TransactWriteItem, ApiError> {
        let key = keys::message(access.patient(), message.conversation_id, message.seq);
        self.put(store::to_item(&key, message)?, "attribute_not_exists(PK)")
    }

    /// Adds `delta` to the patient's unread total.
    fn unread_total_change(
        &self,
        access: &PatientAccess,
        delta: i64,
    ) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::messaging_summary(access.patient()).attributes()))
            .update_expression("ADD #unread :delta")
            .expression_attribute_names("#unread", "unread")
            .expression_attribute_values(":delta", store::number(delta))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    fn notification_write(
        &self,
        notification: &Notification,
    ) -> Result<TransactWriteItem, ApiError> {
        notification.put(self.table)
    }

    /// The writes that start a conversation with its first message.
    pub fn start(
        &self,
        access: &PatientAccess,
        conversation: &Conversation,
        first: &Message,
        notification: &Notification,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        Ok(vec![
            self.conversation_write(access, conversation, None)?,
            self.message_write(access, first)?,
            self.notification_write(notification)?,
        ])
    }

    /// The writes of one more message: the message, the conversation's new state (if it is
    /// still at `expected`), the patient's unread total and the notification, all or nothing.
    pub fn send(
        &self,
        access: &PatientAccess,
        conversation: &Conversation,
        expected: u64,
        message: &Message,
        unread_delta: i64,
        notification: &Notification,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut items = vec![
            self.conversation_write(access, conversation, Some(expected))?,
            self.message_write(access, message)?,
            self.notification_write(notification)?,
        ];
        if unread_delta != 0 {
            items.push(self.unread_total_change(access, unread_delta)?);
        }
        Ok(items)
    }

    /// Saves a changed conversation (and moves the unread total by `unread_delta`) if it is
    /// still at `expected` ([`LostWrite::Changed`]: another message or staff action landed
    /// since it was read).
    pub async fn save(
        &self,
        access: &PatientAccess,
        conversation: &Conversation,
        expected: u64,
        unread_delta: i64,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let mut items = vec![self.conversation_write(access, conversation, Some(expected))?];
        if unread_delta != 0 {
            items.push(self.unread_total_change(access, unread_delta)?);
        }
        write::transact(self.dynamo, items).await
    }

    pub async fn load(
        &self,
        access: &PatientAccess,
        conversation: ConversationId,
    ) -> Result<Option<Conversation>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::conversation(access.patient(), conversation),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// Whether the record or appointment a new conversation is about exists in the patient's
    /// partition (GetItem of its key, the key attribute only).
    pub async fn reference_exists(
        &self,
        access: &PatientAccess,
        target: &ReferenceTarget,
    ) -> Result<bool, ApiError> {
        let key = match target {
            ReferenceTarget::Record(id) => keys::health_record(access.patient(), id),
            ReferenceTarget::Appointment(id) => keys::appointment(access.patient(), *id),
        };
        let item = store::get_item(self.dynamo, self.table, &key, Some(keys::PK)).await?;
        Ok(item.is_some())
    }

    /// One page of a conversation's messages, oldest first.
    pub async fn messages(
        &self,
        access: &PatientAccess,
        conversation: ConversationId,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Message>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(
                ":pk",
                store::string(keys::patient_partition(access.patient())),
            )
            .expression_attribute_values(
                ":prefix",
                store::string(keys::message_prefix(conversation)),
            )
            .scan_index_forward(true)
            .consistent_read(true)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page::<Message>(query).await
    }

    /// One page of the patient's conversations, most recent activity first (GSI2).
    pub async fn conversations(
        &self,
        access: &PatientAccess,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Conversation>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI2)
            .key_condition_expression("GSI2PK = :list")
            .expression_attribute_values(
                ":list",
                store::string(keys::patient_conversations(access.patient())),
            )
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page::<Conversation>(query).await
    }

    /// The patient's unread total across conversations.
    pub async fn unread_total(&self, access: &PatientAccess) -> Result<u64, ApiError> {
        #[derive(serde::Deserialize)]
        struct Summary {
            #[serde(default)]
            unread: i64,
        }
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::messaging_summary(access.patient()),
            None,
        )
        .await?;
        let summary: Option<Summary> = item.map(store::from_item).transpose()?;
        Ok(summary.map_or(0, |s| s.unread.max(0) as u64))
    }

    /// Up to `limit` conversations of one inbox shard, oldest first, after `after` (a sort key).
    /// Also says whether the shard holds more.
    pub async fn inbox_shard(
        &self,
        _access: &StaffAccess,
        category: Category,
        state: &str,
        shard: u32,
        after: Option<&str>,
        limit: i32,
    ) -> Result<(Vec<Conversation>, bool), ApiError> {
        let mut query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI1)
            .expression_attribute_values(
                ":inbox",
                store::string(keys::inbox_partition(category.as_str(), state, shard)),
            )
            .scan_index_forward(true)
            .limit(limit);
        query = match after {
            Some(after) => query
                .key_condition_expression("GSI1PK = :inbox AND GSI1SK > :after")
                .expression_attribute_values(":after", store::string(after)),
            None => query.key_condition_expression("GSI1PK = :inbox"),
        };
        let output = query.send().await.map_err(store::sdk_error)?;
        let conversations = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(store::from_item)
            .collect::<Result<Vec<Conversation>, ApiError>>()?;
        Ok((conversations, output.last_evaluated_key.is_some()))
    }

    /// One page of the conversations assigned to `assignee` that wait on someone (GSI3),
    /// oldest wait first, in `categories` only. The category test drops only conversations of
    /// a team the assignee has left since; it is applied after the read, so the page is filled
    /// by reading on ([`store::filled_page`]) rather than cut short.
    pub async fn assigned(
        &self,
        _access: &StaffAccess,
        assignee: &UserSub,
        categories: &[Category],
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Conversation>, Option<Item>), ApiError> {
        let list = keys::assigned_conversations(assignee);
        let query = |start_after: Option<Item>| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI3)
                .key_condition_expression("GSI3PK = :assignee")
                .expression_attribute_values(":assignee", store::string(list.clone()))
                .scan_index_forward(true)
                .set_exclusive_start_key(start_after)
        };
        store::filled_page(
            query,
            limit,
            start_after,
            |conversation: &Conversation| categories.contains(&conversation.category),
            assigned_list_position,
        )
        .await
    }

    /// How many conversations one inbox state of a category holds, all shards at once; with
    /// `before`, only those in it since before that instant. One Query per shard with
    /// `Select = COUNT` and a key condition only (no filter), following `LastEvaluatedKey`:
    /// DynamoDB counts the index entries without returning them.
    pub async fn inbox_count(
        &self,
        _access: &StaffAccess,
        category: Category,
        state: &str,
        before: Option<Timestamp>,
    ) -> Result<u64, ApiError> {
        let counts = (0..keys::INBOX_SHARDS).map(|shard| async move {
            let mut total = 0u64;
            let mut start = None;
            loop {
                let mut query = self
                    .dynamo
                    .query()
                    .table_name(self.table)
                    .index_name(keys::GSI1)
                    .expression_attribute_values(
                        ":inbox",
                        store::string(keys::inbox_partition(category.as_str(), state, shard)),
                    )
                    .select(Select::Count)
                    .set_exclusive_start_key(start);
                query = match before {
                    Some(before) => query
                        .key_condition_expression("GSI1PK = :inbox AND GSI1SK < :before")
                        .expression_attribute_values(
                            ":before",
                            store::string(keys::inbox_sort_before(before)),
                        ),
                    None => query.key_condition_expression("GSI1PK = :inbox"),
                };
                let output = query.send().await.map_err(store::sdk_error)?;
                total += output.count.max(0) as u64;
                start = output.last_evaluated_key;
                if start.is_none() {
                    return Ok::<u64, ApiError>(total);
                }
            }
        });
        Ok(try_join_all(counts).await?.into_iter().sum())
    }
}
