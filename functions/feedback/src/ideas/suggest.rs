//! `POST /patients/{patientId}/suggestions`: a patient, or a caregiver for them, suggests an
//! idea (`{title, description}`); it waits, `pending`, in the portal lead's queue
//! (Idempotency-Key; 201 with the suggestion).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::SuggestionId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::ideas::model::{Suggestion, SuggestionStatus};
use crate::ideas::{fields, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewSuggestion {
    title: String,
    description: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::SuggestIdea, AuditResource::Suggestions)
        .await?;
    let patient = access.patient();
    let idempotency = Idempotency::from_call(call)?;
    let request: NewSuggestion = call.json_body()?;
    let mut errors = FieldErrors::new();
    let title = fields::title(&mut errors, &request.title);
    let description = fields::description(&mut errors, &request.description);
    errors.finish()?;
    let (Some(title), Some(description)) = (title, description) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let suggestion = Suggestion {
        suggestion_id: SuggestionId::generate(),
        patient_id: patient,
        title,
        description,
        status: SuggestionStatus::Pending,
        reason: None,
        idea_id: None,
        created_at: Timestamp::now(),
        decided_at: None,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&suggestion).map_err(ApiError::internal)?,
        location: None,
        etag: None,
        patient_id: Some(patient),
    };
    let writes = vec![store(deps).suggestion_creation(&access, &suggestion)?];
    match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
