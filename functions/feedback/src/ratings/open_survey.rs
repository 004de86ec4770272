//! `POST /feedback/surveys`: a portal lead opens a usability survey of a cohort
//! (`{cohort, closesAt}`) → 201 Survey, `Location`. Open from now until `closesAt` (in the
//! future, within a year); the cohort must exist. Idempotency-Key accepted.

use std::time::Duration;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::SurveyId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::ratings::model::{Survey, SurveyView};

/// The longest a survey may stay open.
pub const MAX_OPEN: Duration = Duration::from_secs(365 * 24 * 60 * 60);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewSurvey {
    cohort: String,
    closes_at: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageSurveys)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewSurvey = call.json_body()?;
    let mut errors = FieldErrors::new();
    let cohort = errors.check(
        "cohort",
        CohortName::parse(&request.cohort).map_err(str::to_owned),
    );
    let closes_at = errors.check(
        "closesAt",
        Timestamp::parse(&request.closes_at)
            .ok_or_else(|| "must be an RFC 3339 date and time".to_owned()),
    );
    errors.finish()?;
    let (Some(cohort), Some(closes_at)) = (cohort, closes_at) else {
        return Err(ApiError::internal("validated fields are missing"));
    };
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let now = Timestamp::now();
    let mut errors = FieldErrors::new();
    if closes_at <= now {
        errors.add("closesAt", "must be in the future");
    } else if closes_at > now.plus(MAX_OPEN) {
        errors.add("closesAt", "must be within a year");
    }
    let exists = store::get_item(dynamo, table, &keys::cohort(&cohort), Some("PK"))
        .await?
        .is_some();
    if !exists {
        errors.add("cohort", "no cohort has this name");
    }
    errors.finish()?;

    let survey = Survey {
        survey_id: SurveyId::generate(),
        cohort,
        opens_at: now,
        closes_at,
        created_at: now,
        created_by: call.caller().sub.clone(),
        responses: 0,
        score_sum: 0.0,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&SurveyView::from(&survey)).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/feedback/surveys/{}", survey.survey_id))),
        etag: None,
        patient_id: None,
    };
    let writes = crate::ratings::store(deps).survey_creation(&access, &survey)?;
    match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
