//! `POST /feedback/polls/{pollId}/close`: a portal lead ends a poll now (with If-Match: its
//! version). `closedAt` and `closesAt` become now; ballots are refused from then on (each
//! ballot's transaction checks the poll). 409 when it is closed already, 412 when stale.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::get::full;
use crate::polls::model::{Poll, PollState};
use crate::polls::{poll_in_path, store};

fn closed_already() -> ApiError {
    ApiError::Conflict("This poll is closed already.".into())
}

/// 409 when `poll` is closed, else 412 when it is not at `expected`.
fn refusal(poll: &Poll, expected: u64, now: Timestamp) -> Option<ApiError> {
    if poll.version != expected {
        Some(ApiError::PreconditionFailed)
    } else if poll.state(now) == PollState::Closed {
        Some(closed_already())
    } else {
        None
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ManagePolls)
        .await?;
    let poll = poll_in_path(deps, call).await?;
    let expected = required_if_match(call)?.0;
    let now = Timestamp::now();
    if let Some(error) = refusal(&poll, expected, now) {
        return Err(error);
    }
    let store = store(deps);
    match store.close(&poll, expected, now).await? {
        Ok(closed) => {
            tracing::info!(poll_id = %closed.poll_id, "poll closed");
            full(deps, &closed, StatusCode::OK).await
        }
        Err(LostWrite::Changed | LostWrite::Contention) => {
            // Changed meanwhile: say how.
            let current = store.load(poll.poll_id).await?.ok_or(ApiError::NotFound)?;
            Err(refusal(&current, expected, Timestamp::now())
                .unwrap_or(ApiError::PreconditionFailed))
        }
    }
}
