//! `POST /rollout/cohorts`: a portal lead creates a cohort (`{name, description, beta}`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::cohorts::model::{Cohort, CohortView};
use crate::cohorts::store;

/// The longest description (plain text, line breaks allowed).
pub const MAX_DESCRIPTION_CHARS: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewCohort {
    name: CohortName,
    description: String,
    /// Members must accept the beta terms; `false` when absent.
    #[serde(default)]
    beta: bool,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageCohorts)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewCohort = call.json_body()?;
    let description = plain_text(&request.description, MAX_DESCRIPTION_CHARS, true)
        .map_err(|message| ApiError::invalid("description", message))?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let cohort = Cohort {
        name: request.name,
        description,
        beta: request.beta,
        member_count: 0,
        created_at: Timestamp::now(),
        created_by: call.caller().sub.clone(),
        version: 1,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&CohortView::from(&cohort)).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/rollout/cohorts/{}", cohort.name))),
        etag: None,
        patient_id: None,
    };
    // A cohort of that name already (the definition's condition) is 409.
    let writes = store(deps).creation(&access, &cohort)?;
    match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
