//! `POST /staff/patients/{patientId}/education` (`AssignEducation`) `{topicId, note?}` (note
//! at most 1000 characters of plain text) → 201 `{topicId, note, assignedBy: {name},
//! assignedAt}` + Location `/patients/{patientId}/education/{topicId}` the first time; 200
//! when the topic was assigned already (the note is replaced). Idempotency-Key honoured.
//! 422 `topicId` for a topic the library does not have, or has retired.
//!
//! The first assignment also writes the patient's news (`education-assigned`: the patient's
//! id, nothing about the topic) to the outbox, in the same transaction.

use std::time::Duration;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutEducation, Kind, Notification, Recipient};
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::store::{self, Transacted};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::library;
use crate::library::topic::{StaffName, TopicId};
use crate::repo::{Assignment, PatientStore};

pub const MAX_NOTE_CHARS: usize = 1000;
/// Unsent outbox records are useless after this; the list shows the topic after sign-in.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);
/// How many times an assignment is read and written again when another one of the same
/// topic for the same patient landed in between.
const ASSIGN_ATTEMPTS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AssignBody {
    topic_id: String,
    #[serde(default)]
    note: Option<String>,
}

/// The assignment as answered.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentView<'a> {
    topic_id: &'a TopicId,
    note: Option<&'a str>,
    assigned_by: &'a StaffName,
    assigned_at: Timestamp,
}

fn validate(body: AssignBody) -> Result<(TopicId, Option<String>), ApiError> {
    let mut errors = FieldErrors::new();
    let topic = errors.check(
        "topicId",
        TopicId::parse(body.topic_id.trim()).ok_or_else(|| "is not a topic id".to_owned()),
    );
    let note = match body.note.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => errors
            .check("note", plain_text(raw, MAX_NOTE_CHARS, true))
            .map(Some),
    };
    errors.finish()?;
    match (topic, note) {
        (Some(topic), Some(note)) => Ok((topic, note)),
        _ => Err(ApiError::internal("validated fields missing")),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::AssignEducation, AuditResource::Education)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let (topic_id, note) = validate(call.json_body()?)?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    library::topic(deps, &topic_id)
        .await?
        .filter(|topic| topic.is_active())
        .ok_or_else(|| ApiError::invalid("topicId", "is not an active topic of the library"))?;
    let patient = access.patient();
    let assignments = PatientStore::new(dynamo, table);
    let caller = call.caller();
    for _ in 0..ASSIGN_ATTEMPTS {
        let existing = assignments.assignment(&access, &topic_id).await?;
        let now = Timestamp::now();
        let assignment = Assignment {
            patient_id: patient,
            topic_id: topic_id.clone(),
            note: note.clone(),
            assigned_by: StaffName::of(caller),
            assigned_by_id: caller.sub.clone(),
            assigned_at: now,
        };
        let mut items = vec![
            assignments.assignment_put(&assignment, existing.as_ref().map(|e| e.assigned_at))?,
        ];
        let first = existing.is_none();
        if first {
            items.push(
                Notification::pending(
                    Kind::EducationAssigned,
                    Recipient::Patient {
                        patient_id: patient,
                    },
                    AboutEducation {
                        patient_id: patient,
                    },
                    now,
                    now.plus(KEEP_FOR),
                )
                .put(table)?,
            );
        }
        let view = AssignmentView {
            topic_id: &assignment.topic_id,
            note: assignment.note.as_deref(),
            assigned_by: &assignment.assigned_by,
            assigned_at: assignment.assigned_at,
        };
        let response = StoredResponse {
            status: if first {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            }
            .as_u16(),
            body: serde_json::to_string(&view).map_err(ApiError::internal)?,
            location: first
                .then(|| call.link(&format!("/patients/{patient}/education/{topic_id}"))),
            etag: None,
            patient_id: Some(patient),
        };
        let record_index = items.len();
        if let Some(idempotency) = &idempotency {
            items.push(idempotency.record(table, &response)?);
        }
        match store::transact(dynamo, items).await? {
            Transacted::Done => return response.render(false),
            Transacted::ConditionsFailed(failed) => {
                // A concurrent request with the same key won: its response.
                if let Some(idempotency) = &idempotency
                    && let Some(first) = idempotency
                        .race_winner(dynamo, table, &failed, record_index)
                        .await?
                {
                    return first.render(true);
                }
                // Another assignment of the topic landed in between: read it again.
            }
            Transacted::Contention => {}
        }
    }
    Err(ApiError::Conflict(
        "Someone else was assigning this topic at the same moment; try again.".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: serde_json::Value) -> Result<(TopicId, Option<String>), ApiError> {
        validate(portal_shared::platform::http::parse_json(
            body.to_string().as_bytes(),
        )?)
    }

    #[test]
    fn topic_and_note_are_checked() {
        let (topic, note) = check(json!({"topicId": "hypertension", "note": "  "})).expect("valid");
        assert_eq!((topic.as_str(), note), ("hypertension", None));
        let (_, note) =
            check(json!({"topicId": "hypertension", "note": "Read this\r\nbefore your visit"}))
                .expect("valid");
        assert_eq!(note.as_deref(), Some("Read this\nbefore your visit"));
        match check(json!({"topicId": "Nope!", "note": "x".repeat(1001)})) {
            Err(ApiError::Invalid(errors)) => {
                let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(named, ["topicId", "note"]);
            }
            other => panic!("not a 422: {other:?}"),
        }
        assert!(matches!(
            check(json!({"topicId": "hypertension", "by": "me"})),
            Err(ApiError::Invalid(_))
        ));
    }
}
