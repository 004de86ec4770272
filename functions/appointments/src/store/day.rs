//! The staff day view: the visits of one practice day, and what staff see of each (the
//! patient's name, the visit's reason). Staff reach many patients through it, so it takes the
//! proof of a staff access; each patient listed is audited by the caller before their details
//! are read.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use backon::BackoffBuilder;
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::person::LegalName;
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::profile_facts::ProfileFacts;
use portal_shared::platform::keys::{self, GSI1};
use portal_shared::platform::store::{self, Item, string};
use portal_shared::platform::write::capacity_back_off;
use portal_shared::policy::authz::{Action, StaffAccess};
use serde::Deserialize;

use crate::model::SlotUnit;
use crate::store::Table;
use crate::store::appointments::AppointmentReason;

/// Keys one BatchGetItem may ask for.
const BATCH_KEYS: usize = 100;
/// Requests of one batch in all while the table leaves keys unprocessed for want of capacity.
const BATCH_ATTEMPTS: usize = 6;

/// What the day view shows staff about a visit besides its slot: the patient's name (from the
/// profile) and the reason given at booking (from the appointment).
#[derive(Debug, Clone, Default)]
pub struct VisitDetails {
    pub legal_name: Option<LegalName>,
    pub preferred_name: Option<String>,
    pub reason: Option<Sensitive<String>>,
}

/// A profile's name attributes, with the patient they belong to (BatchGetItem answers in no
/// particular order).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileNames {
    patient_id: PatientId,
    #[serde(flatten)]
    facts: ProfileFacts,
}

pub struct DayView<'a> {
    table: Table<'a>,
}

impl<'a> DayView<'a> {
    pub fn new(table: Table<'a>) -> Self {
        DayView { table }
    }

    /// The booked visits of one practice day (their first units, no offers' holds), in time
    /// order: the whole practice's (one Query of the day's GSI1 partition), or one provider's
    /// (one Query of the provider's own partition, the slot units from `from` until `to`).
    pub async fn visits(
        &self,
        access: &StaffAccess,
        local_date: &str,
        provider: Option<(ProviderId, Timestamp, Timestamp)>,
    ) -> Result<Vec<SlotUnit>, ApiError> {
        debug_assert_eq!(access.action(), Action::ViewDaySchedule);
        let mut found: Vec<SlotUnit> = store::query_all(|start_after| {
            let query = self
                .table
                .dynamo
                .query()
                .table_name(self.table.name)
                .set_exclusive_start_key(start_after);
            match provider {
                None => query
                    .index_name(GSI1)
                    .key_condition_expression("GSI1PK = :pk")
                    .expression_attribute_values(":pk", string(keys::practice_day(local_date))),
                Some((provider, from, to)) => {
                    let (low, high) = keys::slot_unit_range(from, to);
                    query
                        .key_condition_expression("PK = :pk AND SK BETWEEN :low AND :high")
                        .expression_attribute_values(
                            ":pk",
                            string(keys::provider_partition(provider)),
                        )
                        .expression_attribute_values(":low", string(low))
                        .expression_attribute_values(":high", string(high))
                        // Heads only: the other units of a visit, and offers' holds, stay out.
                        .filter_expression("#head = :head")
                        .expression_attribute_names("#head", "head")
                        .expression_attribute_values(":head", AttributeValue::Bool(true))
                }
            }
        })
        .await?;
        if let Some((_, from, to)) = provider {
            found.retain(|unit| unit.start >= from && unit.start < to);
        }
        found.retain(|unit| unit.head && unit.hold_until.is_none());
        Ok(found)
    }

    /// The names and visit reasons the day view shows staff, with BatchGetItem (100 keys a
    /// request; unprocessed keys are asked again after a back-off): each patient's profile (the
    /// name attributes only) and each appointment (its reason only). Missing items leave their
    /// fields empty.
    pub async fn details(
        &self,
        access: &StaffAccess,
        visits: &[(PatientId, AppointmentId)],
    ) -> Result<HashMap<AppointmentId, VisitDetails>, ApiError> {
        debug_assert_eq!(access.action(), Action::ViewDaySchedule);
        let mut keys_wanted: Vec<Item> = Vec::new();
        let mut patients: Vec<PatientId> = Vec::new();
        for (patient, appointment) in visits {
            if !patients.contains(patient) {
                patients.push(*patient);
                keys_wanted.push(keys::profile(*patient).attributes());
            }
            keys_wanted.push(keys::appointment(*patient, *appointment).attributes());
        }
        let mut names: HashMap<PatientId, ProfileNames> = HashMap::new();
        let mut reasons: HashMap<AppointmentId, Sensitive<String>> = HashMap::new();
        for chunk in keys_wanted.chunks(BATCH_KEYS) {
            for item in self.batch_get(chunk).await? {
                let is_profile = item
                    .get(keys::SK)
                    .and_then(|sk| sk.as_s().ok())
                    .is_some_and(|sk| sk == keys::PROFILE_SK);
                if is_profile {
                    let profile: ProfileNames = store::from_item(item)?;
                    names.insert(profile.patient_id, profile);
                } else {
                    let visit: AppointmentReason = store::from_item(item)?;
                    reasons.insert(visit.appointment_id, visit.reason);
                }
            }
        }
        Ok(visits
            .iter()
            .map(|(patient, appointment)| {
                let profile = names.get(patient);
                (
                    *appointment,
                    VisitDetails {
                        legal_name: profile.and_then(|p| p.facts.legal_name.clone()),
                        preferred_name: profile
                            .and_then(|p| p.facts.preferred_name.as_ref())
                            .map(|n| n.as_str().to_owned()),
                        reason: reasons.get(appointment).cloned(),
                    },
                )
            })
            .collect())
    }

    /// The items of one batch of keys (projected to what the day view shows), asking again
    /// for the keys the table left unprocessed, after [`capacity_back_off`]; 503 when some are
    /// still left after [`BATCH_ATTEMPTS`].
    async fn batch_get(&self, keys_wanted: &[Item]) -> Result<Vec<Item>, ApiError> {
        let mut found = Vec::new();
        let mut pauses = capacity_back_off(BATCH_ATTEMPTS).build();
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(keys_wanted.to_vec()))
                // Names for every attribute: none may collide with a reserved word.
                .projection_expression("#sk, #patient, #legal, #preferred, #appointment, #reason")
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_names("#patient", "patientId")
                .expression_attribute_names("#legal", "legalName")
                .expression_attribute_names("#preferred", "preferredName")
                .expression_attribute_names("#appointment", "appointmentId")
                .expression_attribute_names("#reason", "reason")
                .consistent_read(true)
                .build()
                .map_err(ApiError::internal)?,
        );
        while let Some(request) = pending.take() {
            let output = self
                .table
                .dynamo
                .batch_get_item()
                .request_items(self.table.name, request)
                .send()
                .await
                .map_err(store::sdk_error)?;
            found.extend(
                output
                    .responses
                    .and_then(|mut tables| tables.remove(self.table.name))
                    .unwrap_or_default(),
            );
            pending = output
                .unprocessed_keys
                .and_then(|mut tables| tables.remove(self.table.name))
                .filter(|rest| !rest.keys().is_empty());
            if pending.is_some() {
                let Some(pause) = pauses.next() else {
                    return Err(ApiError::Unavailable(
                        "the day's details could not all be read".into(),
                    ));
                };
                tokio::time::sleep(pause).await;
            }
        }
        Ok(found)
    }
}
