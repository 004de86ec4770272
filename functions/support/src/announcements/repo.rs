//! Every read and write of announcements and their people's markers.
//!
//! Items:
//! - the announcement, `keys::announcement(id)` in the `ANNOUNCEMENTS` partition (ULID sort
//!   keys: a backwards Query is newest first), with GSI1 `ANNOUNCEMENTS_TO_SEND` /
//!   `keys::announcement_send_sort(publishAt, id)` until the publisher marks it sent (or the
//!   team ends it before: an expired announcement is told to nobody more);
//! - in the announcement's own partition: `READ#<sub>` (first read), `ACK#<sub>` (first
//!   acknowledgement), `SENT#<recipient>` (the publisher's, see `publish`).
//!
//! Counts are exact: a first read (acknowledgement) is its marker's Put, conditioned on the
//! marker's absence, and the counter's ADD in ONE transaction; a second one fails the Put's
//! condition and changes nothing. Counters are never rewritten by anything else: the team's
//! expire SETs only the end and version, the publisher only its own attributes.
//!
//! Public API (stable: the publisher, `publish.rs`, uses the last block):
//! ```text
//! AnnouncementStore::new(dynamo: &Client, table: &str) -> AnnouncementStore<'_>
//! // routes
//! .creation(&Announcement) -> Result<TransactWriteItem, ApiError>   // Put + GSI1, never over one
//! .newest(limit: i32, keep: impl Fn(&Announcement) -> bool) -> Result<Vec<Announcement>, ApiError>
//! .expire(current: &Announcement, next: &Announcement) -> Result<Result<(), LostWrite>, ApiError>
//! .mark_read(id, reader: &UserSub, at) -> Result<Marked, ApiError>   // First | Already | Gone
//! .acknowledge(id, &AckMarker) -> Result<Marked, ApiError>
//! .read_by(ids: &[AnnouncementId], reader: &UserSub) -> Result<HashSet<AnnouncementId>, ApiError>
//! .acknowledged_by(ids, member: &UserSub) -> Result<HashMap<AnnouncementId, AckMarker>, ApiError>
//! .acknowledgements(id) -> Result<Vec<AckMarker>, ApiError>        // every ACK# marker
//! // shared with the publisher
//! .load(id: AnnouncementId) -> Result<Option<Announcement>, ApiError>   // consistent
//! .due(now: Timestamp, limit: i32) -> Result<Vec<Announcement>, ApiError>
//!     // GSI1 ANNOUNCEMENTS_TO_SEND with publishAt <= now, earliest first (eventually
//!     // consistent: `load` one again before acting on its `send_cursor`)
//! .save_cursor(id, cursor: Option<&str>) -> Result<(), ApiError>   // SET/REMOVE sendCursor
//! .mark_sent(id, at: Timestamp) -> Result<(), ApiError>
//!     // SET sent = true, sentAt; REMOVE GSI1PK, GSI1SK, sendCursor (idempotent; a gone
//!     // announcement is no error)
//! ```
//! `Announcement::send_cursor` carries the saved cursor (`None` until one is saved).

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{KeysAndAttributes, Put, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, Transacted, number, string};
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

use crate::announcements::model::Announcement;

/// DynamoDB's limit of keys in one BatchGetItem.
const MAX_BATCH_KEYS: usize = 100;

/// An announcement as stored, with its place on GSI1 while it waits to be sent.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct StoredAnnouncement<'a> {
    #[serde(flatten)]
    announcement: &'a Announcement,
    #[serde(rename = "GSI1PK")]
    to_send: Option<&'static str>,
    #[serde(rename = "GSI1SK")]
    send_sort: Option<String>,
}

/// That someone read an announcement (`READ#<sub>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadMarker {
    pub announcement_id: AnnouncementId,
    pub sub: UserSub,
    pub at: Timestamp,
}

/// That a member of staff acknowledged an announcement (`ACK#<sub>`). The name is the one
/// they had when they acknowledged (staff names are no PHI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AckMarker {
    pub announcement_id: AnnouncementId,
    pub sub: UserSub,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub at: Timestamp,
    /// After `acknowledgeBy`.
    pub late: bool,
}

/// What a read or an acknowledgement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// The first one: the marker was created and counted.
    First,
    /// There was one already: nothing changed.
    Already,
    /// The announcement is gone (or, for an acknowledgement, asks none).
    Gone,
}

