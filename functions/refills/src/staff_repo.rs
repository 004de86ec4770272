//! The practice's reads and writes of refill requests: finding a request by its id alone (the
//! staff routes name no patient: GSI3 `refill_by_id`), the open queue (GSI1, soonest due
//! first) and the decided list (GSI2, newest decision first), the patients' names and birth
//! dates, and the one transaction a move of a request is: the request replaced under its
//! `version` (the item shape is the patient side's, `repo::refill_item`), the one-open guard
//! deleted when it leaves the open states, the outbox record, and (approve) the renewed
//! prescription's record.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{KeysAndAttributes, TransactWriteItem};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, RefillId};
use portal_shared::domain::person::{DateOfBirth, LegalName};
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::keys::{self, GSI1, GSI2, GSI3};
use portal_shared::platform::store::{self, Item, Transacted, string};
use portal_shared::platform::write::transact_retrying;
use portal_shared::policy::authz::{Action, PatientAccess, StaffAccess};
use serde::{Deserialize, Serialize};

use crate::model::RefillRequest;
use crate::repo::{self, release_guard, replace_put};

/// The most decided requests one list answers (newest decisions first).
pub const MAX_DECIDED_LISTED: i32 = 200;
/// Keys one BatchGetItem may ask for.
const BATCH_KEYS: usize = 100;
/// BatchGetItem requests for one batch of keys at most (unprocessed keys are asked again).
const BATCH_ROUNDS: u32 = 4;

/// What staff see of the patient a request is for: `{patientId, name?, birthDate?}` (the name
/// and birth date are absent only when the profile is gone).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientSummary {
    pub patient_id: PatientId,
    /// The legal name, given names then family name (what a prescription names).
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

impl PatientSummary {
    fn of(patient_id: PatientId, name: Option<&LegalName>, born: Option<&DateOfBirth>) -> Self {
        PatientSummary {
            patient_id,
            name: name.map(|n| format!("{} {}", n.given.as_str(), n.family.as_str())),
            birth_date: born.map(DateOfBirth::to_iso),
        }
    }
}

/// A profile's name and birth date with the patient they belong to (BatchGetItem answers in no
/// particular order).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileSummary {
    patient_id: PatientId,
    #[serde(default)]
    legal_name: Option<LegalName>,
    #[serde(default)]
    date_of_birth: Option<DateOfBirth>,
}

/// Why a move of a request was not written. Nothing was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMoved {
    /// The request changed since it was read (another decision, a withdrawal, a claim).
    Changed,
    /// Other writes to it kept colliding with this one.
    Contention,
}

