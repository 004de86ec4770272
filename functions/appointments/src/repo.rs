//! The appointments' items and the transactions that keep a slot and its appointment together.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};
use portal_shared::ApiError;
use portal_shared::domain::ids::{AppointmentId, PatientId, ProviderId};
use portal_shared::domain::person::LegalName;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{Notification, Recipient};
use portal_shared::features::profile_facts::{self, Fact, ProfileFacts};
use portal_shared::platform::keys::{self, GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, Key};
use portal_shared::platform::store::{self, Item, number, string};
use portal_shared::policy::authz::PatientAccess;
use serde::{Deserialize, Serialize};

use crate::schedule::ScheduleDoc;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub provider_id: ProviderId,
    pub name: String,
    pub specialty: String,
    pub accepting_new_patients: bool,
    pub visit_types: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSchedule {
    #[serde(flatten)]
    pub doc: ScheduleDoc,
    /// `None` only for the empty schedule of a provider who has none yet (never stored).
    pub published_at: Option<Timestamp>,
    /// Optimistic lock (the ETag); 0 means never published (or published before versions).
    #[serde(default)]
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Booked,
    Cancelled,
}

/// What the patient confirmed at online check-in (PHI: it stays in the patient's partition).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckIn {
    pub phone: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Insurance>,
    pub medications: Vec<Medication>,
    pub answers: BTreeMap<String, String>,
    pub checked_in_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Insurance {
    pub carrier: String,
    pub member_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Medication {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub provider_name: String,
    pub visit_type: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub reason: String,
    pub status: Status,
    pub booked_at: Timestamp,
    pub booked_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<CheckIn>,
    /// When the patient joined the provider's waitlist for an earlier slot (the key of the entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waitlisted_at: Option<Timestamp>,
    /// When the reminder notification is due (the key of its item), while it is booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_at: Option<Timestamp>,
    pub version: u64,
}

/// A reminder for a sender: who, which appointment, and when (no provider, reason or visit
/// type: the sender fetches nothing else and the notification shows date and time only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub kind: String,
    pub patient_id: PatientId,
    pub appointment_id: AppointmentId,
    pub start: Timestamp,
    pub send_at: Timestamp,
    /// TTL: a week after the visit.
    pub expires_at: i64,
}

/// One taken unit of a provider's time. The first unit of a visit ("head") is in the day view.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotUnit {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub visit_type: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub head: bool,
    #[serde(default)]
    pub checked_in: bool,
    /// A unit held for a waitlist offer until then; a lapsed hold counts as free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<Timestamp>,
}

/// A slot just freed, to be offered to the patients waiting for an earlier one. Its marker is
/// written by the transaction that frees the slot and removed once the offer step has run, so
/// an offer that never ran (the function died, the table was busy) is made by the sweeper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreedSlot {
    pub provider_id: ProviderId,
    pub slot_start: Timestamp,
    pub visit_type: String,
    /// The appointment not to offer it to (the one that held it and let it go).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<AppointmentId>,
    /// When it was freed: the marker is removed only by the step that wrote this one.
    pub freed_at: Timestamp,
}

impl FreedSlot {
    pub fn new(
        provider_id: ProviderId,
        slot_start: Timestamp,
        visit_type: &str,
        skip: Option<AppointmentId>,
    ) -> FreedSlot {
        FreedSlot {
            provider_id,
            slot_start,
            visit_type: visit_type.to_owned(),
            skip,
            freed_at: Timestamp::now(),
        }
    }
}

/// An earlier slot offered to a waiting patient, held for them until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub start: Timestamp,
    pub until: Timestamp,
}

/// A patient's wish for an earlier slot for one appointment (same provider and visit type).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntry {
    pub appointment_id: AppointmentId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub visit_type: String,
    pub current_start: Timestamp,
    pub requested_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Slots (their starts) this entry was offered and let lapse: never offered to it again,
    /// so a lapsed slot moves down the line instead of returning to the first patient.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed: Vec<Timestamp>,
}

