//! `GET /rollout/waves`: the practice's waves, newest first, with their counts.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::waves::model::WaveView;

/// The cursor scope of the list: a cursor from any other list is refused.
const SCOPE: &str = "rollout:waves";

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::SendInvitationWaves)
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, SCOPE.into(), cursor_key).await?;
    let (waves, last_key) = deps
        .waves()
        .waves(&access, page.limit, page.start_after.clone())
        .await?;
    let now = Timestamp::now();
    let views = waves.iter().map(|wave| WaveView::new(wave, now)).collect();
    json(
        StatusCode::OK,
        &page.page(views, last_key, cursor_key).await?,
    )
}
