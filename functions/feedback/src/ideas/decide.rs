//! `POST /patients/{patientId}/suggestions/{suggestionId}/decision`: the portal lead accepts
//! (`{decision: "accept"}`) or declines (`{decision: "decline", reason}`) a pending
//! suggestion, on the patient's path (audited in the patient's log). Accepting creates the
//! idea it becomes (`proposed`, `suggestionId` set; its text the suggestion's, its benefit
//! "Suggested by a patient." until the portal lead words it). In the same transaction the
//! suggestion moves to the queue of its new status (only if still pending: else 409) and its
//! author is told (in-app update `suggestion:<id>` + outbox `Kind::SuggestionDecided`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{IdeaId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::ideas::model::{Idea, Suggestion, SuggestionStatus};
use crate::ideas::repo::NotDecided;
use crate::ideas::{fields, store, tell};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    Accept,
    Decline,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Decision {
    decision: Verdict,
    /// Required to decline (the author reads it), refused with an accept.
    #[serde(default)]
    reason: Option<String>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw_id = call.path_param("suggestionId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ManageIdeas,
            AuditResource::Suggestion(raw_id.clone()),
        )
        .await?;
    let id = SuggestionId::parse(&raw_id).ok_or(ApiError::NotFound)?;
    let request: Decision = call.json_body()?;
    let mut errors = FieldErrors::new();
    let reason = fields::reason_iff_declined(
        &mut errors,
        "reason",
        request.reason.as_deref(),
        request.decision == Verdict::Decline,
    );
    errors.finish()?;

    let store = store(deps);
    let suggestion = store
        .suggestion(&access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if suggestion.status != SuggestionStatus::Pending {
        return Err(already_decided(&suggestion));
    }

    let now = Timestamp::now();
    let by = &call.caller().sub;
    let idea = (request.decision == Verdict::Accept).then(|| Idea {
        idea_id: IdeaId::generate(),
        title: suggestion.title.clone(),
        description: suggestion.description.clone(),
        benefit: fields::SUGGESTED_BENEFIT.to_owned(),
        status: IdeaStatus::Proposed,
        decline_reason: None,
        feature: None,
        suggestion_id: Some(suggestion.suggestion_id),
        created_at: now,
        created_by: by.clone(),
        updated_at: now,
        version: Version::FIRST.0,
    });
    let decided = Suggestion {
        status: match request.decision {
            Verdict::Accept => SuggestionStatus::Accepted,
            Verdict::Decline => SuggestionStatus::Declined,
        },
        reason,
        idea_id: idea.as_ref().map(|idea| idea.idea_id),
        decided_at: Some(now),
        ..suggestion
    };
    let telling = tell::decision_telling(&deps.platform.app_table, &decided, now)?;
    match store
        .decide(&access, &decided, by, idea.as_ref(), telling)
        .await?
    {
        Ok(()) => json(StatusCode::OK, &decided),
        Err(NotDecided::AlreadyDecided) => Err(ApiError::Conflict(
            "This suggestion was decided by someone else a moment ago; read the queue again."
                .into(),
        )),
        Err(NotDecided::Contention) => Err(ApiError::Conflict(
            "Someone else was deciding this suggestion at the same moment; read the queue \
             again."
                .into(),
        )),
    }
}

fn already_decided(suggestion: &Suggestion) -> ApiError {
    ApiError::Conflict(format!(
        "This suggestion was {} already; only a pending suggestion can be decided.",
        suggestion.status.as_str()
    ))
}