pub struct AnnouncementStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> AnnouncementStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        AnnouncementStore { dynamo, table }
    }

    /// The write that creates `announcement` (never over an existing one), on GSI1 until sent.
    pub fn creation(&self, announcement: &Announcement) -> Result<TransactWriteItem, ApiError> {
        store::create_put(
            self.table,
            &keys::announcement(announcement.announcement_id),
            &stored(announcement),
        )
    }

    /// One announcement (consistent), or `None`.
    pub async fn load(&self, id: AnnouncementId) -> Result<Option<Announcement>, ApiError> {
        store::get_item(self.dynamo, self.table, &keys::announcement(id), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// Up to `limit` announcements that `keep` accepts, newest first (reading on past those it
    /// does not accept).
    pub async fn newest(
        &self,
        limit: i32,
        keep: impl Fn(&Announcement) -> bool,
    ) -> Result<Vec<Announcement>, ApiError> {
        let (found, _more) = store::filled_page(
            |start_after| self.query().set_exclusive_start_key(start_after),
            limit,
            None,
            keep,
            |announcement: &Announcement| {
                keys::announcement(announcement.announcement_id).attributes()
            },
        )
        .await?;
        Ok(found)
    }

    /// Ends `current` as `next` says (its end and version only: the counters and the
    /// publisher's attributes stay), if it is still at `current.version`; it leaves GSI1, so
    /// nobody more is told of it. [`LostWrite::Changed`] when it changed or is gone.
    pub async fn expire(
        &self,
        current: &Announcement,
        next: &Announcement,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let Some(end) = next.expires_at else {
            return Err(ApiError::internal("an expired announcement has no end"));
        };
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(
                keys::announcement(current.announcement_id).attributes(),
            ))
            .update_expression("SET #end = :end, #version = :next REMOVE #gsiPk, #gsiSk")
            .condition_expression("#version = :expected")
            .expression_attribute_names("#end", "endsAt")
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#gsiPk", keys::GSI1PK)
            .expression_attribute_names("#gsiSk", keys::GSI1SK)
            .expression_attribute_values(":end", string(end.to_string()))
            .expression_attribute_values(":next", number(next.version))
            .expression_attribute_values(":expected", number(current.version))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Ok(())),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// `reader`'s first read of the announcement is marked and counted; any later one is a
    /// no-op ([`Marked::Already`]).
    pub async fn mark_read(
        &self,
        id: AnnouncementId,
        reader: &UserSub,
        at: Timestamp,
    ) -> Result<Marked, ApiError> {
        let marker = ReadMarker {
            announcement_id: id,
            sub: reader.clone(),
            at,
        };
        let key = keys::announcement_read(id, reader);
        self.first_marker(id, &key, &marker, "readCount", "attribute_exists(PK)")
            .await
    }

    /// A member of staff's first acknowledgement is marked and counted (only on an
    /// announcement that asks for one); any later one is a no-op.
    pub async fn acknowledge(&self, marker: &AckMarker) -> Result<Marked, ApiError> {
        let id = marker.announcement_id;
        let key = keys::announcement_ack(id, &marker.sub);
        self.first_marker(
            id,
            &key,
            marker,
            "acknowledgedCount",
            "attribute_exists(PK) AND attribute_exists(acknowledgeBy)",
        )
        .await
    }

    /// The marker's Put (only if absent) and the counter's ADD (only if `announcement_holds`)
    /// in one transaction, retried while it loses to contention.
    async fn first_marker(
        &self,
        id: AnnouncementId,
        key: &keys::Key,
        marker: &impl Serialize,
        counter: &'static str,
        announcement_holds: &'static str,
    ) -> Result<Marked, ApiError> {
        let item = store::to_item(key, marker)?;
        let outcome = retry_on_contention(|| {
            let item = item.clone();
            async move {
                let put = store::transact_put(
                    Put::builder()
                        .table_name(self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(PK)"),
                )?;
                let update = Update::builder()
                    .table_name(self.table)
                    .set_key(Some(keys::announcement(id).attributes()))
                    .update_expression("ADD #counter :one")
                    .condition_expression(announcement_holds)
                    .expression_attribute_names("#counter", counter)
                    .expression_attribute_values(":one", number(1))
                    .build()
                    .map_err(ApiError::internal)?;
                let update = TransactWriteItem::builder().update(update).build();
                match store::transact(self.dynamo, vec![put, update]).await? {
                    Transacted::Done => Ok(Ok(Marked::First)),
                    Transacted::ConditionsFailed(failed) if failed.contains(&1) => {
                        Ok(Ok(Marked::Gone))
                    }
                    Transacted::ConditionsFailed(_) => Ok(Ok(Marked::Already)),
                    Transacted::Contention => Ok(Err(Transacted::Contention)),
                }
            }
        })
        .await?;
        match outcome {
            Ok(marked) => Ok(marked),
            Err(_) => Err(ApiError::Unavailable(
                "a read or acknowledgement kept losing to others".into(),
            )),
        }
    }

    /// Which of `ids` `reader` has read (BatchGetItem of their `READ#` markers).
    pub async fn read_by(
        &self,
        ids: &[AnnouncementId],
        reader: &UserSub,
    ) -> Result<HashSet<AnnouncementId>, ApiError> {
        let keys: Vec<keys::Key> = ids
            .iter()
            .map(|id| keys::announcement_read(*id, reader))
            .collect();
        let markers: Vec<ReadMarker> = self.batch_get(keys).await?;
        Ok(markers
            .into_iter()
            .map(|marker| marker.announcement_id)
            .collect())
    }

    /// `member`'s acknowledgements of any of `ids` (BatchGetItem of their `ACK#` markers).
    pub async fn acknowledged_by(
        &self,
        ids: &[AnnouncementId],
        member: &UserSub,
    ) -> Result<HashMap<AnnouncementId, AckMarker>, ApiError> {
        let keys: Vec<keys::Key> = ids
            .iter()
            .map(|id| keys::announcement_ack(*id, member))
            .collect();
        let markers: Vec<AckMarker> = self.batch_get(keys).await?;
        Ok(markers
            .into_iter()
            .map(|marker| (marker.announcement_id, marker))
            .collect())
    }

    /// Every acknowledgement of an announcement, oldest sort key first (by `sub`).
    pub async fn acknowledgements(&self, id: AnnouncementId) -> Result<Vec<AckMarker>, ApiError> {
        let partition = keys::announcement_partition(id);
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(partition.clone()))
                .expression_attribute_values(":prefix", string(keys::ANNOUNCEMENT_ACK_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The announcements waiting to be sent whose `publishAt` has come, earliest first (GSI1,
    /// eventually consistent).
    pub async fn due(&self, now: Timestamp, limit: i32) -> Result<Vec<Announcement>, ApiError> {
        // Sort keys are `<publishAt>#<id>` with fixed-width instants: every one published up
        // to `now` sorts before the next millisecond's instant on its own.
        let after_now = now.plus(std::time::Duration::from_millis(1)).to_string();
        let (found, _last) = store::query_page::<Announcement>(
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :queue AND GSI1SK < :after")
                .expression_attribute_values(":queue", string(keys::ANNOUNCEMENTS_TO_SEND))
                .expression_attribute_values(":after", string(after_now))
                .scan_index_forward(true)
                .limit(limit.max(1)),
        )
        .await?;
        Ok(found)
    }

    /// Keeps the publisher's resume point on the announcement (`None` removes it).
    pub async fn save_cursor(
        &self,
        id: AnnouncementId,
        cursor: Option<&str>,
    ) -> Result<(), ApiError> {
        let request = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::announcement(id).attributes()))
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#cursor", "sendCursor");
        let request = match cursor {
            Some(cursor) => request
                .update_expression("SET #cursor = :cursor")
                .expression_attribute_values(":cursor", string(cursor)),
            None => request.update_expression("REMOVE #cursor"),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            Err(error) if store::is_condition_failure(&error) => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// The whole audience was told: the announcement leaves GSI1 and forgets its cursor.
    pub async fn mark_sent(&self, id: AnnouncementId, at: Timestamp) -> Result<(), ApiError> {
        let sent = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::announcement(id).attributes()))
            .update_expression("SET #sent = :true, #sentAt = :at REMOVE #gsiPk, #gsiSk, #cursor")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#sent", "sent")
            .expression_attribute_names("#sentAt", "sentAt")
            .expression_attribute_names("#gsiPk", keys::GSI1PK)
            .expression_attribute_names("#gsiSk", keys::GSI1SK)
            .expression_attribute_names("#cursor", "sendCursor")
            .expression_attribute_values(
                ":true",
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            )
            .expression_attribute_values(":at", string(at.to_string()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if store::is_condition_failure(&error) => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Every announcement, newest first, a page at a time (consistent: the team reads what it
    /// just wrote).
    fn query(&self) -> QueryFluentBuilder {
        self.dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::ANNOUNCEMENTS_PARTITION))
            .expression_attribute_values(":prefix", string(keys::ANNOUNCEMENT_PREFIX))
            .scan_index_forward(false)
            .consistent_read(true)
    }

    /// The items of `keys` that exist, read consistently in batches (retrying what DynamoDB
    /// left unprocessed).
    async fn batch_get<T: serde::de::DeserializeOwned>(
        &self,
        keys: Vec<keys::Key>,
    ) -> Result<Vec<T>, ApiError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(MAX_BATCH_KEYS) {
            let mut pending: Vec<Item> = chunk.iter().map(keys::Key::attributes).collect();
            let mut rounds = 0;
            while !pending.is_empty() {
                rounds += 1;
                if rounds > 8 {
                    return Err(ApiError::Unavailable(
                        "reading markers kept being left unprocessed".into(),
                    ));
                }
                if rounds > 1 {
                    tokio::time::sleep(std::time::Duration::from_millis(50 * rounds)).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut pending)))
                    .consistent_read(true)
                    .build()
                    .map_err(ApiError::internal)?;
                let answer = self
                    .dynamo
                    .batch_get_item()
                    .request_items(self.table, request)
                    .send()
                    .await
                    .map_err(store::sdk_error)?;
                for item in answer
                    .responses
                    .and_then(|mut tables| tables.remove(self.table))
                    .unwrap_or_default()
                {
                    found.push(store::from_item(item)?);
                }
                if let Some(left) = answer
                    .unprocessed_keys
                    .and_then(|mut tables| tables.remove(self.table))
                {
                    pending = left.keys;
                }
            }
        }
        Ok(found)
    }
}

fn stored(announcement: &Announcement) -> StoredAnnouncement<'_> {
    let waiting = !announcement.sent;
    StoredAnnouncement {
        announcement,
        to_send: waiting.then_some(keys::ANNOUNCEMENTS_TO_SEND),
        send_sort: waiting.then(|| {
            keys::announcement_send_sort(announcement.publish_at, announcement.announcement_id)
        }),
    }
}

