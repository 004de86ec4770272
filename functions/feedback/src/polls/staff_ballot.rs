//! `PUT /account/polls/{pollId}/ballot`: the signed-in staff member casts or replaces their
//! ballot (`{choices}`) in a poll addressed to one of their roles (else 404, as for no poll):
//! 201 first, 200 replaced, 409 when the poll is not open.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::poll_in_path;
use crate::polls::respond::{BallotRequest, cast, checked_choices};
use crate::respondent::Respondent;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::RespondToStaffPolls)
        .await?;
    let caller = call.caller();
    let poll = poll_in_path(deps, call).await?;
    if !poll.asks_staff(&caller.roles) {
        return Err(ApiError::NotFound);
    }
    let request: BallotRequest = call.json_body()?;
    let choices = checked_choices(&poll, &request.choices)?;
    cast(deps, &poll, &Respondent::Staff(caller.sub.clone()), choices).await
}