pub struct StaffRefills<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> StaffRefills<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        StaffRefills { dynamo, table }
    }

    /// The patient a request is for, found by its id alone (GSI3); `None` for an id of no
    /// request. Read before the patient's access is authorised: it reads only the patient's id.
    pub async fn patient_of(
        &self,
        _access: &StaffAccess,
        refill: RefillId,
    ) -> Result<Option<PatientId>, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Found {
            patient_id: PatientId,
        }
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(GSI3)
            .key_condition_expression("GSI3PK = :id AND GSI3SK = :sk")
            .expression_attribute_values(":id", string(keys::refill_by_id(refill)))
            .expression_attribute_values(":sk", string(keys::REFILL_BY_ID_SK))
            .projection_expression("#patient")
            .expression_attribute_names("#patient", "patientId")
            .limit(1);
        let (found, _): (Vec<Found>, _) = store::query_page(query).await?;
        Ok(found.into_iter().next().map(|f| f.patient_id))
    }

    /// One request of the patient (consistent), or `None`.
    pub async fn request(
        &self,
        access: &PatientAccess,
        refill: RefillId,
    ) -> Result<Option<RefillRequest>, ApiError> {
        repo::get(self.dynamo, self.table, access.patient(), refill).await
    }

    /// Every open request, soonest due first (then oldest: the sort key is
    /// `<dueAt>#<refillId>` and refill ids sort by creation). Tens at a practice.
    pub async fn open(&self, access: &StaffAccess) -> Result<Vec<RefillRequest>, ApiError> {
        debug_assert_eq!(access.action(), Action::WorkRefillQueue);
        let mut found: Vec<RefillRequest> = store::query_all(|start| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :queue")
                .expression_attribute_values(":queue", string(keys::REFILLS_OPEN))
                .scan_index_forward(true)
                .set_exclusive_start_key(start)
        })
        .await?;
        // The index is eventually consistent: a request decided a moment ago may linger.
        found.retain(|r| r.status.is_open());
        Ok(found)
    }

    /// The newest [`MAX_DECIDED_LISTED`] decided requests, newest decision first.
    pub async fn decided(&self, access: &StaffAccess) -> Result<Vec<RefillRequest>, ApiError> {
        debug_assert_eq!(access.action(), Action::WorkRefillQueue);
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(GSI2)
            .key_condition_expression("GSI2PK = :list")
            .expression_attribute_values(":list", string(keys::REFILLS_DECIDED))
            .scan_index_forward(false)
            .limit(MAX_DECIDED_LISTED);
        let (found, _): (Vec<RefillRequest>, _) = store::query_page(query).await?;
        Ok(found)
    }

    /// The patient's name and birth date (one consistent GetItem of the profile).
    pub async fn summary(&self, access: &PatientAccess) -> Result<PatientSummary, ApiError> {
        let facts = ProfileFacts::read(
            self.dynamo,
            self.table,
            access,
            &[Fact::Name, Fact::DateOfBirth],
        )
        .await?
        .unwrap_or_default();
        Ok(PatientSummary::of(
            access.patient(),
            facts.legal_name.as_ref(),
            facts.date_of_birth.as_ref(),
        ))
    }

    /// The names and birth dates of the patients listed (BatchGetItem of their profiles, name
    /// and birth date only). The caller audits each patient before: see `staff::queue`.
    pub async fn summaries(
        &self,
        access: &StaffAccess,
        patients: &[PatientId],
    ) -> Result<HashMap<PatientId, PatientSummary>, ApiError> {
        debug_assert_eq!(access.action(), Action::WorkRefillQueue);
        let mut wanted: Vec<PatientId> = patients.to_vec();
        wanted.sort_by_key(|p| p.to_string());
        wanted.dedup();
        let mut found = HashMap::new();
        for chunk in wanted.chunks(BATCH_KEYS) {
            let mut pending: Vec<Item> = chunk
                .iter()
                .map(|patient| keys::profile(*patient).attributes())
                .collect();
            // A few rounds for keys the table leaves unprocessed (for want of capacity: after
            // a growing pause); what is still missing after them shows without a name rather
            // than failing the whole list.
            for round in 0..BATCH_ROUNDS {
                if pending.is_empty() {
                    break;
                }
                if round > 0 {
                    tokio::time::sleep(Duration::from_millis(50 << round)).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(pending))
                    .projection_expression("#patient, #legal, #born")
                    .expression_attribute_names("#patient", "patientId")
                    .expression_attribute_names("#legal", "legalName")
                    .expression_attribute_names("#born", "dateOfBirth")
                    .consistent_read(true)
                    .build()
                    .map_err(ApiError::internal)?;
                let output = self
                    .dynamo
                    .batch_get_item()
                    .request_items(self.table, request)
                    .send()
                    .await
                    .map_err(store::sdk_error)?;
                for item in output
                    .responses
                    .and_then(|mut tables| tables.remove(self.table))
                    .unwrap_or_default()
                {
                    let profile: ProfileSummary = store::from_item(item)?;
                    found.insert(
                        profile.patient_id,
                        PatientSummary::of(
                            profile.patient_id,
                            profile.legal_name.as_ref(),
                            profile.date_of_birth.as_ref(),
                        ),
                    );
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut tables| tables.remove(self.table))
                    .map(|rest| rest.keys().to_vec())
                    .unwrap_or_default();
            }
        }
        for patient in patients {
            found
                .entry(*patient)
                .or_insert_with(|| PatientSummary::of(*patient, None, None));
        }
        Ok(found)
    }

    /// Writes `moved` over `read` (the request as it was read, at its version) with `also`
    /// (the outbox record; the renewed prescription's record) in one transaction, through the
    /// item shape the patient side writes too (`repo::replace_put`: the indexes follow the
    /// status); the one-open guard goes when the request leaves the open states.
    /// [`NotMoved::Changed`] when the request is no longer at that version, or something `also`
    /// creates exists.
    pub async fn save_move(
        &self,
        access: &PatientAccess,
        read: &RefillRequest,
        moved: &RefillRequest,
        also: Vec<TransactWriteItem>,
    ) -> Result<Result<(), NotMoved>, ApiError> {
        if read.patient_id != access.patient() || moved.patient_id != access.patient() {
            return Err(ApiError::internal("a refill request of another patient"));
        }
        let mut items = vec![replace_put(self.table, read.version, moved)?];
        if read.status.is_open() && !moved.status.is_open() {
            items.push(release_guard(self.table, read)?);
        }
        items.extend(also);
        Ok(match transact_retrying(self.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(_) => Err(NotMoved::Changed),
            Transacted::Contention => Err(NotMoved::Contention),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RefillStatus;
    use crate::model::tests::sample;

    #[test]
    fn every_request_is_found_by_its_id_alone_whatever_its_status() {
        for status in RefillStatus::ALL {
            let request = sample(status);
            let item = repo::refill_item(&request).expect("item");
            // What `patient_of` asks GSI3 for, and the patient it reads back.
            assert_eq!(
                item[keys::GSI3PK],
                string(keys::refill_by_id(request.refill_id))
            );
            assert_eq!(item[keys::GSI3SK], string(keys::REFILL_BY_ID_SK));
            assert_eq!(item["patientId"], string(request.patient_id.to_string()));
        }
    }

    #[test]
    fn summaries_show_the_legal_name_and_birth_date() {
        let name: LegalName =
            serde_json::from_value(serde_json::json!({"given": "Ana María", "family": "López"}))
                .expect("name");
        let born: DateOfBirth =
            serde_json::from_value(serde_json::json!("1984-03-12")).expect("dob");
        let patient = PatientId::generate();
        let json = serde_json::to_value(PatientSummary::of(patient, Some(&name), Some(&born)))
            .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"patientId": patient.to_string(), "name": "Ana María López",
                               "birthDate": "1984-03-12"})
        );
        let gone = serde_json::to_value(PatientSummary::of(patient, None, None)).expect("json");
        assert_eq!(gone, serde_json::json!({"patientId": patient.to_string()}));
    }
}
