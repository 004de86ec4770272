//! The digests' reads and writes: one item per week in the `DIGESTS` partition
//! (`keys::digest`), sort keys `DIGEST#<monday>`, so a backwards Query is newest first. A
//! digest is written once, with the outbox records telling the portal leads, in one
//! transaction whose first write is conditioned on no digest of that week existing.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::transact_retrying;

use crate::digests::id::DigestId;
use crate::digests::model::Digest;

/// DynamoDB's limit of items in one transaction.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

/// What writing a digest did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Written,
    /// The week's digest was there already (an earlier or a concurrent run): nothing written.
    AlreadyThere,
}

pub struct DigestStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> DigestStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        DigestStore { dynamo, table }
    }

    /// The writes of `digest` (first, never over a digest) and `outbox` (its records; as many
    /// as fit in one transaction: the caller keeps to [`MAX_TRANSACTION_ITEMS`] - 1).
    pub fn writes(
        &self,
        digest: &Digest,
        outbox: Vec<TransactWriteItem>,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let key = keys::digest(&digest.digest_id.to_string());
        let mut writes = vec![store::create_put(self.table, &key, digest)?];
        writes.extend(outbox);
        Ok(writes)
    }

    /// Writes `digest` with `outbox`, all or nothing (retried while it loses to contention).
    pub async fn write(
        &self,
        digest: &Digest,
        outbox: Vec<TransactWriteItem>,
    ) -> Result<Written, ApiError> {
        match transact_retrying(self.dynamo, self.writes(digest, outbox)?).await? {
            Transacted::Done => Ok(Written::Written),
            Transacted::ConditionsFailed(failed) if failed == [0] => Ok(Written::AlreadyThere),
            Transacted::ConditionsFailed(_) => Err(ApiError::internal(
                "a new outbox record collided with an existing item",
            )),
            Transacted::Contention => Err(ApiError::Unavailable(
                "writing the weekly digest kept colliding with other writes".into(),
            )),
        }
    }

    /// Whether the week's digest exists (consistent: the job asks before composing).
    pub async fn exists(&self, id: DigestId) -> Result<bool, ApiError> {
        let key = keys::digest(&id.to_string());
        Ok(
            store::get_item(self.dynamo, self.table, &key, Some(keys::PK))
                .await?
                .is_some(),
        )
    }

    /// One digest, or `None`.
    pub async fn load(&self, id: DigestId) -> Result<Option<Digest>, ApiError> {
        store::get_item(
            self.dynamo,
            self.table,
            &keys::digest(&id.to_string()),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }

    /// Up to `limit` digests, newest first, after `start_after` (a key this answered).
    pub async fn page(
        &self,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Digest>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::DIGESTS_PARTITION))
            .expression_attribute_values(":prefix", string(keys::DIGEST_PREFIX))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        let (digests, last) = store::query_page(query).await?;
        Ok((digests, last.filter(|key| !key.is_empty())))
    }
}
