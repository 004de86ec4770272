//! The profile's reads and writes. Every function over one patient's data takes the
//! `PatientAccess` that the authorizer issued (and audited) for it.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ChangeId, PatientId};
use portal_shared::features::patient_match::{self, MatchKey, Registering};
use portal_shared::features::patient_search::NameQuery;
use portal_shared::platform::keys;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::{self, Item, Transacted};
use portal_shared::platform::write::{Contended, LostWrite};
use portal_shared::policy::authz::{PatientAccess, StaffAccess};
use serde::{Deserialize, Serialize};

use crate::model::{ChangeRequest, ChangeStatus, Profile};
use crate::search::{Found, Search};

/// The profile's attributes that may be absent (and are removed when they become so).
const OPTIONAL_PROFILE_ATTRIBUTES: &[&str] = &["preferredName", "language", "pendingChangeId"];

/// A change request as stored: while pending it also sits in the staff queue (GSI1).
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct StoredChange<'a> {
    #[serde(flatten)]
    change: &'a ChangeRequest,
    #[serde(rename = "GSI1PK")]
    queue: Option<&'static str>,
    #[serde(rename = "GSI1SK")]
    queue_position: Option<String>,
}

fn stored_change(change: &ChangeRequest) -> StoredChange<'_> {
    let pending = change.status == ChangeStatus::Pending;
    StoredChange {
        change,
        queue: pending.then_some(keys::PENDING_PROFILE_CHANGES),
        queue_position: pending
            .then(|| keys::pending_profile_change_sort(change.requested_at, change.change_id)),
    }
}

/// The pointer from a change id to its patient.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePointer {
    patient_id: PatientId,
}

/// Why recording a decision did not happen. Nothing was written either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionConflict {
    /// The change request was decided by someone else meanwhile.
    AlreadyDecided,
    /// The profile is no longer at the version the decision was based on (the patient changed
    /// it: [`LostWrite::Changed`]), or another transaction on it was in flight.
    Lost(LostWrite),
}

impl From<LostWrite> for DecisionConflict {
    fn from(lost: LostWrite) -> Self {
        DecisionConflict::Lost(lost)
    }
}

impl Contended for DecisionConflict {
    fn is_contention(&self) -> bool {
        matches!(self, DecisionConflict::Lost(lost) if lost.is_contention())
    }
}

