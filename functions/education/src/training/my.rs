//! `GET /staff/training` (`TakeTraining`): the caller's plan view. A member without a plan (an
//! account older than onboarding) sees the modules of their roles as `not-assigned`, cleared.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::onboarding::{PlanView, read_plan};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::training::staff_roles;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::TakeTraining)
        .await?;
    let caller = call.caller();
    let plan = read_plan(&deps.platform.dynamo, &deps.platform.app_table, &caller.sub).await?;
    let view = match plan {
        Some(plan) => PlanView::of(&plan),
        None => PlanView::without_plan(
            caller.sub.clone(),
            caller.shown_name(),
            &staff_roles(caller),
        ),
    };
    json(StatusCode::OK, &view)
}
