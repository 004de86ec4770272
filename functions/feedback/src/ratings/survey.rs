//! `GET /feedback/surveys/{surveyId}`: one usability survey with its results → Survey with
//! `responses`, `meanScore` (one decimal, absent before the first response) and `scores`, how
//! many responses fall in each band (`0-50`, `51-67`, `68-80`, `81-100`). Read from the
//! responses themselves (their scores only: never a patient's answers).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::ratings::model::SurveyView;
use crate::ratings::sus::Bands;
use crate::ratings::{store, survey_in_path};

#[derive(Serialize)]
struct Results<'a> {
    #[serde(flatten)]
    survey: SurveyView<'a>,
    scores: Bands,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReadFeedbackSummary)
        .await?;
    let id = survey_in_path(call)?;
    let ratings = store(deps);
    let survey = ratings.survey(id).await?.ok_or(ApiError::NotFound)?;
    let scores = ratings.scores(&access, id).await?;
    let sum: f64 = scores.iter().sum();
    json(
        StatusCode::OK,
        &Results {
            survey: SurveyView::with_totals(&survey, scores.len() as u64, sum),
            scores: Bands::of(scores),
        },
    )
}
