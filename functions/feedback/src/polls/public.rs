//! Another practice's link, which needs no account (the token in the body is the proof):
//! `POST /public/polls/lookup` (`{token}`: the poll as the link's respondent sees it) and
//! `POST /public/polls/ballots` (`{token, choices}`: the practice's one ballot, replaceable
//! until the poll closes: 201 first, 200 replaced, 409 when not open).
//!
//! Both are rate limited per client address: each request takes a slot before the token is
//! looked at, and gives it back once the token turns out to be a link's; a token that names
//! no link (404) keeps its slot, so guessing tokens soon meets 429. Nothing about any patient
//! is in the answers; the log has ids and statuses only (never the token).

use std::time::Duration;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::attempt_limit::{Limit, Limiter, client_of};
use portal_shared::platform::http::{Incoming, json};
use serde::Deserialize;

use crate::Deps;
use crate::polls::link_token;
use crate::polls::model::{LinkByToken, Poll};
use crate::polls::respond::{as_seen_by, cast, checked_choices};
use crate::polls::store;
use crate::respondent::Respondent;

/// Lookups with tokens that name no link, from one client address.
pub const LOOKUP_PER_CLIENT: Limit = Limit {
    purpose: "poll-link-lookup",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// Ballots with tokens that name no link, from one client address.
pub const BALLOT_PER_CLIENT: Limit = Limit {
    purpose: "poll-link-ballot",
    max: 30,
    window: Duration::from_secs(15 * 60),
};

/// The longest `token` field read (a token is 43 characters).
const MAX_TOKEN_CHARS: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupRequest {
    token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicBallot {
    token: String,
    choices: Vec<String>,
}

/// The link `token` names and its poll, counted against `limit` for the client unless it is
/// one (404 otherwise, and the attempt counts).
async fn link_of(
    deps: &Deps,
    incoming: &Incoming,
    limit: Limit,
    token: &str,
) -> Result<(LinkByToken, Poll), ApiError> {
    if token.is_empty() || token.chars().count() > MAX_TOKEN_CHARS {
        return Err(ApiError::invalid(
            "token",
            format!("must be 1 to {MAX_TOKEN_CHARS} characters: the token from the link"),
        ));
    }
    let limiter = Limiter::new(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &deps.platform.code_hashing,
    );
    let slot = limiter.acquire(limit, &client_of(incoming)).await?;
    let Some(hash) = link_token::hash_of(token) else {
        return Err(ApiError::NotFound);
    };
    let store = store(deps);
    let Some(link) = store.link_by_token(&hash).await? else {
        return Err(ApiError::NotFound);
    };
    let Some(poll) = store.load(link.poll_id).await? else {
        return Err(ApiError::NotFound);
    };
    // A link's token: no guess.
    limiter.release(slot).await;
    Ok((link, poll))
}

pub async fn lookup(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: LookupRequest = incoming.json_body()?;
    let (link, poll) = link_of(deps, incoming, LOOKUP_PER_CLIENT, &request.token).await?;
    let respondent = Respondent::Practice(link.link_id);
    let seen = as_seen_by(deps, std::slice::from_ref(&poll), &respondent)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a poll went unseen"))?;
    json(StatusCode::OK, &seen)
}

pub async fn ballot(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: PublicBallot = incoming.json_body()?;
    let (link, poll) = link_of(deps, incoming, BALLOT_PER_CLIENT, &request.token).await?;
    let choices = checked_choices(&poll, &request.choices)?;
    let answer = cast(deps, &poll, &Respondent::Practice(link.link_id), choices).await;
    tracing::info!(
        poll_id = %poll.poll_id,
        link_id = %link.link_id,
        status = answer.as_ref().map_or_else(|error| error.status().as_u16(), |r| r.status().as_u16()),
        "practice ballot"
    );
    answer
}