#[cfg(test)]
mod tests {
    use portal_shared::domain::timestamp::Timestamp;

    use super::*;
    use crate::announcements::model::{Audience, Body, Draft, Title};

    #[test]
    fn a_new_announcement_waits_on_gsi1_by_its_publication_time() {
        let at = Timestamp::parse("2025-03-10T12:00:00.000Z").expect("timestamp");
        let announcement = Announcement::create(
            AnnouncementId::generate(),
            Draft {
                title: Title::parse("New booking page").expect("title"),
                body: Body::parse("Book online.").expect("body"),
                link: None,
                audience: Audience::Patients,
                publish_at: at,
                expires_at: Some(at.plus(std::time::Duration::from_secs(3600))),
                acknowledge_by: None,
            },
            UserSub::parse("lead-1").expect("sub"),
            at,
        );
        let item = store::to_item(
            &keys::announcement(announcement.announcement_id),
            &stored(&announcement),
        )
        .expect("item");
        let s = |name: &str| match item.get(name) {
            Some(aws_sdk_dynamodb::types::AttributeValue::S(value)) => Some(value.clone()),
            _ => None,
        };
        assert_eq!(s("GSI1PK").as_deref(), Some(keys::ANNOUNCEMENTS_TO_SEND));
        assert_eq!(
            s("GSI1SK"),
            Some(format!(
                "2025-03-10T12:00:00.000Z#{}",
                announcement.announcement_id
            ))
        );
        // The end is no TTL: the table's TTL attribute stays untouched.
        assert!(!item.contains_key(keys::EXPIRES_AT));
        assert_eq!(s("endsAt").as_deref(), Some("2025-03-10T13:00:00.000Z"));
        assert!(!item.contains_key("sendCursor"));
        let back: Announcement = store::from_item(item).expect("announcement");
        assert_eq!(back, announcement);
    }
}
