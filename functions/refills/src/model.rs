//! A refill request as stored and as the API shows it (one shape: the stored item is the JSON
//! below plus its keys), its status and the transitions between them, and the Task-shaped
//! history.
//!
//! `RefillRequest` JSON (camelCase): `{refillId, patientId, recordId, medication: {title,
//! codes: [{system?, code?, display?}]}, pharmacy: {pharmacyId?, name, address: {line, city,
//! state, postalCode}, phone, ncpdpId?, npi?}, note?, status, requestedBy: {role, name?},
//! reviewer?: {name?}, createdAt, updatedAt, dueAt, decision?: {outcome, quantity?: {value,
//! unit}, refills?, reasonCode?, message?, decidedBy: {name?}, decidedAt,
//! prescriptionRecordId?}, history: [{status, taskStatus, businessStatus?, at, by: {role,
//! name?}, note?}], version}`.

use std::fmt;

use portal_shared::domain::ids::{PatientId, PharmacyId, RecordId, RefillId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Relationship;
use portal_shared::policy::caller::{Caller, Role};
use serde::{Deserialize, Serialize};

/// Where a refill request stands. Open: `requested`, `in-review`. Terminal: `denied`,
/// `visit-needed`, `sent`, `withdrawn`; `approved` waits to be sent to the pharmacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefillStatus {
    Requested,
    InReview,
    Approved,
    Denied,
    VisitNeeded,
    Sent,
    Withdrawn,
}

impl RefillStatus {
    pub const ALL: [RefillStatus; 7] = [
        RefillStatus::Requested,
        RefillStatus::InReview,
        RefillStatus::Approved,
        RefillStatus::Denied,
        RefillStatus::VisitNeeded,
        RefillStatus::Sent,
        RefillStatus::Withdrawn,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RefillStatus::Requested => "requested",
            RefillStatus::InReview => "in-review",
            RefillStatus::Approved => "approved",
            RefillStatus::Denied => "denied",
            RefillStatus::VisitNeeded => "visit-needed",
            RefillStatus::Sent => "sent",
            RefillStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<RefillStatus> {
        RefillStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Waiting on the practice: in the queue, guarded by the one-open marker.
    pub const fn is_open(self) -> bool {
        matches!(self, RefillStatus::Requested | RefillStatus::InReview)
    }

    /// Nothing more happens to it.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            RefillStatus::Denied
                | RefillStatus::VisitNeeded
                | RefillStatus::Sent
                | RefillStatus::Withdrawn
        )
    }

    /// A decision was made (the decided list): approved, denied, visit-needed, sent.
    pub const fn is_decided(self) -> bool {
        matches!(
            self,
            RefillStatus::Approved
                | RefillStatus::Denied
                | RefillStatus::VisitNeeded
                | RefillStatus::Sent
        )
    }

    /// The allowed moves: requested → in-review; requested/in-review → approved, denied,
    /// visit-needed (a clinician may decide without claiming first) or withdrawn (the
    /// patient); approved → sent.
    pub const fn can_become(self, next: RefillStatus) -> bool {
        use RefillStatus::{Approved, Denied, InReview, Requested, Sent, VisitNeeded, Withdrawn};
        matches!(
            (self, next),
            (Requested, InReview)
                | (
                    Requested | InReview,
                    Approved | Denied | VisitNeeded | Withdrawn
                )
                | (Approved, Sent)
        )
    }

    /// The FHIR R4 Task status it exports as.
    pub const fn task_status(self) -> TaskStatus {
        match self {
            RefillStatus::Requested => TaskStatus::Requested,
            RefillStatus::InReview | RefillStatus::Approved => TaskStatus::InProgress,
            RefillStatus::Sent => TaskStatus::Completed,
            RefillStatus::Denied | RefillStatus::VisitNeeded => TaskStatus::Rejected,
            RefillStatus::Withdrawn => TaskStatus::Cancelled,
        }
    }

