//! `GET /feedback/polls`: every poll of the practice, newest first, each with its state and
//! the ballots each stratum has cast (`{items}`; a practice runs a few polls a year).

use futures::{StreamExt, TryStreamExt};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::repo::CONCURRENT_READS;
use crate::polls::respond::Items;
use crate::polls::store;
use crate::polls::view::PollView;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadPollResults)
        .await?;
    let store = store(deps);
    let store = &store;
    let polls = store.all().await?;
    let ids: Vec<_> = polls.iter().map(|poll| poll.poll_id).collect();
    let counts: Vec<_> = futures::stream::iter(ids)
        .map(|poll| store.ballot_counts(poll))
        .buffered(CONCURRENT_READS)
        .try_collect()
        .await?;
    let now = Timestamp::now();
    let items = polls
        .iter()
        .zip(counts)
        .map(|(poll, (counts, _))| {
            let mut view = PollView::new(poll, now);
            view.ballots = Some(counts);
            view
        })
        .collect();
    json(StatusCode::OK, &Items { items })
}
