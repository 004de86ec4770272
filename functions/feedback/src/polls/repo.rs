//! The polls' reads and writes. A poll is one item in the `POLLS` partition; its ballots and
//! practice links live in the poll's own partition (`POLL#<pollId>`), one ballot per
//! respondent under a key that is the respondent's, so concurrent submissions of one
//! respondent leave exactly one ballot. A ballot is written in one transaction with a
//! ConditionCheck that the poll is open at the write's time.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem};
use futures::{StreamExt, TryStreamExt};
use portal_shared::ApiError;
use portal_shared::domain::ids::PollId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Transacted, string};
use portal_shared::platform::write::{LostWrite, transact_retrying_up_to};
use serde::Deserialize;

use crate::polls::model::{Ballot, BallotCounts, LinkByToken, Poll, PollLink};
use crate::respondent::{Respondent, Stratum};

/// Attempts in all of a ballot's transaction that keeps losing to a concurrent one (every
/// ballot of a poll checks the poll's item; one respondent's submissions write one item).
const CONTENTION_ATTEMPTS: usize = 8;
/// Polls whose ballots are read at once (counts of a list, outcomes of a respondent's list).
pub const CONCURRENT_READS: usize = 8;

/// How a ballot's write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// The respondent's first ballot in the poll.
    First,
    /// It replaced the respondent's earlier ballot.
    Replaced,
    /// The poll was not open at the write's time: nothing was written.
    NotOpen,
}

