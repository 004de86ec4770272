//! `GET /feedback/ideas/{ideaId}`: one idea, its version as the ETag.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::catalogue;
use crate::ideas::{idea_in_path, idea_response};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadIdeas)
        .await?;
    let id = idea_in_path(call)?;
    let idea = catalogue::load(&deps.platform.dynamo, &deps.platform.app_table, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    idea_response(StatusCode::OK, &idea, &idea)
}
