//! `GET /feedback/polls/{pollId}`: one poll with the ballots each stratum has cast and its
//! practice links (whether each has voted; never a token). `ETag` is its version.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::model::Poll;
use crate::polls::view::{LinkView, PollView};
use crate::polls::{poll_in_path, store};
use crate::respondent::Stratum;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadPollResults)
        .await?;
    let poll = poll_in_path(deps, call).await?;
    full(deps, &poll, StatusCode::OK).await
}

/// The poll with its counts and links, and its version as `ETag`.
pub async fn full(
    deps: &Deps,
    poll: &Poll,
    status: StatusCode,
) -> Result<Response<Body>, ApiError> {
    let store = store(deps);
    let ((counts, respondents), links) =
        futures::try_join!(store.ballot_counts(poll.poll_id), store.links(poll.poll_id))?;
    let links = links
        .into_iter()
        .map(|link| {
            let voted =
                respondents.contains(&format!("{}#{}", Stratum::Practices.as_str(), link.link_id));
            LinkView::new(link, voted)
        })
        .collect();
    let mut view = PollView::new(poll, Timestamp::now());
    view.ballots = Some(counts);
    view.links = Some(links);
    json_with_headers(
        status,
        &view,
        &[(http::header::ETAG, Version(poll.version).etag())],
    )
}