/// What an offer's notification refers to, for a sender: the appointment's id and the held
/// slot's date and time only (template [`WAITLIST_OFFER_TEMPLATE`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutOffer {
    pub appointment_id: AppointmentId,
    pub slot_start: Timestamp,
    pub offer_until: Timestamp,
}

/// "An earlier appointment is held for you until <offerUntil>; accept it in your portal."
pub const WAITLIST_OFFER_TEMPLATE: &str = "waitlist-offer";

/// The booking-limit counter: the patient's upcoming appointments (id → start) and a version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counter {
    #[serde(default)]
    pub upcoming: BTreeMap<String, Timestamp>,
    #[serde(default)]
    pub version: u64,
}

/// What the day view shows staff about a visit besides its slot: the patient's name (from the
/// profile) and the reason given at booking (from the appointment).
#[derive(Debug, Clone, Default)]
pub struct VisitDetails {
    pub legal_name: Option<LegalName>,
    pub preferred_name: Option<String>,
    pub reason: Option<String>,
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppointmentReason {
    appointment_id: AppointmentId,
    reason: String,
}

pub struct Repo<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

fn put(table: &str, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
    store::transact_put(
        Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression(condition),
    )
}

impl Repo<'_> {
    async fn get<T: serde::de::DeserializeOwned>(&self, key: &Key) -> Result<Option<T>, ApiError> {
        store::get_item(self.dynamo, self.table, key, None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    pub async fn provider(&self, provider: ProviderId) -> Result<Option<Provider>, ApiError> {
        self.get(&keys::provider(provider)).await
    }

    /// The write that creates a provider (for `idempotency::create_once`).
    pub fn add_provider(&self, provider: &Provider) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut item = store::to_item(&keys::provider(provider.provider_id), provider)?;
        item.insert(GSI1PK.into(), string(keys::PROVIDER_DIRECTORY));
        item.insert(
            GSI1SK.into(),
            string(keys::provider_directory_sort(
                &provider.name,
                provider.provider_id,
            )),
        );
        store::create_puts(self.table, vec![item])
    }

    /// Where `provider` is in the directory (its key attributes in the directory's index): a
    /// page ending with it resumes just after it.
    pub fn directory_position(&self, provider: &Provider) -> Item {
        let mut position = keys::provider(provider.provider_id).attributes();
        position.insert(GSI1PK.into(), string(keys::PROVIDER_DIRECTORY));
        position.insert(
            GSI1SK.into(),
            string(keys::provider_directory_sort(
                &provider.name,
                provider.provider_id,
            )),
        );
        position
    }

    /// One page of the directory in name order, of the providers `keep` accepts (see
    /// [`store::filled_page`]).
    pub async fn providers(
        &self,
        limit: i32,
        start_after: Option<Item>,
        keep: impl Fn(&Provider) -> bool,
    ) -> Result<(Vec<Provider>, Option<Item>), ApiError> {
        let query = |start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", string(keys::PROVIDER_DIRECTORY))
                .set_exclusive_start_key(start_after)
        };
        store::filled_page(query, limit, start_after, keep, |p| {
            self.directory_position(p)
        })
        .await
    }

    pub async fn schedule(&self, provider: ProviderId) -> Result<Option<StoredSchedule>, ApiError> {
        self.get(&keys::provider_schedule(provider)).await
    }