pub struct PollStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> PollStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        PollStore { dynamo, table }
    }

    /// The write that creates `poll` (never over another), for `idempotency::create_once`.
    pub fn creation(&self, poll: &Poll) -> Result<Vec<TransactWriteItem>, ApiError> {
        Ok(vec![store::create_put(
            self.table,
            &keys::poll(poll.poll_id),
            poll,
        )?])
    }

    /// One poll (consistent), or `None`.
    pub async fn load(&self, poll: PollId) -> Result<Option<Poll>, ApiError> {
        store::get_item(self.dynamo, self.table, &keys::poll(poll), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// Every poll of the practice (one partition; a practice runs a few a year), newest first.
    pub async fn all(&self) -> Result<Vec<Poll>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(keys::POLLS_PARTITION))
                .expression_attribute_values(":prefix", string(keys::POLL_PREFIX))
                .scan_index_forward(false)
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The cohorts of `names` that do not exist, by index (one GetItem each, concurrently).
    pub async fn missing_cohorts(&self, names: &[CohortName]) -> Result<Vec<usize>, ApiError> {
        let names: Vec<CohortName> = names.to_vec();
        let found: Vec<bool> = futures::stream::iter(names)
            .map(|name| self.cohort_exists(name))
            .buffered(CONCURRENT_READS)
            .try_collect()
            .await?;
        Ok(found
            .into_iter()
            .enumerate()
            .filter(|(_, exists)| !exists)
            .map(|(index, _)| index)
            .collect())
    }

    async fn cohort_exists(&self, name: CohortName) -> Result<bool, ApiError> {
        Ok(
            store::get_item(self.dynamo, self.table, &keys::cohort(&name), Some("PK"))
                .await?
                .is_some(),
        )
    }

    /// Closes the poll at version `expected`: `closedAt` and `closesAt` become `now`, the
    /// version moves on. `Changed` when the version is no longer `expected` or it was closed
    /// meanwhile (nothing written).
    pub async fn close(
        &self,
        poll: &Poll,
        expected: u64,
        now: Timestamp,
    ) -> Result<Result<Poll, LostWrite>, ApiError> {
        let mut closed = poll.clone();
        closed.closed_at = Some(now);
        closed.closes_at = closed.closes_at.min(now);
        closed.version = expected + 1;
        let result = self
            .dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(store::to_item(&keys::poll(poll.poll_id), &closed)?))
            .condition_expression(
                "attribute_exists(PK) AND #version = :expected AND attribute_not_exists(#closed)",
            )
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#closed", "closedAt")
            .expression_attribute_values(":expected", store::number(expected))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Ok(closed)),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Every ballot of the poll (one Query of its partition, every page).
    pub async fn ballots(&self, poll: PollId) -> Result<Vec<Ballot>, ApiError> {
        self.in_partition(poll, keys::BALLOT_PREFIX, None).await
    }

    /// How many ballots each stratum has cast (the same Query, keys only).
    pub async fn ballot_counts(
        &self,
        poll: PollId,
    ) -> Result<(BallotCounts, Vec<String>), ApiError> {
        #[derive(Deserialize)]
        struct SortKey {
            #[serde(rename = "SK")]
            sk: String,
        }
        let keys: Vec<SortKey> = self
            .in_partition(poll, keys::BALLOT_PREFIX, Some("SK"))
            .await?;
        let mut counts = BallotCounts::default();
        let mut respondents = Vec::with_capacity(keys.len());
        for key in keys {
            let rest = key.sk.strip_prefix(keys::BALLOT_PREFIX).unwrap_or_default();
            let (stratum, respondent) = rest.split_once('#').unwrap_or_default();
            if let Some(stratum) = Stratum::ALL.into_iter().find(|s| s.as_str() == stratum) {
                counts.add(stratum);
                respondents.push(format!(
                    "{stratum}#{respondent}",
                    stratum = stratum.as_str()
                ));
            }
        }
        Ok((counts, respondents))
    }

    /// The practice links of the poll, oldest first.
    pub async fn links(&self, poll: PollId) -> Result<Vec<PollLink>, ApiError> {
        self.in_partition(poll, keys::POLL_LINK_PREFIX, None).await
    }

    async fn in_partition<T: serde::de::DeserializeOwned>(
        &self,
        poll: PollId,
        prefix: &str,
        projection: Option<&str>,
    ) -> Result<Vec<T>, ApiError> {
        let partition = keys::poll_partition(poll);
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(partition.clone()))
                .expression_attribute_values(":prefix", string(prefix))
                .set_projection_expression(projection.map(str::to_owned))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// One respondent's ballot in the poll, or `None`.
    pub async fn ballot(
        &self,
        poll: PollId,
        respondent: &Respondent,
    ) -> Result<Option<Ballot>, ApiError> {
        store::get_item(self.dynamo, self.table, &ballot_key(poll, respondent), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// Writes `ballot` (the respondent's only one) if the poll is open at `ballot.castAt`:
    /// first as a creation; when the respondent has a ballot already, as its replacement. A
    /// concurrent submission of the same respondent makes the other attempt's condition fail,
    /// and that attempt is then made as the other kind: each submission ends as exactly one
    /// creation or replacement of the one item.
    pub async fn cast(&self, poll: PollId, ballot: &Ballot) -> Result<Cast, ApiError> {
        let key = keys::ballot(poll, ballot.stratum.as_str(), &ballot.respondent);
        let item = store::to_item(&key, ballot)?;
        let now = ballot.cast_at.to_string();
        let mut replacing = false;
        // Creation and replacement alternate only while the ballot appears or disappears
        // between attempts (ballots are never deleted: at most one switch in practice).
        for _ in 0..4 {
            let check = ConditionCheck::builder()
                .table_name(self.table)
                .set_key(Some(keys::poll(poll).attributes()))
                .condition_expression(
                    "#opens <= :now AND #closes > :now AND attribute_not_exists(#closed)",
                )
                .expression_attribute_names("#opens", "opensAt")
                .expression_attribute_names("#closes", "closesAt")
                .expression_attribute_names("#closed", "closedAt")
                .expression_attribute_values(":now", string(now.clone()))
                .build()
                .map_err(ApiError::internal)?;
            let put = store::transact_put(
                Put::builder()
                    .table_name(self.table)
                    .set_item(Some(item.clone()))
                    .condition_expression(if replacing {
                        "attribute_exists(PK)"
                    } else {
                        "attribute_not_exists(PK)"
                    }),
            )?;
            let items = vec![
                TransactWriteItem::builder().condition_check(check).build(),
                put,
            ];
            match transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await? {
                Transacted::Done => {
                    return Ok(if replacing {
                        Cast::Replaced
                    } else {
                        Cast::First
                    });
                }
                Transacted::ConditionsFailed(failed) if failed.contains(&0) => {
                    return Ok(Cast::NotOpen);
                }
                Transacted::ConditionsFailed(_) => replacing = !replacing,
                Transacted::Contention => return Err(busy()),
            }
        }
        Err(busy())
    }

    /// Creates a practice link and its lookup by token hash, together or not at all.
    pub async fn create_link(
        &self,
        poll: PollId,
        link: &PollLink,
        token_sha256_hex: &str,
    ) -> Result<(), ApiError> {
        let lookup = LinkByToken {
            poll_id: poll,
            link_id: link.link_id,
            practice_name: link.practice_name.clone(),
        };
        let link_put = store::create_put(self.table, &keys::poll_link(poll, link.link_id), link)?;
        let token_put = store::create_put(
            self.table,
            &keys::poll_link_token(token_sha256_hex),
            &lookup,
        )?;
        match store::transact(self.dynamo, vec![link_put, token_put]).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(_) => Err(ApiError::internal(
                "a new practice link or token collided with an existing one",
            )),
            Transacted::Contention => Err(ApiError::Conflict(
                "Another change was being saved at the same moment; nothing was written. Retry."
                    .into(),
            )),
        }
    }

    /// The link whose token hashes to `token_sha256_hex`, or `None`.
    pub async fn link_by_token(
        &self,
        token_sha256_hex: &str,
    ) -> Result<Option<LinkByToken>, ApiError> {
        store::get_item(
            self.dynamo,
            self.table,
            &keys::poll_link_token(token_sha256_hex),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }
}

/// The key of `respondent`'s ballot in `poll`.
pub fn ballot_key(poll: PollId, respondent: &Respondent) -> Key {
    keys::ballot(poll, respondent.stratum().as_str(), &respondent.key_part())
}

fn busy() -> ApiError {
    ApiError::Conflict(
        "Other ballots kept being saved at the same moment; nothing was written. Send it again."
            .into(),
    )
}