pub struct ProfileStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> ProfileStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        ProfileStore { dynamo, table }
    }

    fn put(&self, item: Item, condition: &str) -> Result<Put, ApiError> {
        Put::builder()
            .table_name(self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .build()
            .map_err(ApiError::internal)
    }

    /// The writes that create a new patient's profile (never over an existing one) and its
    /// entry in the match index, for the front desk's registration: whoever stands at the desk
    /// is registered, even with the name and birthday of someone registered before.
    pub fn create(
        &self,
        _access: &StaffAccess,
        profile: &Profile,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        profile.creation(self.table, Registering::Anyone)
    }

    pub async fn load(&self, access: &PatientAccess) -> Result<Option<Profile>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::profile(access.patient()),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// The patient's latest change requests, newest first.
    pub async fn recent_changes(
        &self,
        access: &PatientAccess,
        limit: i32,
    ) -> Result<Vec<ChangeRequest>, ApiError> {
        let (changes, _) = store::newest_in_patient_partition(
            self.dynamo,
            self.table,
            access,
            keys::PROFILE_CHANGE_PREFIX,
            limit,
            None,
        )
        .await?;
        Ok(changes)
    }

    /// The write of the profile's own attributes, over the existing item, if `condition` holds.
    /// An UpdateItem rather than a PutItem: attributes that other features keep on the profile
    /// item (the sign-in's status, say) survive a profile change.
    fn profile_update(
        &self,
        access: &PatientAccess,
        profile: &Profile,
        condition: &str,
        condition_values: Vec<(&str, AttributeValue)>,
    ) -> Result<TransactWriteItem, ApiError> {
        debug_assert_eq!(profile.patient_id, access.patient());
        let set = store::set_attributes(&profile.stored(), OPTIONAL_PROFILE_ATTRIBUTES)?;
        let mut names = set.names;
        // DynamoDB refuses names an expression does not use.
        for (placeholder, attribute) in [("#version", "version"), ("#pending", "pendingChangeId")] {
            if condition.contains(placeholder) {
                names.insert(placeholder.into(), attribute.into());
            }
        }
        let mut values = set.values;
        values.extend(
            condition_values
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::profile(access.patient()).attributes()))
            .update_expression(set.expression)
            .condition_expression(condition)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Writes the profile if its version is still `expected`; with `new_change`, also records
    /// the change request (with its pointer), provided none is pending
    /// ([`LostWrite::Changed`] otherwise). `matched_before` is the match key of the profile
    /// as it was read: a corrected name or birth date moves the patient in the match index.
    pub async fn save(
        &self,
        access: &PatientAccess,
        profile: &Profile,
        expected: u64,
        new_change: Option<&ChangeRequest>,
        matched_before: &MatchKey,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let rematch = self.rematch(access, profile, matched_before)?;
        let expected = (":expected", store::number(expected));
        let Some(change) = new_change else {
            let update =
                self.profile_update(access, profile, "#version = :expected", vec![expected])?;
            let mut items = vec![update];
            items.extend(rematch);
            return self.transact(items, |_| LostWrite::Changed).await;
        };
        let update = self.profile_update(
            access,
            profile,
            "#version = :expected AND attribute_not_exists(#pending)",
            vec![expected],
        )?;
        let change_item = store::to_item(
            &keys::profile_change(access.patient(), change.change_id),
            &stored_change(change),
        )?;
        let pointer_item = store::to_item(
            &keys::profile_change_pointer(change.change_id),
            &ChangePointer {
                patient_id: access.patient(),
            },
        )?;
        let items = vec![
            update,
            TransactWriteItem::builder()
                .put(self.put(change_item, "attribute_not_exists(PK)")?)
                .build(),
            TransactWriteItem::builder()
                .put(self.put(pointer_item, "attribute_not_exists(PK)")?)
                .build(),
        ];
        let mut items = items;
        items.extend(rematch);
        self.transact(items, |_| LostWrite::Changed).await
    }

    /// The writes that move the patient in the match index when `profile`'s name or birth
    /// date no longer matches as `before` (unconditional: the profile's version condition in
    /// the same transaction orders them).
    fn rematch(
        &self,
        access: &PatientAccess,
        profile: &Profile,
        before: &MatchKey,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        patient_match::moved(self.table, access.patient(), before, &profile.match_key())
    }

    /// The patient a change request belongs to (before any of the patient's data is read).
    pub async fn change_owner(&self, change: ChangeId) -> Result<Option<PatientId>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::profile_change_pointer(change),
            None,
        )
        .await?;
        Ok(item
            .map(store::from_item::<ChangePointer>)
            .transpose()?
            .map(|pointer| pointer.patient_id))
    }

    pub async fn load_change(
        &self,
        access: &PatientAccess,
        change: ChangeId,
    ) -> Result<Option<ChangeRequest>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::profile_change(access.patient(), change),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// One page of the staff queue of pending changes, oldest first.
    pub async fn pending_changes(
        &self,
        _access: &StaffAccess,
        page: &PageRequest,
    ) -> Result<(Vec<ChangeRequest>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :queue")
            .expression_attribute_values(":queue", store::string(keys::PENDING_PROFILE_CHANGES))
            .scan_index_forward(true)
            .limit(page.limit)
            .set_exclusive_start_key(page.start_after.clone());
        store::query_page::<ChangeRequest>(query).await
    }

    /// The first `limit` patients a staff search finds, in name order: one Query of the name
    /// index (GSI1) or of the birth-date index (GSI2), by key alone (no filter, so `Limit` counts
    /// matches), reading only what the answer shows. Eventually consistent, as every index read:
    /// a patient registered a moment ago may show a moment later.
    pub async fn search(
        &self,
        _access: &StaffAccess,
        search: &Search,
        limit: usize,
    ) -> Result<Vec<Found>, ApiError> {
        let (index, partition_attribute, sort_attribute, partition, prefix) = match search {
            Search::Name(name) => (
                keys::GSI1,
                keys::GSI1PK,
                keys::GSI1SK,
                name.partition(),
                Some(name.prefix()),
            ),
            Search::BirthDate(born, name) => (
                keys::GSI2,
                keys::GSI2PK,
                keys::GSI2SK,
                keys::patients_by_birth_date(&born.to_iso()),
                name.as_ref().map(NameQuery::prefix),
            ),
        };
        let mut query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(index)
            .expression_attribute_names("#pk", partition_attribute)
            .expression_attribute_values(":pk", store::string(partition))
            .projection_expression("patientId, legalName, dateOfBirth, portalAccount")
            .scan_index_forward(true)
            .limit(i32::try_from(limit).map_err(ApiError::internal)?);
        query = match prefix {
            Some(prefix) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", sort_attribute)
                .expression_attribute_values(":prefix", store::string(prefix)),
            None => query.key_condition_expression("#pk = :pk"),
        };
        let (found, _) = store::query_page::<Found>(query).await?;
        Ok(found)
    }

    /// Records staff's decision and the profile it results in, atomically: the profile must
    /// still be at version `expected` and still wait for this change, and the change must still
    /// be pending.
    pub async fn decide(
        &self,
        access: &PatientAccess,
        profile: &Profile,
        expected: u64,
        decided: &ChangeRequest,
        matched_before: &MatchKey,
    ) -> Result<Result<(), DecisionConflict>, ApiError> {
        let profile_update = self.profile_update(
            access,
            profile,
            "#version = :expected AND #pending = :change",
            vec![
                (":expected", store::number(expected)),
                (":change", store::string(decided.change_id.to_string())),
            ],
        )?;
        let change_put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(
                &keys::profile_change(access.patient(), decided.change_id),
                &stored_change(decided),
            )?))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", AttributeValue::S("pending".into()))
            .build()
            .map_err(ApiError::internal)?;
        // The match index's moves come last: they have no condition, so the indexes of the
        // conditions read below stay those of the profile [0] and the change [1].
        let mut items = vec![
            profile_update,
            TransactWriteItem::builder().put(change_put).build(),
        ];
        items.extend(self.rematch(access, profile, matched_before)?);
        self.transact(items, |failed| {
            if failed.contains(&1) {
                DecisionConflict::AlreadyDecided
            } else {
                DecisionConflict::Lost(LostWrite::Changed)
            }
        })
        .await
    }

    /// Runs one transaction; `conflict` names what the failed conditions (by item index) mean.
    async fn transact<C: From<LostWrite>>(
        &self,
        items: Vec<TransactWriteItem>,
        conflict: impl Fn(&[usize]) -> C,
    ) -> Result<Result<(), C>, ApiError> {
        Ok(match store::transact(self.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(failed) => Err(conflict(&failed)),
            Transacted::Contention => Err(LostWrite::Contention.into()),
        })
    }
}