    /// Replaces the published schedule if it is still at `read_version` (0: none published
    /// yet). `false` when someone published meanwhile (nothing written).
    pub async fn publish_schedule(
        &self,
        provider: ProviderId,
        schedule: &StoredSchedule,
        read_version: u64,
    ) -> Result<bool, ApiError> {
        let item = store::to_item(&keys::provider_schedule(provider), schedule)?;
        let request = self
            .dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(item));
        let request = if read_version == 0 {
            request.condition_expression("attribute_not_exists(version)")
        } else {
            request
                .condition_expression("version = :version")
                .expression_attribute_values(":version", number(read_version))
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// The starts of the provider's taken units from `from` through `to` (one Query).
    pub async fn taken_units(
        &self,
        provider: ProviderId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<BTreeSet<Timestamp>, ApiError> {
        let (low, high) = keys::slot_unit_range(from, to);
        let mut taken = BTreeSet::new();
        let mut start_after = None;
        loop {
            let output = self
                .dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND SK BETWEEN :low AND :high")
                .expression_attribute_values(":pk", string(keys::provider_partition(provider)))
                .expression_attribute_values(":low", string(low.clone()))
                .expression_attribute_values(":high", string(high.clone()))
                .projection_expression("SK, holdUntil")
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
                .send()
                .await
                .map_err(store::sdk_error)?;
            let now = Timestamp::now();
            for item in output.items.unwrap_or_default() {
                let lapsed = item
                    .get("holdUntil")
                    .and_then(|until| until.as_s().ok())
                    .and_then(|until| Timestamp::parse(until))
                    .is_some_and(|until| until < now);
                if lapsed {
                    continue;
                }
                if let Some(at) = item
                    .get(keys::SK)
                    .and_then(|sk| sk.as_s().ok())
                    .and_then(|sk| sk.strip_prefix(keys::SLOT_PREFIX))
                    .and_then(Timestamp::parse)
                {
                    taken.insert(at);
                }
            }
            match output.last_evaluated_key {
                Some(last) => start_after = Some(last),
                None => return Ok(taken),
            }
        }
    }

    pub async fn appointment(
        &self,
        access: &PatientAccess,
        appointment: AppointmentId,
    ) -> Result<Option<Appointment>, ApiError> {
        self.get(&keys::appointment(access.patient(), appointment))
            .await
    }

    pub async fn counter(&self, access: &PatientAccess) -> Result<Counter, ApiError> {
        Ok(self
            .get(&keys::booking_counter(access.patient()))
            .await?
            .unwrap_or_default())
    }

    /// A page of the patient's appointments by start: upcoming (from `now`, soonest first,
    /// booked ones only) or past (most recent first). Cancelled visits are skipped from the
    /// upcoming list page by page until the page is full (see [`store::filled_page`]).
    pub async fn by_start(
        &self,
        access: &PatientAccess,
        upcoming: bool,
        now: Timestamp,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Appointment>, Option<Item>), ApiError> {
        let patient = access.patient();
        let query = |start_after| {
            let query = self
                .dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI1)
                .expression_attribute_values(":pk", string(keys::patient_appointments(patient)))
                .expression_attribute_values(":now", string(now.to_string()))
                .set_exclusive_start_key(start_after);
            if upcoming {
                query
                    .key_condition_expression("GSI1PK = :pk AND GSI1SK >= :now")
                    .scan_index_forward(true)
            } else {
                query
                    .key_condition_expression("GSI1PK = :pk AND GSI1SK < :now")
                    .scan_index_forward(false)
            }
        };
        store::filled_page(
            query,
            limit,
            start_after,
            |appointment: &Appointment| !upcoming || appointment.status == Status::Booked,
            |appointment| self.appointment_position(appointment),
        )
        .await
    }

    /// The first units of the visits of one practice day (the staff day view), in time order:
    /// the whole practice's (one Query of the day's GSI1 partition), or one provider's (one
    /// Query of the provider's own partition, the slot units from `from` until `to`).
    pub async fn day(
        &self,
        local_date: &str,
        provider: Option<(ProviderId, Timestamp, Timestamp)>,
    ) -> Result<Vec<SlotUnit>, ApiError> {
        let mut found: Vec<SlotUnit> = store::query_all(|start_after| {
            let query = self
                .dynamo
                .query()
                .table_name(self.table)
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
        Ok(found)
    }

    /// The names and visit reasons the day view shows staff, with BatchGetItem (100 keys a
    /// request; unprocessed keys are asked again): each patient's profile (the name attributes
    /// only) and each appointment (its reason only). Missing items leave their fields empty.
    pub async fn visit_details(
        &self,
        visits: &[(PatientId, AppointmentId)],
    ) -> Result<HashMap<AppointmentId, VisitDetails>, ApiError> {
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
        let mut reasons: HashMap<AppointmentId, String> = HashMap::new();
        for chunk in keys_wanted.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    // Names for every attribute: none may collide with a reserved word.
                    .projection_expression(
                        "#sk, #patient, #legal, #preferred, #appointment, #reason",
                    )
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
            let mut attempt = 0;
            while let Some(request) = pending.take() {
                let output = self
                    .dynamo
                    .batch_get_item()
                    .request_items(self.table, request)
                    .send()
                    .await
                    .map_err(store::sdk_error)?;
                let items = output
                    .responses
                    .and_then(|mut tables| tables.remove(self.table))
                    .unwrap_or_default();
                for item in items {
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
                pending = output
                    .unprocessed_keys
                    .and_then(|mut tables| tables.remove(self.table))
                    .filter(|rest| !rest.keys().is_empty());
                if pending.is_some() {
                    attempt += 1;
                    if attempt > 5 {
                        return Err(ApiError::Unavailable(
                            "the day's details could not all be read".into(),
                        ));
                    }
                    store::back_off_for_capacity(attempt).await;
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

    /// Whether the patient wants appointment reminders (the profile's
    /// `communication.appointmentReminders`; yes when the profile or the setting is missing).
    pub async fn wants_reminders(&self, patient: PatientId) -> Result<bool, ApiError> {
        let facts =
            profile_facts::read(self.dynamo, self.table, patient, &[Fact::Communication]).await?;
        Ok(facts.is_none_or(|facts| facts.wants_appointment_reminders()))
    }

    /// Where `appointment` is in the patient's by-start index: a page ending with it resumes
    /// just after it.
    fn appointment_position(&self, appointment: &Appointment) -> Item {
        let mut position =
            keys::appointment(appointment.patient_id, appointment.appointment_id).attributes();
        position.insert(
            GSI1PK.into(),
            string(keys::patient_appointments(appointment.patient_id)),
        );
        position.insert(
            GSI1SK.into(),
            string(keys::appointment_by_start(
                appointment.start,
                appointment.appointment_id,
            )),
        );
        position
    }

    // ---- the items of transactions ------------------------------------------------------

    pub fn appointment_item(&self, appointment: &Appointment) -> Result<Item, ApiError> {
        let mut item = store::to_item(
            &keys::appointment(appointment.patient_id, appointment.appointment_id),
            appointment,
        )?;
        item.insert(
            GSI1PK.into(),
            string(keys::patient_appointments(appointment.patient_id)),
        );
        item.insert(
            GSI1SK.into(),
            string(keys::appointment_by_start(
                appointment.start,
                appointment.appointment_id,
            )),
        );
        Ok(item)
    }

    /// Creates the appointment (it is new).
    pub fn create_appointment(
        &self,
        appointment: &Appointment,
    ) -> Result<TransactWriteItem, ApiError> {
        put(
            self.table,
            self.appointment_item(appointment)?,
            "attribute_not_exists(PK)",
        )
    }

    /// Replaces the appointment if nobody changed it since `version` was read, and it is still
    /// booked.
    pub fn replace_appointment(
        &self,
        appointment: &Appointment,
        read_version: u64,
    ) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(self.appointment_item(appointment)?))
                .condition_expression("version = :version AND #status = :booked")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":version", number(read_version))
                .expression_attribute_values(":booked", string("booked")),
        )
    }

    fn unit_item(&self, unit: &SlotUnit, at: Timestamp, zone_date: &str) -> Result<Item, ApiError> {
        let mut item = store::to_item(&keys::slot_unit(unit.provider_id, at), unit)?;
        if unit.head {
            item.insert(GSI1PK.into(), string(keys::practice_day(zone_date)));
            item.insert(
                GSI1SK.into(),
                string(keys::practice_day_sort(
                    unit.start,
                    unit.provider_id,
                    unit.appointment_id,
                )),
            );
        }
        Ok(item)
    }

    /// Takes a unit that must be free (or only held by an offer that has lapsed).
    pub fn take_unit(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
        zone_date: &str,
    ) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(self.unit_item(unit, at, zone_date)?))
                .condition_expression("attribute_not_exists(PK) OR holdUntil < :now")
                .expression_attribute_values(":now", string(Timestamp::now().to_string())),
        )
    }

