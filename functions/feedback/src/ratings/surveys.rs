//! `GET /feedback/surveys`: every usability survey, newest first → `{items: [Survey]}` with
//! each one's responses and mean score so far (a practice runs a few per beta wave).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::ratings::model::SurveyView;
use crate::ratings::store;

#[derive(Serialize)]
struct Items<'a> {
    items: Vec<SurveyView<'a>>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadFeedbackSummary)
        .await?;
    let surveys = store(deps).surveys(None).await?;
    json(
        StatusCode::OK,
        &Items {
            items: surveys.iter().map(SurveyView::from).collect(),
        },
    )
}
