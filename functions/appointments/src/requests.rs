//! Request bodies. Each rejects unknown fields; free text is checked by the handler that reads
//! it (naming the field) and PHI is kept in [`Sensitive`], whose `Debug` never shows it.

use std::collections::BTreeMap;

use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::person::{Email, Phone, clean_text};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use serde::Deserialize;

use crate::model::schedule::{self, MAX_SEARCH_DAYS, VisitType};
use crate::model::{CheckIn, Insurance, Medication};

/// `POST /staff/providers`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewProvider {
    pub name: String,
    pub specialty: String,
    pub accepting_new_patients: bool,
    pub visit_types: Vec<String>,
}

/// `PATCH /staff/providers/{providerId}`: the fields to change; an absent (or null) one stays
/// as it is. The id and the date added never change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProviderChanges {
    pub name: Option<String>,
    pub specialty: Option<String>,
    pub accepting_new_patients: Option<bool>,
    pub visit_types: Option<Vec<String>>,
}

/// A provider's name as shown to patients (422 on `name`).
pub fn provider_name(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("name", clean_text(raw, 100, "a name"))
}

/// A provider's specialty, lower-cased so the directory's filter matches it (422 on
/// `specialty`).
pub fn provider_specialty(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check(
        "specialty",
        clean_text(raw, 60, "a specialty").map(|s| s.to_lowercase()),
    )
}

/// The visit types a provider offers: at least one, each a known one (422 on `visitTypes` or
/// `visitTypes[i]`); sorted, without repeats.
pub fn provider_visit_types(errors: &mut FieldErrors, mut ids: Vec<String>) -> Vec<String> {
    if ids.is_empty() {
        errors.add("visitTypes", "must name at least one visit type");
    }
    for (index, id) in ids.iter().enumerate() {
        if schedule::visit_type(id).is_none() {
            errors.add(
                format!("visitTypes[{index}]"),
                format!("must be one of {}", schedule::visit_type_ids()),
            );
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// `GET /providers/{providerId}/slots?from=&to=&visitType=`: the slots of a visit type starting
/// in `[from, to)`, at most [`MAX_SEARCH_DAYS`] days (`from` defaults to now, `to` to a week
/// later).
pub struct SlotSearch {
    pub visit: &'static VisitType,
    pub from: Timestamp,
    pub to: Timestamp,
}

impl SlotSearch {
    /// The search the query asks for; 422 naming every bad parameter.
    pub fn from_call(call: &Call, now: Timestamp) -> Result<SlotSearch, ApiError> {
        let mut errors = FieldErrors::new();
        let mut instant = |name: &str| match call.query(name) {
            None => Ok(None),
            Some(raw) => match Timestamp::parse(&raw) {
                Some(at) => Ok(Some(at)),
                None => {
                    errors.add(name, "must be an RFC 3339 timestamp");
                    Err(())
                }
            },
        };
        let from = instant("from");
        let to = instant("to");
        let visit = match call.query("visitType") {
            None => {
                errors.add("visitType", "is required");
                None
            }
            Some(raw) => {
                let found = schedule::visit_type(&raw);
                if found.is_none() {
                    errors.add(
                        "visitType",
                        format!("must be one of {}", schedule::visit_type_ids()),
                    );
                }
                found
            }
        };
        let from = from.ok().flatten().unwrap_or(now);
        let to = to
            .ok()
            .flatten()
            .unwrap_or_else(|| from.plus(std::time::Duration::from_secs(7 * 24 * 3600)));
        if to <= from {
            errors.add("to", "must be after from");
        } else if to.unix_seconds() - from.unix_seconds() > MAX_SEARCH_DAYS * 24 * 3600 {
            errors.add(
                "to",
                format!("must be at most {MAX_SEARCH_DAYS} days after from"),
            );
        }
        errors.finish()?;
        let Some(visit) = visit else {
            return Err(ApiError::internal("validated visit type missing"));
        };
        Ok(SlotSearch { visit, from, to })
    }
}

/// `POST /patients/{patientId}/appointments`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BookRequest {
    pub provider_id: String,
    pub visit_type: String,
    pub start: Timestamp,
    pub reason: Sensitive<String>,
}

/// A booking request, every field checked.
pub struct Booking {
    pub provider_id: ProviderId,
    pub visit: &'static VisitType,
    pub start: Timestamp,
    pub reason: Sensitive<String>,
}

impl BookRequest {
    /// The booking asked for; 422 naming every bad field.
    pub fn checked(self) -> Result<Booking, ApiError> {
        let mut errors = FieldErrors::new();
        let provider_id = errors.check(
            "providerId",
            ProviderId::parse(&self.provider_id)
                .ok_or_else(|| "is not a provider of the practice".to_owned()),
        );
        let visit = errors.check(
            "visitType",
            schedule::visit_type(&self.visit_type)
                .ok_or_else(|| format!("must be one of {}", schedule::visit_type_ids())),
        );
        let reason = errors.check("reason", clean_text(&self.reason, 500, "a reason"));
        errors.finish()?;
        let (Some(provider_id), Some(visit), Some(reason)) = (provider_id, visit, reason) else {
            return Err(ApiError::internal("validated fields missing"));
        };
        Ok(Booking {
            provider_id,
            visit,
            start: self.start,
            reason: Sensitive(reason),
        })
    }
}

/// `POST .../{appointmentId}/reschedule`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RescheduleRequest {
    pub start: Timestamp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Contact {
    pub phone: Phone,
    pub email: Email,
}

/// `POST .../{appointmentId}/check-in`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckInRequest {
    pub contact: Contact,
    /// `null` for patients who pay themselves.
    pub insurance: Option<Insurance>,
    pub medications: Vec<Medication>,
    pub answers: BTreeMap<String, Sensitive<String>>,
}

impl CheckInRequest {
    /// Every field is plain text within its limit and every answer is to a question of
    /// `visit`'s questionnaire, the required ones all answered; 422 naming every bad field.
    pub fn check(&self, visit: &VisitType) -> Result<(), ApiError> {
        let mut errors = FieldErrors::new();
        if let Some(insurance) = &self.insurance {
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
        if self.medications.len() > 100 {
            errors.add("medications", "must list at most 100 medications");
        }
        for (index, medication) in self.medications.iter().enumerate() {
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
        for (id, answer) in &self.answers {
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
            if !self.answers.contains_key(question.id) {
                errors.add(format!("answers.{}", question.id), "is required");
            }
        }
        errors.finish()
    }

    /// What the patient confirmed, as recorded at `now` (answers trimmed).
    pub fn into_check_in(self, now: Timestamp) -> CheckIn {
        CheckIn {
            phone: Sensitive(self.contact.phone.as_str().to_owned()),
            email: Sensitive(self.contact.email.as_str().to_owned()),
            insurance: self.insurance,
            medications: self.medications,
            answers: self
                .answers
                .into_iter()
                .map(|(id, answer)| (id, Sensitive(answer.trim().to_owned())))
                .collect(),
            checked_in_at: now,
        }
    }
}