    /// The Task's `businessStatus` where the Task status alone does not say ours (several of
    /// ours share one Task status).
    pub const fn business_status(self) -> Option<&'static str> {
        match self {
            RefillStatus::Requested | RefillStatus::Withdrawn => None,
            other => Some(other.as_str()),
        }
    }
}

impl fmt::Display for RefillStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// FHIR R4 `Task.status` (the subset refills use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Requested,
    InProgress,
    Completed,
    Rejected,
    Cancelled,
}

/// In which capacity someone acted on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorRole {
    Patient,
    Caregiver,
    Clinician,
    FrontDesk,
}

impl ActorRole {
    /// The capacity of an authorised access: own → patient, caregiver, staff by the role the
    /// rule allowed (clinician or front desk; anything else reads as front desk).
    pub fn of(relationship: Relationship) -> ActorRole {
        match relationship {
            Relationship::Own => ActorRole::Patient,
            Relationship::Caregiver => ActorRole::Caregiver,
            Relationship::Staff(Role::Clinician) => ActorRole::Clinician,
            Relationship::Staff(_) => ActorRole::FrontDesk,
        }
    }
}

/// Who did something: `{role, name?}` (the name their sign-in carries, when it carries one).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub role: ActorRole,
    #[serde(default)]
    pub name: Option<String>,
}

impl Actor {
    pub fn new(role: ActorRole, caller: &Caller) -> Self {
        Actor {
            role,
            name: caller.display_name.clone(),
        }
    }
}

/// A staff member named on a request (the reviewer who claimed it, the decider).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffName {
    #[serde(default)]
    pub name: Option<String>,
}

/// One coding of the medication (`{system?, code?, display?}`), as the record carries it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationCode {
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub display: Option<String>,
}

/// What was asked to be renewed, copied from the record when asked (`{title, codes}`): the
/// request keeps saying what it was about if the record is re-imported or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationRef {
    pub title: String,
    #[serde(default)]
    pub codes: Vec<MedicationCode>,
}

/// A pharmacy's postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PharmacyAddress {
    pub line: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// The pharmacy as it was when the request was made: one of the directory
/// (`pharmacyId` set) or one the patient entered.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PharmacySnapshot {
    #[serde(default)]
    pub pharmacy_id: Option<PharmacyId>,
    pub name: String,
    pub address: PharmacyAddress,
    pub phone: String,
    #[serde(default)]
    pub ncpdp_id: Option<String>,
    #[serde(default)]
    pub npi: Option<String>,
}

/// What a clinician decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Approve,
    Deny,
    VisitNeeded,
}

impl Outcome {
    /// The status a decision moves the request to.
    pub const fn status(self) -> RefillStatus {
        match self {
            Outcome::Approve => RefillStatus::Approved,
            Outcome::Deny => RefillStatus::Denied,
            Outcome::VisitNeeded => RefillStatus::VisitNeeded,
        }
    }
}

/// Why a refill was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DenyReason {
    NotAppropriate,
    NeedsLabs,
    ChangedTherapy,
    Duplicate,
    Other,
}

/// How much is dispensed (`{value > 0, unit}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

/// A clinician's decision on a request.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub outcome: Outcome,
    #[serde(default)]
    pub quantity: Option<Quantity>,
    /// Repeats allowed (0–11).
    #[serde(default)]
    pub refills: Option<u8>,
    #[serde(default)]
    pub reason_code: Option<DenyReason>,
    #[serde(default)]
    pub message: Option<String>,
    pub decided_by: StaffName,
    pub decided_at: Timestamp,
    /// The renewed prescription written to the record (approve).
    #[serde(default)]
    pub prescription_record_id: Option<RecordId>,
}

