//! `GET /rollout/cohorts/{cohort}`: one cohort's definition and member count.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::cohorts::existing_cohort;
use crate::cohorts::model::CohortView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageCohorts)
        .await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    json(StatusCode::OK, &CohortView::from(&cohort))
}
