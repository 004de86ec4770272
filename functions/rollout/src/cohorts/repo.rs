//! The cohorts' reads and writes. A membership is two items, the cohort's half (what the member
//! list and the switches' cache read) and the patient's half (which cohorts a patient is in),
//! written and deleted in one transaction with the definition's `memberCount` and a history
//! entry, so the halves, the count and the history never disagree.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::{CohortName, PatientCohort};
use portal_shared::features::patient_match::Registering;
use portal_shared::features::profile_record::Profile;
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::transact_retrying_up_to;
use portal_shared::policy::authz::StaffAccess;
use portal_shared::policy::caller::UserSub;
use serde::de::DeserializeOwned;

use crate::cohorts::model::{Change, Cohort, CohortMember, HistoryEntry};

/// DynamoDB's limit on the items of one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;
/// Attempts in all of one membership transaction that keeps losing to a concurrent one: every
/// membership change of a cohort updates its definition's count, so concurrent changes of one
/// cohort conflict by design (briefly).
const CONTENTION_ATTEMPTS: usize = 8;

/// A patient to add to a cohort: their half of the cohort's member list, and, for a person of
/// an uploaded list who is not registered yet, the profile that registers them in the same
/// transaction.
pub struct Joiner {
    pub member: CohortMember,
    pub registering: Option<Profile>,
}

impl Joiner {
    /// The items of the joiner's writes: the two halves, the history entry, and for a
    /// registration the profile and its match entry.
    fn item_count(&self) -> usize {
        if self.registering.is_some() { 5 } else { 3 }
    }
}

/// What became of one joiner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    Added,
    /// The patient was a member already: nothing was written for them.
    AlreadyIn,
    /// Someone registered a person of the same name and birth date meanwhile (another upload of
    /// the same list): nothing was written; match them again.
    MatchTaken,
}

/// What a write of a membership transaction is, so a failed condition can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Count,
    Member(usize),
    PatientHalf(usize),
    History(usize),
    Profile(usize),
    Match(usize),
}