/// One step of the request's life, Task-shaped: our `status` and the FHIR Task status next to
/// it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub status: RefillStatus,
    pub task_status: TaskStatus,
    #[serde(default)]
    pub business_status: Option<String>,
    pub at: Timestamp,
    pub by: Actor,
    #[serde(default)]
    pub note: Option<String>,
}

impl HistoryEntry {
    /// The entry for reaching `status` at `at`, by `by`.
    pub fn new(status: RefillStatus, at: Timestamp, by: Actor, note: Option<String>) -> Self {
        HistoryEntry {
            status,
            task_status: status.task_status(),
            business_status: status.business_status().map(str::to_owned),
            at,
            by,
            note,
        }
    }
}

/// A refill request: the stored item (plus keys) and the API's JSON.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefillRequest {
    pub refill_id: RefillId,
    pub patient_id: PatientId,
    pub record_id: RecordId,
    pub medication: MedicationRef,
    pub pharmacy: PharmacySnapshot,
    #[serde(default)]
    pub note: Option<String>,
    pub status: RefillStatus,
    pub requested_by: Actor,
    /// The clinician who claimed it for review.
    #[serde(default)]
    pub reviewer: Option<StaffName>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The end of the `refill` response target counted from `createdAt`.
    pub due_at: Timestamp,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    pub version: u64,
}

impl RefillRequest {
    /// `self` moved to `next` at `at` by `by` (history appended, version bumped), or `None`
    /// when the move is not allowed from its status.
    pub fn moved(
        &self,
        next: RefillStatus,
        at: Timestamp,
        by: Actor,
        note: Option<String>,
    ) -> Option<RefillRequest> {
        if !self.status.can_become(next) {
            return None;
        }
        let mut moved = self.clone();
        moved.status = next;
        moved.updated_at = at;
        moved.version = self.version + 1;
        moved.history.push(HistoryEntry::new(next, at, by, note));
        Some(moved)
    }
}

