//! `GET /rollout/cohorts`: the practice's cohorts, by name, with their member counts.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::cohorts::model::CohortView;
use crate::cohorts::store;

/// The cursor scope of the list: a cursor from any other list is refused.
const SCOPE: &str = "rollout:cohorts";

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageCohorts)
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, SCOPE.into(), cursor_key).await?;
    let (cohorts, last_key) = store(deps).cohorts(&access, &page).await?;
    let views = cohorts.iter().map(CohortView::from).collect();
    json(
        StatusCode::OK,
        &page.page(views, last_key, cursor_key).await?,
    )
}
