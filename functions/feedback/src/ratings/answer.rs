//! `POST /patients/{patientId}/feedback/{feedbackId}/answer`: staff answer a patient's
//! comment (`{text}`, plain text up to 2000 characters) → 200 Feedback with `answer: {text,
//! at, by}`. Answering again replaces the answer (no If-Match: the last answer stands).
//!
//! Only a rating with a comment can be answered (409 otherwise); an unknown rating is 404. In
//! the answer's transaction the author is told: an in-app update (`feedback-answered`, under a
//! key of this answer's, so it is written once) and the outbox record
//! `Kind::FeedbackAnswered` (ids only: never the comment or the answer).

use std::time::Duration;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::FeedbackId;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutFeedback, Kind, Notification, Recipient};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::ratings::model::{Answer, MAX_TEXT_CHARS};
use crate::ratings::{rating_resource, store};
use crate::updates::{self, FeedbackUpdate, UpdateKind};

/// Unsent notifications are useless after this; TTL removes them (as the messages' are).
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewAnswer {
    text: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw_id = call.path_param("feedbackId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::AnswerFeedback, rating_resource(&raw_id))
        .await?;
    let request: NewAnswer = call.json_body()?;
    let text = plain_text(&request.text, MAX_TEXT_CHARS, true)
        .map_err(|message| ApiError::invalid("text", message))?;
    let id = FeedbackId::parse(&raw_id).ok_or(ApiError::NotFound)?;
    let ratings = store(deps);
    let mut feedback = ratings
        .feedback(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if feedback.comment.is_none() {
        return Err(ApiError::Conflict(
            "This rating has no comment to answer.".into(),
        ));
    }

    let at = Timestamp::now();
    let answer = Answer {
        text,
        at,
        by: call.caller().sub.clone(),
    };
    let patient = access.patient();
    let table = &deps.platform.app_table;
    let update = FeedbackUpdate {
        at,
        kind: UpdateKind::FeedbackAnswered,
        idea_id: None,
        title: None,
        status: None,
        reason: None,
        suggestion_id: None,
        feedback_id: Some(id),
    };
    let notification = Notification::pending(
        Kind::FeedbackAnswered,
        Recipient::Patient {
            patient_id: patient,
        },
        AboutFeedback { feedback_id: id },
        at,
        at.plus(KEEP_FOR),
    );
    let told = vec![
        updates::put(table, patient, &format!("answer:{id}:{at}"), &update)?,
        notification.put(table)?,
    ];
    if !ratings.answer(&access, id, &answer, told).await? {
        return Err(ApiError::NotFound);
    }
    feedback.answer = Some(answer);
    json(StatusCode::OK, &feedback)
}