/// A patient's own link to a request (Location, notifications).
pub fn patient_link(patient: PatientId, refill: RefillId) -> String {
    format!("/patients/{patient}/refills/{refill}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    pub fn sample(status: RefillStatus) -> RefillRequest {
        let created = at("2026-03-02T15:00:00Z");
        let by = Actor {
            role: ActorRole::Patient,
            name: Some("Ana López".into()),
        };
        RefillRequest {
            refill_id: RefillId::generate(),
            patient_id: PatientId::generate(),
            record_id: RecordId::parse("0123456789abcdef0123456789abcdef").expect("record id"),
            medication: MedicationRef {
                title: "Metformin 500 mg oral tablet".into(),
                codes: vec![MedicationCode {
                    system: Some("http://www.nlm.nih.gov/research/umls/rxnorm".into()),
                    code: Some("860975".into()),
                    display: Some("Metformin 500 mg oral tablet".into()),
                }],
            },
            pharmacy: PharmacySnapshot {
                pharmacy_id: None,
                name: "Maple Pharmacy".into(),
                address: PharmacyAddress {
                    line: "1 Maple Street".into(),
                    city: "Springfield".into(),
                    state: "IL".into(),
                    postal_code: "62701".into(),
                },
                phone: "+1 217 555 0100".into(),
                ncpdp_id: Some("1234567".into()),
                npi: None,
            },
            note: None,
            status,
            requested_by: by.clone(),
            reviewer: None,
            created_at: created,
            updated_at: created,
            due_at: at("2026-03-05T05:00:00Z"),
            decision: None,
            history: vec![HistoryEntry::new(
                RefillStatus::Requested,
                created,
                by,
                None,
            )],
            version: 1,
        }
    }

    #[test]
    fn only_the_designed_moves_are_allowed() {
        use RefillStatus::*;
        let allowed = [
            (Requested, InReview),
            (Requested, Approved),
            (Requested, Denied),
            (Requested, VisitNeeded),
            (Requested, Withdrawn),
            (InReview, Approved),
            (InReview, Denied),
            (InReview, VisitNeeded),
            (InReview, Withdrawn),
            (Approved, Sent),
        ];
        for from in RefillStatus::ALL {
            for to in RefillStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
        }
        for status in RefillStatus::ALL {
            // Terminal states go nowhere; open ones are not terminal.
            if status.is_terminal() {
                assert!(RefillStatus::ALL.iter().all(|to| !status.can_become(*to)));
            }
            assert!(!(status.is_open() && status.is_terminal()));
            assert_eq!(RefillStatus::parse(status.as_str()), Some(status));
        }
        assert!(!RefillStatus::Approved.is_terminal() && !RefillStatus::Approved.is_open());
    }

    #[test]
    fn statuses_map_onto_fhir_task_statuses() {
        let task = |s: RefillStatus| serde_json::to_value(s.task_status()).expect("json");
        assert_eq!(task(RefillStatus::Requested), "requested");
        assert_eq!(task(RefillStatus::InReview), "in-progress");
        assert_eq!(task(RefillStatus::Approved), "in-progress");
        assert_eq!(task(RefillStatus::Sent), "completed");
        assert_eq!(task(RefillStatus::Denied), "rejected");
        assert_eq!(task(RefillStatus::VisitNeeded), "rejected");
        assert_eq!(task(RefillStatus::Withdrawn), "cancelled");
        // Statuses that share a Task status are told apart by the business status.
        assert_eq!(RefillStatus::Approved.business_status(), Some("approved"));
        assert_eq!(
            RefillStatus::VisitNeeded.business_status(),
            Some("visit-needed")
        );
    }

    #[test]
    fn json_is_camel_case_with_kebab_values() {
        let request = sample(RefillStatus::Requested);
        let json = serde_json::to_value(&request).expect("json");
        for field in [
            "refillId",
            "patientId",
            "recordId",
            "medication",
            "pharmacy",
            "status",
            "requestedBy",
            "createdAt",
            "updatedAt",
            "dueAt",
            "history",
            "version",
        ] {
            assert!(json.get(field).is_some(), "{field} in {json}");
        }
        assert!(json.get("decision").is_none() && json.get("note").is_none());
        assert_eq!(json["pharmacy"]["address"]["postalCode"], "62701");
        assert_eq!(json["pharmacy"]["ncpdpId"], "1234567");
        assert_eq!(json["history"][0]["taskStatus"], "requested");
        assert_eq!(json["requestedBy"]["role"], "patient");
        let back: RefillRequest = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, request);
        let decision = Decision {
            outcome: Outcome::VisitNeeded,
            quantity: None,
            refills: None,
            reason_code: Some(DenyReason::NeedsLabs),
            message: Some("Please book a visit".into()),
            decided_by: StaffName {
                name: Some("Dr Grey".into()),
            },
            decided_at: at("2026-03-03T10:00:00Z"),
            prescription_record_id: None,
        };
        let json = serde_json::to_value(&decision).expect("json");
        assert_eq!(json["outcome"], "visit-needed");
        assert_eq!(json["reasonCode"], "needs-labs");
        assert_eq!(json["decidedBy"]["name"], "Dr Grey");
    }

    #[test]
    fn moving_appends_history_and_bumps_the_version() {
        let request = sample(RefillStatus::Requested);
        let by = Actor {
            role: ActorRole::Clinician,
            name: None,
        };
        let now = at("2026-03-03T09:00:00Z");
        let moved = request
            .moved(RefillStatus::InReview, now, by.clone(), None)
            .expect("allowed");
        assert_eq!(moved.status, RefillStatus::InReview);
        assert_eq!(moved.version, 2);
        assert_eq!(moved.updated_at, now);
        assert_eq!(moved.history.len(), 2);
        assert_eq!(moved.history[1].task_status, TaskStatus::InProgress);
        assert!(
            sample(RefillStatus::Sent)
                .moved(RefillStatus::Withdrawn, now, by, None)
                .is_none()
        );
    }
}
