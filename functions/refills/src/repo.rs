//! Refill requests in DynamoDB (patient side). Every function over a patient's requests takes
//! the `PatientAccess` the authorizer issued (and audited) for it; keys come from
//! `portal_shared::platform::keys`.
//!
//! Items (application table, the patient's partition):
//! - the request, `REFILL#<refillId>` ([`refill_item`]): on GSI1 `REFILLS_OPEN` sorted by due
//!   time while open; on GSI2 `REFILLS_DECIDED` sorted by decision time once decided;
//! - the one-open guard, `OPEN_REFILL#<recordId>` (`{recordId, refillId}`): created with the
//!   request on the condition that none exists, deleted in the transaction that closes it.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, RecordId, RefillId};
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::policy::authz::PatientAccess;
use serde::{Deserialize, Serialize};

use crate::model::{RefillRequest, RefillStatus};

/// The one-open guard of a medication record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenMarker {
    pub record_id: RecordId,
    pub refill_id: RefillId,
}

/// What creating a request ended with.
pub enum Created {
    /// This call created it; the response to answer.
    Created(StoredResponse),
    /// An earlier call with the same Idempotency-Key did; its response.
    Replayed(StoredResponse),
}

/// What a conditional change of a request ended with.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    Done,
    /// The request's version is no longer the one read (someone changed it meanwhile).
    Stale,
}

/// The request as an item: its keys and the index attributes its status puts it in (open:
/// the queue by due time; decided: the decided list by decision time; withdrawn: neither).
/// The staff side writes requests through this too, so the indexes follow the status in one
/// place.
pub fn refill_item(refill: &RefillRequest) -> Result<Item, ApiError> {
    let mut item = store::to_item(&keys::refill(refill.patient_id, refill.refill_id), refill)?;
    // Found by its id alone on the staff side (GSI3), whatever its status.
    item.insert(
        keys::GSI3PK.to_owned(),
        string(keys::refill_by_id(refill.refill_id)),
    );
    item.insert(keys::GSI3SK.to_owned(), string(keys::REFILL_BY_ID_SK));
    if refill.status.is_open() {
        item.insert(keys::GSI1PK.to_owned(), string(keys::REFILLS_OPEN));
        item.insert(
            keys::GSI1SK.to_owned(),
            string(keys::refill_queue_sort(refill.due_at, refill.refill_id)),
        );
    } else if refill.status.is_decided() {
        let decided_at = refill
            .decision
            .as_ref()
            .map_or(refill.updated_at, |decision| decision.decided_at);
        item.insert(keys::GSI2PK.to_owned(), string(keys::REFILLS_DECIDED));
        item.insert(
            keys::GSI2SK.to_owned(),
            string(keys::refill_queue_sort(decided_at, refill.refill_id)),
        );
    }
    Ok(item)
}

/// The Put (for a transaction) that replaces `after` over the version `before` was read at.
pub fn replace_put(
    table: &str,
    before_version: u64,
    after: &RefillRequest,
) -> Result<TransactWriteItem, ApiError> {
    store::transact_put(
        Put::builder()
            .table_name(table)
            .set_item(Some(refill_item(after)?))
            .condition_expression("attribute_exists(PK) AND version = :version")
            .expression_attribute_values(":version", store::number(before_version)),
    )
}

/// The Delete (for a transaction) of the one-open guard of `refill`'s record, if it is still
/// this request's (a guard is only ever its own request's, but the condition says so).
pub fn release_guard(table: &str, refill: &RefillRequest) -> Result<TransactWriteItem, ApiError> {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(
            keys::open_refill(refill.patient_id, &refill.record_id).attributes(),
        ))
        .condition_expression("attribute_not_exists(PK) OR refillId = :refill")
        .expression_attribute_values(":refill", string(refill.refill_id.to_string()))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

