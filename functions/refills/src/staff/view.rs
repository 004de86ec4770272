//! A request as staff see it: the request's JSON (`RefillRequest`), the patient's summary
//! `{patientId, name?, birthDate?}` and whether it is overdue (open and past `dueAt`).

use portal_shared::domain::timestamp::Timestamp;
use serde::Serialize;

use crate::model::RefillRequest;
use crate::staff_repo::PatientSummary;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffRefill {
    #[serde(flatten)]
    pub request: RefillRequest,
    pub patient: PatientSummary,
    /// Open and past its due time (the `refill` response target); never for a decided one.
    pub overdue: bool,
}

impl StaffRefill {
    pub fn new(request: RefillRequest, patient: PatientSummary, now: Timestamp) -> Self {
        let overdue = request.status.is_open() && now >= request.due_at;
        StaffRefill {
            request,
            patient,
            overdue,
        }
    }
}

/// `{items: [...]}`.
#[derive(Debug, Serialize)]
pub struct StaffRefills {
    pub items: Vec<StaffRefill>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RefillStatus;
    use crate::model::tests::{at, sample};

    #[test]
    fn open_requests_past_due_are_overdue_and_decided_ones_never() {
        let request = sample(RefillStatus::Requested);
        let patient = PatientSummary {
            patient_id: request.patient_id,
            name: Some("Ana López".into()),
            birth_date: Some("1984-03-12".into()),
        };
        let before = at("2026-03-05T04:59:59Z");
        let due = request.due_at;
        assert!(!StaffRefill::new(request.clone(), patient.clone(), before).overdue);
        assert!(StaffRefill::new(request.clone(), patient.clone(), due).overdue);
        let json =
            serde_json::to_value(StaffRefill::new(request, patient.clone(), due)).expect("json");
        assert_eq!(json["overdue"], true);
        assert_eq!(json["patient"]["name"], "Ana López");
        assert_eq!(json["patient"]["birthDate"], "1984-03-12");
        assert_eq!(json["dueAt"], due.to_string());
        assert_eq!(json["status"], "requested");
        let denied = sample(RefillStatus::Denied);
        assert!(!StaffRefill::new(denied, patient, at("2030-01-01T00:00:00Z")).overdue);
    }
}
