//! `GET /rollout/features`: every feature with its switch (a feature never switched is on for
//! everyone, at version 0). Each item's `version` is the ETag a change sends in If-Match.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use super::model::SwitchView;
use crate::Deps;

#[derive(Serialize)]
struct Switches {
    items: Vec<SwitchView>,
}

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ManageFeatureSwitches)
        .await?;
    let stored = super::store(deps).all().await?;
    let items = Feature::ALL
        .iter()
        .map(|feature| {
            let switch = stored.iter().find(|switch| switch.feature == *feature);
            SwitchView::new(*feature, switch)
        })
        .collect();
    json(StatusCode::OK, &Switches { items })
}
