//! `POST /patients/{patientId}/appointments/{appointmentId}/check-in`: from 7 days to 30
//! minutes before the visit, the patient confirms how to reach them, their insurance and
//! current medications, and answers the visit type's questionnaire. Checking in again replaces
//! the answers. The visit's first slot unit carries the flag the day view shows.

use std::collections::BTreeMap;
use std::time::Duration;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::{Email, Phone, clean_text};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::store::{Transacted, transact_retrying};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::booking::load;
use crate::repo::{CheckIn, Insurance, Medication, SlotUnit, Status};
use crate::schedule;
use crate::view::AppointmentView;

/// Check-in opens this long before the visit...
pub const OPENS_BEFORE: Duration = Duration::from_secs(7 * 24 * 3600);
/// ...and closes this long before it.
pub const CLOSES_BEFORE: Duration = Duration::from_secs(30 * 60);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Contact {
    phone: Phone,
    email: Email,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CheckInRequest {
    contact: Contact,
    /// `null` for patients who pay themselves.
    insurance: Option<Insurance>,
    medications: Vec<Medication>,
    answers: BTreeMap<String, String>,
}

/// Whether `now` is inside the check-in window of a visit at `start`.
pub fn window_open(start: Timestamp, now: Timestamp) -> bool {
    now.plus(CLOSES_BEFORE) <= start && start <= now.plus(OPENS_BEFORE)
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (_access, mut appointment) = load(deps, call, Action::CheckInAppointment).await?;
    let request: CheckInRequest = call.json_body()?;
    let visit = schedule::visit_type(&appointment.visit_type)
        .ok_or_else(|| ApiError::internal("stored visit type unknown"))?;
    let mut errors = FieldErrors::new();
    if let Some(insurance) = &request.insurance {
        errors.check(
            "insurance.carrier",
            clean_text(&insurance.carrier, 100, "a carrier"),
        );
        errors.check(
            "insurance.memberId",
            clean_text(&insurance.member_id, 50, "a member id"),
        );
        if let Some(group) = &insurance.group_number {
            errors.check(
                "insurance.groupNumber",
                clean_text(group, 50, "a group number"),
            );
        }
    }
    if request.medications.len() > 100 {
        errors.add("medications", "must list at most 100 medications");
    }
    for (index, medication) in request.medications.iter().enumerate() {
        errors.check(
            &format!("medications[{index}].name"),
            clean_text(&medication.name, 200, "a medication"),
        );
        if let Some(dose) = &medication.dose {
            errors.check(
                &format!("medications[{index}].dose"),
                clean_text(dose, 100, "a dose"),
            );
        }
    }
    for (id, answer) in &request.answers {
        if !visit.questionnaire.iter().any(|q| q.id == id) {
            errors.add(
                format!("answers.{id}"),
                "is not a question of this visit type",
            );
        } else {
            errors.check(
                &format!("answers.{id}"),
                clean_text(answer, 2000, "an answer"),
            );
        }
    }
    for question in visit.questionnaire.iter().filter(|q| q.required) {
        if !request.answers.contains_key(question.id) {
            errors.add(format!("answers.{}", question.id), "is required");
        }
    }
    errors.finish()?;
    if appointment.status != Status::Booked {
        return Err(ApiError::Conflict("This appointment was cancelled.".into()));
    }
    let now = Timestamp::now();
    if !window_open(appointment.start, now) {
        return Err(ApiError::Conflict(
            "Online check-in is open from 7 days to 30 minutes before the visit.".into(),
        ));
    }
    let read_version = appointment.version;
    appointment.check_in = Some(CheckIn {
        phone: request.contact.phone.as_str().to_owned(),
        email: request.contact.email.as_str().to_owned(),
        insurance: request.insurance,
        medications: request.medications,
        answers: request
            .answers
            .into_iter()
            .map(|(id, answer)| (id, answer.trim().to_owned()))
            .collect(),
        checked_in_at: now,
    });
    appointment.version += 1;
    let repo = deps.repo();
    let head = SlotUnit {
        appointment_id: appointment.appointment_id,
        patient_id: appointment.patient_id,
        provider_id: appointment.provider_id,
        visit_type: appointment.visit_type.clone(),
        start: appointment.start,
        end: appointment.end,
        head: true,
        checked_in: true,
        hold_until: None,
    };
    let zone_date = schedule::local_date(&deps.practice.zone, appointment.start).to_string();
    let items = vec![
        repo.replace_appointment(&appointment, read_version)?,
        repo.rewrite_unit(&head, appointment.start, &zone_date)?,
    ];
    match transact_retrying(&deps.platform.dynamo, items).await? {
        Transacted::Done => json(StatusCode::OK, &AppointmentView::new(&appointment)),
        Transacted::ConditionsFailed(_) | Transacted::Contention => Err(ApiError::Conflict(
            "This appointment changed at the same time; reload it and check in again.".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_runs_from_seven_days_to_thirty_minutes_before() {
        let start = Timestamp::parse("2026-06-10T14:00:00Z").expect("start");
        let at = |raw: &str| Timestamp::parse(raw).expect("now");
        assert!(!window_open(start, at("2026-06-03T13:59:59Z")));
        assert!(window_open(start, at("2026-06-03T14:00:00Z")));
        assert!(window_open(start, at("2026-06-10T13:30:00Z")));
        assert!(!window_open(start, at("2026-06-10T13:30:01Z")));
    }
}