pub struct RefillStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> RefillStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        RefillStore { dynamo, table }
    }

    /// The patient's open guards: which records have a request open, and which.
    pub async fn open_markers(&self, access: &PatientAccess) -> Result<Vec<OpenMarker>, ApiError> {
        let patient = access.patient();
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(keys::patient_partition(patient)))
                .expression_attribute_values(":prefix", string(keys::OPEN_REFILL_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// Creates `refill` (open) with its record's guard and, with a key, the idempotency record,
    /// in one transaction: a second open request for the same record fails the guard's
    /// condition (409 `refill-already-open`); a concurrent retry with the same key gets the
    /// first one's response.
    pub async fn create(
        &self,
        access: &PatientAccess,
        refill: &RefillRequest,
        idempotency: Option<&Idempotency>,
        response: StoredResponse,
    ) -> Result<Created, ApiError> {
        if refill.patient_id != access.patient() || !refill.status.is_open() {
            return Err(ApiError::internal(
                "a new refill of another patient or not open",
            ));
        }
        let marker = OpenMarker {
            record_id: refill.record_id.clone(),
            refill_id: refill.refill_id,
        };
        let mut items = vec![
            store::transact_put(
                Put::builder()
                    .table_name(self.table)
                    .set_item(Some(refill_item(refill)?))
                    .condition_expression("attribute_not_exists(PK)"),
            )?,
            store::create_put(
                self.table,
                &keys::open_refill(access.patient(), &refill.record_id),
                &marker,
            )?,
        ];
        const GUARD: usize = 1;
        if let Some(idempotency) = idempotency {
            items.push(idempotency.record(self.table, &response)?);
        }
        const RECORD: usize = 2;
        match store::transact(self.dynamo, items).await? {
            Transacted::Done => Ok(Created::Created(response)),
            Transacted::ConditionsFailed(failed) => {
                if let Some(idempotency) = idempotency
                    && failed.contains(&RECORD)
                {
                    return match idempotency.lookup(self.dynamo, self.table).await? {
                        Some(first) => Ok(Created::Replayed(first)),
                        None => Err(ApiError::Conflict("please retry".into())),
                    };
                }
                if failed.contains(&GUARD) {
                    Err(ApiError::RefillAlreadyOpen)
                } else {
                    // A new ULID that exists already: not a state a client can cause.
                    Err(ApiError::Conflict("it exists already".into()))
                }
            }
            Transacted::Contention => Err(ApiError::Conflict(
                "another request changed this at the same time; retry".into(),
            )),
        }
    }

    /// The patient's requests, newest first (ULIDs sort by time). A patient has a handful;
    /// the list is read whole.
    pub async fn list(&self, access: &PatientAccess) -> Result<Vec<RefillRequest>, ApiError> {
        let patient = access.patient();
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", string(keys::patient_partition(patient)))
                .expression_attribute_values(":prefix", string(keys::REFILL_PREFIX))
                .scan_index_forward(false)
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// One request of the patient.
    pub async fn get(
        &self,
        access: &PatientAccess,
        refill: RefillId,
    ) -> Result<Option<RefillRequest>, ApiError> {
        get(self.dynamo, self.table, access.patient(), refill).await
    }

    /// Moves an open request to `withdrawn` (`after`, built from `before`): the request over
    /// the version read, and its guard deleted, in one transaction. Nothing is sent.
    pub async fn withdraw(
        &self,
        access: &PatientAccess,
        before: &RefillRequest,
        after: &RefillRequest,
    ) -> Result<Changed, ApiError> {
        let valid = before.patient_id == access.patient()
            && before.status.is_open()
            && after.status == RefillStatus::Withdrawn;
        if !valid {
            return Err(ApiError::internal(
                "not a withdrawal of the patient's open refill",
            ));
        }
        let items = vec![
            replace_put(self.table, before.version, after)?,
            release_guard(self.table, after)?,
        ];
        match store::transact(self.dynamo, items).await? {
            Transacted::Done => Ok(Changed::Done),
            Transacted::ConditionsFailed(_) | Transacted::Contention => Ok(Changed::Stale),
        }
    }
}

/// One request by its keys (for either side: the staff side knows the patient from the
/// queue's item).
pub async fn get(
    dynamo: &Client,
    table: &str,
    patient: PatientId,
    refill: RefillId,
) -> Result<Option<RefillRequest>, ApiError> {
    store::get_item(dynamo, table, &keys::refill(patient, refill), None)
        .await?
        .map(store::from_item)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::{at, sample};
    use crate::model::{Decision, Outcome, StaffName};

    fn attribute(item: &Item, name: &str) -> Option<String> {
        item.get(name).and_then(|v| v.as_s().ok()).cloned()
    }

    #[test]
    fn open_requests_are_in_the_queue_by_due_time() {
        let refill = sample(RefillStatus::Requested);
        let item = refill_item(&refill).expect("item");
        assert_eq!(
            attribute(&item, keys::SK),
            Some(format!("REFILL#{}", refill.refill_id))
        );
        assert_eq!(
            attribute(&item, keys::GSI1PK).as_deref(),
            Some("REFILLS_OPEN")
        );
        assert_eq!(
            attribute(&item, keys::GSI1SK),
            Some(format!("{}#{}", refill.due_at, refill.refill_id))
        );
        assert_eq!(attribute(&item, keys::GSI2PK), None);
    }

    #[test]
    fn decided_requests_leave_the_queue_for_the_decided_list() {
        let mut refill = sample(RefillStatus::Denied);
        let decided_at = at("2026-03-04T10:00:00Z");
        refill.decision = Some(Decision {
            outcome: Outcome::Deny,
            quantity: None,
            refills: None,
            reason_code: None,
            message: Some("Please call us".into()),
            decided_by: StaffName { name: None },
            decided_at,
            prescription_record_id: None,
        });
        let item = refill_item(&refill).expect("item");
        assert_eq!(attribute(&item, keys::GSI1PK), None);
        assert_eq!(
            attribute(&item, keys::GSI2PK).as_deref(),
            Some("REFILLS_DECIDED")
        );
        assert_eq!(
            attribute(&item, keys::GSI2SK),
            Some(format!("{decided_at}#{}", refill.refill_id))
        );
        // Withdrawn: in neither list.
        let item = refill_item(&sample(RefillStatus::Withdrawn)).expect("item");
        assert_eq!(attribute(&item, keys::GSI1PK), None);
        assert_eq!(attribute(&item, keys::GSI2PK), None);
    }

    #[test]
    fn stored_items_read_back_as_requests() {
        let refill = sample(RefillStatus::InReview);
        let item = refill_item(&refill).expect("item");
        let back: RefillRequest = store::from_item(item).expect("read back");
        assert_eq!(back, refill);
    }
}