    /// Takes a unit an offer holds for this appointment, while the hold lasts.
    pub fn take_held_unit(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
        zone_date: &str,
    ) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(self.unit_item(unit, at, zone_date)?))
                .condition_expression("appointmentId = :appointment AND holdUntil >= :now")
                .expression_attribute_values(
                    ":appointment",
                    string(unit.appointment_id.to_string()),
                )
                .expression_attribute_values(":now", string(Timestamp::now().to_string())),
        )
    }

    pub async fn waitlist_entry(
        &self,
        appointment: &Appointment,
    ) -> Result<Option<WaitlistEntry>, ApiError> {
        match appointment.waitlisted_at {
            None => Ok(None),
            Some(at) => {
                self.get(&keys::waitlist_entry(
                    appointment.provider_id,
                    at,
                    appointment.appointment_id,
                ))
                .await
            }
        }
    }

    /// A provider's waitlist, first asked first (one Query of the provider's partition).
    pub async fn waitlist(&self, provider: ProviderId) -> Result<Vec<WaitlistEntry>, ApiError> {
        let partition = string(keys::provider_partition(provider));
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":prefix", string(keys::WAITLIST_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// One entry, read strongly consistent.
    pub async fn entry_at(
        &self,
        provider: ProviderId,
        requested_at: Timestamp,
        appointment: AppointmentId,
    ) -> Result<Option<WaitlistEntry>, ApiError> {
        self.get(&keys::waitlist_entry(provider, requested_at, appointment))
            .await
    }

    /// The entry as stored: while it holds an offer it is in the offers' expiry index (GSI2),
    /// which the sweeper reads; without one it leaves the index.
    fn entry_item(&self, entry: &WaitlistEntry) -> Result<Item, ApiError> {
        let mut item = store::to_item(
            &keys::waitlist_entry(entry.provider_id, entry.requested_at, entry.appointment_id),
            entry,
        )?;
        if let Some(offer) = entry.offer {
            item.insert(
                GSI2PK.into(),
                string(keys::offer_expiry_partition(keys::offer_expiry_shard(
                    entry.appointment_id,
                ))),
            );
            item.insert(
                GSI2SK.into(),
                string(keys::offer_expiry_sort(offer.until, entry.appointment_id)),
            );
        }
        Ok(item)
    }

    /// Creates (`create`) or rewrites an existing entry.
    pub fn put_entry(
        &self,
        entry: &WaitlistEntry,
        create: bool,
    ) -> Result<TransactWriteItem, ApiError> {
        put(
            self.table,
            self.entry_item(entry)?,
            if create {
                "attribute_not_exists(PK)"
            } else {
                "attribute_exists(PK)"
            },
        )
    }

    /// Rewrites an existing entry if its offer is still `previous` (none, or that very offer):
    /// two sweeps, a sweep and a late answer, or two offers at once cannot both act on it.
    pub fn replace_entry_offer(
        &self,
        entry: &WaitlistEntry,
        previous: Option<Offer>,
    ) -> Result<TransactWriteItem, ApiError> {
        let builder = Put::builder()
            .table_name(self.table)
            .set_item(Some(self.entry_item(entry)?));
        let builder = match previous {
            None => {
                builder.condition_expression("attribute_exists(PK) AND attribute_not_exists(offer)")
            }
            Some(offer) => builder
                .condition_expression(
                    "attribute_exists(PK) AND #offer.#start = :start AND #offer.#until = :until",
                )
                .expression_attribute_names("#offer", "offer")
                .expression_attribute_names("#start", "start")
                .expression_attribute_names("#until", "until")
                .expression_attribute_values(":start", string(offer.start.to_string()))
                .expression_attribute_values(":until", string(offer.until.to_string())),
        };
        Ok(TransactWriteItem::builder()
            .put(builder.build().map_err(ApiError::internal)?)
            .build())
    }

    /// The live offers of one shard that lapsed before `now`, soonest lapsed first (one Query
    /// of the sparse expiry index; eventually consistent: each is re-read before it is swept).
    pub async fn lapsed_offers(
        &self,
        shard: u32,
        now: Timestamp,
    ) -> Result<Vec<WaitlistEntry>, ApiError> {
        let partition = string(keys::offer_expiry_partition(shard));
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI2)
                .key_condition_expression("GSI2PK = :pk AND GSI2SK < :now")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":now", string(now.to_string()))
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The marker of a freed slot, for the freeing transaction (it replaces an older marker of
    /// the same slot: the newest freeing is the one to offer). Kept until a day after the slot
    /// began at most: a past slot is offered to no one.
    pub fn mark_freed(&self, freed: &FreedSlot) -> Result<TransactWriteItem, ApiError> {
        let mut item = store::to_item(
            &keys::freed_slot(freed.provider_id, freed.slot_start),
            freed,
        )?;
        item.insert(
            keys::EXPIRES_AT.to_owned(),
            number(
                freed
                    .slot_start
                    .plus(std::time::Duration::from_secs(24 * 3600))
                    .unix_seconds(),
            ),
        );
        store::transact_put(Put::builder().table_name(self.table).set_item(Some(item)))
    }

    /// Removes a freed slot's marker once its offer step has run, unless a later freeing of the
    /// same slot replaced it (that one's own step removes it).
    pub async fn clear_freed(&self, freed: &FreedSlot) -> Result<(), ApiError> {
        let result = self
            .dynamo
            .delete_item()
            .table_name(self.table)
            .set_key(Some(
                keys::freed_slot(freed.provider_id, freed.slot_start).attributes(),
            ))
            .condition_expression("freedAt = :freed")
            .expression_attribute_values(":freed", string(freed.freed_at.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if store::is_condition_failure(&error) => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// The freed-slot markers of one shard written before `before` (their own offer step has
    /// had its time), every page.
    pub async fn freed_slots(
        &self,
        shard: u32,
        before: Timestamp,
    ) -> Result<Vec<FreedSlot>, ApiError> {
        let partition = string(keys::freed_slots_partition(shard));
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk")
                .filter_expression("freedAt < :before")
                .expression_attribute_values(":pk", partition.clone())
                .expression_attribute_values(":before", string(before.to_string()))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// Whether the unit at `at` is still held for `appointment` by the offer lasting `until`.
    pub async fn unit_held_for(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
        until: Timestamp,
    ) -> Result<bool, ApiError> {
        let unit: Option<SlotUnit> = self.get(&keys::slot_unit(provider, at)).await?;
        Ok(unit.is_some_and(|unit| {
            unit.appointment_id == appointment && unit.hold_until == Some(until)
        }))
    }

    /// Frees a unit an offer held, if it holds it still (not booked by anyone since).
    pub fn release_held_unit(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
        until: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(keys::slot_unit(provider, at).attributes()))
            .condition_expression("appointmentId = :appointment AND holdUntil = :until")
            .expression_attribute_values(":appointment", string(appointment.to_string()))
            .expression_attribute_values(":until", string(until.to_string()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    pub fn delete_entry(&self, entry: &WaitlistEntry) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(
                keys::waitlist_entry(entry.provider_id, entry.requested_at, entry.appointment_id)
                    .attributes(),
            ))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    pub fn put_offer_notification(
        &self,
        entry: &WaitlistEntry,
        offer: Offer,
        now: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        Notification::pending(
            WAITLIST_OFFER_TEMPLATE,
            Recipient::Patient {
                patient_id: entry.patient_id,
            },
            AboutOffer {
                appointment_id: entry.appointment_id,
                slot_start: offer.start,
                offer_until: offer.until,
            },
            now,
            offer
                .until
                .plus(std::time::Duration::from_secs(7 * 24 * 3600)),
        )
        .put(self.table)
    }

    /// Rewrites a unit the same appointment holds already (a reschedule that overlaps itself,
    /// a check-in).
    pub fn rewrite_unit(
        &self,
        unit: &SlotUnit,
        at: Timestamp,
        zone_date: &str,
    ) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(self.unit_item(unit, at, zone_date)?))
                .condition_expression("appointmentId = :appointment")
                .expression_attribute_values(
                    ":appointment",
                    string(unit.appointment_id.to_string()),
                ),
        )
    }

    /// Frees a unit the appointment holds.
    pub fn free_unit(
        &self,
        provider: ProviderId,
        at: Timestamp,
        appointment: AppointmentId,
    ) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(keys::slot_unit(provider, at).attributes()))
            .condition_expression("appointmentId = :appointment")
            .expression_attribute_values(":appointment", string(appointment.to_string()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Writes the appointment's reminder (due at `reminder_at`).
    pub fn put_reminder(
        &self,
        appointment: &Appointment,
    ) -> Result<Option<TransactWriteItem>, ApiError> {
        let Some(send_at) = appointment.reminder_at else {
            return Ok(None);
        };
        let reminder = Reminder {
            kind: "appointment-reminder".into(),
            patient_id: appointment.patient_id,
            appointment_id: appointment.appointment_id,
            start: appointment.start,
            send_at,
            expires_at: appointment.start.unix_seconds() + 7 * 24 * 3600,
        };
        let item = store::to_item(
            &keys::appointment_reminder(send_at, appointment.appointment_id),
            &reminder,
        )?;
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(item))
            .build()
            .map_err(ApiError::internal)?;
        Ok(Some(TransactWriteItem::builder().put(put).build()))
    }

    /// Removes a reminder that is no longer due (gone already if it was sent: no condition).
    pub fn delete_reminder(
        &self,
        send_at: Option<Timestamp>,
        appointment: AppointmentId,
    ) -> Result<Option<TransactWriteItem>, ApiError> {
        let Some(send_at) = send_at else {
            return Ok(None);
        };
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(
                keys::appointment_reminder(send_at, appointment).attributes(),
            ))
            .build()
            .map_err(ApiError::internal)?;
        Ok(Some(TransactWriteItem::builder().delete(delete).build()))
    }

    /// Writes the counter if it is still at the version read (a new booking counts).
    pub fn write_counter(
        &self,
        patient: PatientId,
        counter: &Counter,
        read_version: u64,
    ) -> Result<TransactWriteItem, ApiError> {
        let mut next = counter.clone();
        next.version = read_version + 1;
        let item = store::to_item(&keys::booking_counter(patient), &next)?;
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK) OR version = :version")
                .expression_attribute_values(":version", number(read_version)),
        )
    }

    /// Moves or removes one appointment in the counter (cancel, reschedule), bumping its version
    /// so that a booking computed from an older reading retries.
    pub fn update_counter(
        &self,
        patient: PatientId,
        appointment: AppointmentId,
        new_start: Option<Timestamp>,
    ) -> Result<TransactWriteItem, ApiError> {
        let builder = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::booking_counter(patient).attributes()))
            .expression_attribute_names("#upcoming", "upcoming")
            .expression_attribute_names("#id", appointment.to_string())
            .expression_attribute_values(":one", number(1));
        let builder = match new_start {
            Some(start) => builder
                .update_expression("SET #upcoming.#id = :start ADD version :one")
                .condition_expression("attribute_exists(#upcoming)")
                .expression_attribute_values(":start", string(start.to_string())),
            None => builder.update_expression("REMOVE #upcoming.#id ADD version :one"),
        };
        Ok(TransactWriteItem::builder()
            .update(builder.build().map_err(ApiError::internal)?)
            .build())
    }
}
