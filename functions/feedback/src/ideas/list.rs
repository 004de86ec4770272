//! `GET /feedback/ideas`: every idea of the practice, newest first (not paged: a practice has
//! tens).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::catalogue;
use crate::ideas::model::Idea;

#[derive(Serialize)]
struct Ideas {
    items: Vec<Idea>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadIdeas)
        .await?;
    let items = catalogue::all(&deps.platform.dynamo, &deps.platform.app_table).await?;
    json(StatusCode::OK, &Ideas { items })
}