pub struct CohortStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> CohortStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        CohortStore { dynamo, table }
    }

    fn history_put(
        &self,
        name: &CohortName,
        entry: &HistoryEntry,
    ) -> Result<TransactWriteItem, ApiError> {
        let id = ulid::Ulid::generate().to_string();
        store::create_put(
            self.table,
            &keys::cohort_history(name, entry.at, &id),
            entry,
        )
    }

    /// The writes that create a cohort (never over one of the same name) with its first
    /// history entry, for `idempotency::create_once`: [0] the definition, [1] the entry.
    pub fn creation(
        &self,
        _access: &StaffAccess,
        cohort: &Cohort,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let entry = HistoryEntry {
            at: cohort.created_at,
            by: cohort.created_by.clone(),
            change: Change::Created,
            patient_id: None,
            count: None,
            upload_id: None,
        };
        Ok(vec![
            store::create_put(self.table, &keys::cohort(&cohort.name), cohort)?,
            self.history_put(&cohort.name, &entry)?,
        ])
    }

    /// One cohort's definition (consistent: its count moves with every membership).
    pub async fn load(
        &self,
        _access: &StaffAccess,
        name: &CohortName,
    ) -> Result<Option<Cohort>, ApiError> {
        let item = store::get_item(self.dynamo, self.table, &keys::cohort(name), None).await?;
        item.map(store::from_item).transpose()
    }

    /// One page of the practice's cohorts, by name.
    pub async fn cohorts(
        &self,
        _access: &StaffAccess,
        page: &PageRequest,
    ) -> Result<(Vec<Cohort>, Option<Item>), ApiError> {
        self.page(
            keys::COHORTS_PARTITION.to_owned(),
            keys::COHORT_DEFINITION_PREFIX,
            true,
            page,
        )
        .await
    }

    /// One page of a cohort's members, in the order of their patient ids.
    pub async fn members(
        &self,
        _access: &StaffAccess,
        name: &CohortName,
        page: &PageRequest,
    ) -> Result<(Vec<CohortMember>, Option<Item>), ApiError> {
        self.page(
            keys::cohort_partition(name),
            keys::COHORT_MEMBER_PREFIX,
            true,
            page,
        )
        .await
    }

    /// One page of a cohort's history, newest first.
    pub async fn history(
        &self,
        _access: &StaffAccess,
        name: &CohortName,
        page: &PageRequest,
    ) -> Result<(Vec<HistoryEntry>, Option<Item>), ApiError> {
        self.page(
            keys::cohort_partition(name),
            keys::COHORT_HISTORY_PREFIX,
            false,
            page,
        )
        .await
    }

    async fn page<T: DeserializeOwned>(
        &self,
        partition: String,
        prefix: &str,
        forward: bool,
        page: &PageRequest,
    ) -> Result<(Vec<T>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(partition))
            .expression_attribute_values(":prefix", string(prefix))
            .scan_index_forward(forward)
            .consistent_read(true)
            .limit(page.limit)
            .set_exclusive_start_key(page.start_after.clone());
        store::query_page(query).await
    }

    /// Adds each joiner who is not a member yet, in as few transactions as fit: each takes
    /// both halves of its joiners' memberships (created only if absent), their history entries
    /// (`added`, with `upload` when they come from a list), their registrations, and one ADD of
    /// their number to `memberCount`. A joiner whose condition fails is left out and the rest
    /// written again, so each patient's writes land together or not at all. `NotFound` when
    /// the cohort is gone.
    pub async fn join(
        &self,
        _access: &StaffAccess,
        cohort: &Cohort,
        joiners: &[Joiner],
        upload: Option<&str>,
    ) -> Result<Vec<Joined>, ApiError> {
        let mut outcomes: Vec<Option<Joined>> = vec![None; joiners.len()];
        let mut next = 0;
        while next < joiners.len() {
            let mut batch = Vec::new();
            let mut size = 1;
            while next < joiners.len() && size + joiners[next].item_count() <= MAX_TRANSACTION_ITEMS
            {
                size += joiners[next].item_count();
                batch.push(next);
                next += 1;
            }
            self.join_batch(cohort, joiners, batch, upload, &mut outcomes)
                .await?;
        }
        outcomes
            .into_iter()
            .map(|outcome| outcome.ok_or_else(|| ApiError::internal("a joiner was left out")))
            .collect()
    }

    async fn join_batch(
        &self,
        cohort: &Cohort,
        joiners: &[Joiner],
        mut batch: Vec<usize>,
        upload: Option<&str>,
        outcomes: &mut [Option<Joined>],
    ) -> Result<(), ApiError> {
        while !batch.is_empty() {
            let (items, parts) = self.membership_writes(cohort, joiners, &batch, upload)?;
            let sent = transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await?;
            let failed = match sent {
                Transacted::Done => {
                    for joiner in batch {
                        outcomes[joiner] = Some(Joined::Added);
                    }
                    return Ok(());
                }
                Transacted::ConditionsFailed(failed) => failed,
                Transacted::Contention => return Err(busy()),
            };
            for index in failed {
                let (joiner, outcome) = match parts.get(index) {
                    Some(Part::Member(joiner) | Part::PatientHalf(joiner)) => {
                        (*joiner, Joined::AlreadyIn)
                    }
                    Some(Part::Match(joiner)) => (*joiner, Joined::MatchTaken),
                    Some(Part::Count) => return Err(ApiError::NotFound),
                    _ => {
                        return Err(ApiError::internal(
                            "a new profile or history entry collided with an existing item",
                        ));
                    }
                };
                outcomes[joiner] = Some(outcome);
                batch.retain(|candidate| *candidate != joiner);
            }
        }
        Ok(())
    }

    fn membership_writes(
        &self,
        cohort: &Cohort,
        joiners: &[Joiner],
        batch: &[usize],
        upload: Option<&str>,
    ) -> Result<(Vec<TransactWriteItem>, Vec<Part>), ApiError> {
        let name = &cohort.name;
        let mut items = vec![self.count_update(name, batch.len() as i64)?];
        let mut parts = vec![Part::Count];
        for &index in batch {
            let joiner = &joiners[index];
            let member = &joiner.member;
            // The patient's half carries the cohort's `beta`, which never changes once created.
            let patient_half = PatientCohort {
                cohort: name.clone(),
                beta: cohort.beta,
                added_at: member.added_at,
            };
            items.push(store::create_put(
                self.table,
                &keys::cohort_member(name, member.patient_id),
                member,
            )?);
            parts.push(Part::Member(index));
            items.push(store::create_put(
                self.table,
                &keys::patient_cohort(member.patient_id, name),
                &patient_half,
            )?);
            parts.push(Part::PatientHalf(index));
            let entry = HistoryEntry {
                at: member.added_at,
                by: member.added_by.clone(),
                change: Change::Added,
                patient_id: Some(member.patient_id),
                count: None,
                upload_id: upload.map(str::to_owned),
            };
            items.push(self.history_put(name, &entry)?);
            parts.push(Part::History(index));
            if let Some(profile) = &joiner.registering {
                let mut creation = profile
                    .creation(self.table, Registering::OnlyTheFirst)?
                    .into_iter();
                items.extend(creation.next());
                parts.push(Part::Profile(index));
                items.extend(creation.next());
                parts.push(Part::Match(index));
            }
        }
        debug_assert_eq!(items.len(), parts.len());
        Ok((items, parts))
    }

    /// `memberCount` moved by `by`, on a definition that exists.
    fn count_update(&self, cohort: &CohortName, by: i64) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::cohort(cohort).attributes()))
            .update_expression("ADD #count :by")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#count", "memberCount")
            .expression_attribute_values(":by", store::number(by))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Takes the patient out of the cohort: both halves deleted (the cohort's only if it
    /// exists), `memberCount` less one and a `removed` entry, in one transaction. `false` when
    /// the patient was not a member (nothing written).
    pub async fn leave(
        &self,
        _access: &StaffAccess,
        cohort: &CohortName,
        patient: PatientId,
        by: &UserSub,
    ) -> Result<bool, ApiError> {
        let entry = HistoryEntry {
            at: Timestamp::now(),
            by: by.clone(),
            change: Change::Removed,
            patient_id: Some(patient),
            count: None,
            upload_id: None,
        };
        let delete = |key: Key, condition: Option<&str>| {
            Delete::builder()
                .table_name(self.table)
                .set_key(Some(key.attributes()))
                .set_condition_expression(condition.map(str::to_owned))
                .build()
                .map(|delete| TransactWriteItem::builder().delete(delete).build())
                .map_err(ApiError::internal)
        };
        let items = vec![
            delete(
                keys::cohort_member(cohort, patient),
                Some("attribute_exists(PK)"),
            )?,
            delete(keys::patient_cohort(patient, cohort), None)?,
            self.count_update(cohort, -1)?,
            self.history_put(cohort, &entry)?,
        ];
        match transact_retrying_up_to(CONTENTION_ATTEMPTS, self.dynamo, items).await? {
            Transacted::Done => Ok(true),
            Transacted::ConditionsFailed(failed) if failed.contains(&0) => Ok(false),
            Transacted::ConditionsFailed(_) => Err(ApiError::NotFound),
            Transacted::Contention => Err(busy()),
        }
    }

    /// The `uploaded` entry that closes an upload (its patients' `added` entries are written
    /// with their memberships).
    pub async fn record_upload(
        &self,
        _access: &StaffAccess,
        cohort: &CohortName,
        entry: &HistoryEntry,
    ) -> Result<(), ApiError> {
        let id = ulid::Ulid::generate().to_string();
        let item = store::to_item(&keys::cohort_history(cohort, entry.at, &id), entry)?;
        self.dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok(())
    }
}

fn busy() -> ApiError {
    ApiError::Conflict(
        "Other changes to this cohort kept being saved at the same moment; try again (patients \
         already added stay added, and adding them again changes nothing)."
            .into(),
    )
}
