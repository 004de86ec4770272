//! `POST /feedback/polls/{pollId}/links`: a portal lead invites another practice
//! (`{practiceName}`) to a poll whose audience includes practices (else 422). The answer
//! carries the link's token and URL, shown this once: only the token's SHA-256 is stored (the
//! link and its lookup by hash, in one transaction). No Idempotency-Key: a replay would have
//! to keep the token.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::BallotLinkId;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::polls::link_token;
use crate::polls::model::PollLink;
use crate::polls::{poll_in_path, store};

pub const MAX_PRACTICE_NAME_CHARS: usize = 120;
/// The web app's origin when the stack names none (the local dev server).
pub const LOCAL_WEB_ORIGIN: &str = "http://localhost:5173";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewLink {
    practice_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedLink {
    link_id: BallotLinkId,
    practice_name: String,
    token: String,
    url: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ManagePolls)
        .await?;
    let request: NewLink = call.json_body()?;
    let practice_name = plain_text(&request.practice_name, MAX_PRACTICE_NAME_CHARS, false)
        .map_err(|message| ApiError::invalid("practiceName", message))?;
    let poll = poll_in_path(deps, call).await?;
    if !poll.audience.practices {
        return Err(ApiError::invalid(
            "audience.practices",
            "this poll does not ask other practices, so it has no links",
        ));
    }
    let (token, hash) = link_token::generate()?;
    let link = PollLink {
        link_id: BallotLinkId::generate(),
        practice_name,
        created_at: Timestamp::now(),
        created_by: call.caller().sub.clone(),
    };
    store(deps).create_link(poll.poll_id, &link, &hash).await?;
    tracing::info!(poll_id = %poll.poll_id, link_id = %link.link_id, "practice link created");
    let origin = deps.web_origin.as_deref().unwrap_or(LOCAL_WEB_ORIGIN);
    let url = format!("{}/vote#{token}", origin.trim_end_matches('/'));
    json(
        StatusCode::CREATED,
        &CreatedLink {
            link_id: link.link_id,
            practice_name: link.practice_name,
            token,
            url,
        },
    )
}
