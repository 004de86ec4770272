//! `GET /rollout/features/{feature}/history`: every change of a switch, newest first, with who,
//! when, why, and the rules before and after.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::authz::Action;

use crate::Deps;

pub async fn history(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageFeatureSwitches)
        .await?;
    let feature = super::feature_in_path(call)?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(
        call,
        format!("feature-switch-history:{feature}"),
        cursor_key,
    )
    .await?;
    let (entries, last_key) = super::store(deps).history(&access, feature, &page).await?;
    json(
        StatusCode::OK,
        &page.page(entries, last_key, cursor_key).await?,
    )
}
