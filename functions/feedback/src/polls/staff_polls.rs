//! `GET /account/polls`: the polls addressed to one of the signed-in staff member's roles
//! (scheduled, open or closed), each with its ideas, the caller's ballot and, once closed, the
//! outcome.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::respond::{Items, as_seen_by};
use crate::polls::store;
use crate::respondent::Respondent;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::RespondToStaffPolls)
        .await?;
    let caller = call.caller();
    let polls: Vec<_> = store(deps)
        .all()
        .await?
        .into_iter()
        .filter(|poll| poll.asks_staff(&caller.roles))
        .collect();
    let items = as_seen_by(deps, &polls, &Respondent::Staff(caller.sub.clone())).await?;
    json(StatusCode::OK, &Items { items })
}
