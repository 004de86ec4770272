//! `PUT /patients/{patientId}/education/{topicId}/helpful` (`RateEducation`) `{helpful:
//! bool}` → 200 `{topicId, helpful, at}`.
//!
//! One vote per patient and topic: the vote and the topic's tally change in one transaction
//! (a changed vote moves one count from yes to no or back; the same vote again changes
//! nothing). The first vote also records a rating of the `education` feature (5 helpful, 1
//! not) through the feedback function's one rating write, in the same transaction, so the
//! practice's averages count it. 404 for an unknown or retired topic.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_feedback::{NewRating, rating_writes};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::store::Transacted;
use portal_shared::platform::write::transact_retrying;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::library;
use crate::library::topic::TopicId;
use crate::patient::{store, topic_resource};
use crate::repo::Vote;

/// How many times a vote is read and written again when another vote of the same patient on
/// the same topic landed in between.
const VOTE_ATTEMPTS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HelpfulBody {
    helpful: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Voted {
    topic_id: TopicId,
    helpful: bool,
    at: Timestamp,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::RateEducation, topic_resource(call))
        .await?;
    let topic_id = TopicId::in_path(call)?;
    let helpful = call.json_body::<HelpfulBody>()?.helpful;
    library::topic(deps, &topic_id)
        .await?
        .filter(|topic| topic.is_active())
        .ok_or(ApiError::NotFound)?;
    let votes = store(deps);
    let tallies = library::store(deps);
    for _ in 0..VOTE_ATTEMPTS {
        let previous = votes.vote(&access, &topic_id).await?;
        if let Some(previous) = previous.as_ref().filter(|p| p.helpful == helpful) {
            return answer(previous);
        }
        let vote = Vote {
            patient_id: access.patient(),
            topic_id: topic_id.clone(),
            helpful,
            at: Timestamp::now(),
        };
        let (yes, no) = match (previous.as_ref().map(|p| p.helpful), helpful) {
            (None, true) => (1, 0),
            (None, false) => (0, 1),
            (Some(_), true) => (1, -1),
            (Some(_), false) => (-1, 1),
        };
        let mut items = vec![
            votes.vote_put(&vote, previous.as_ref().map(|p| p.helpful))?,
            tallies.tally_change(&topic_id, yes, no)?,
        ];
        if previous.is_none() {
            let (_, rating) = rating_writes(
                &deps.platform,
                deps.practice_zone.as_ref(),
                &access,
                call.caller(),
                NewRating {
                    feature: Feature::Education,
                    rating: if helpful { 5 } else { 1 },
                    comment: None,
                    prompted: false,
                },
                vote.at,
            )
            .await?;
            items.extend(rating);
        }
        match transact_retrying(&deps.platform.dynamo, items).await? {
            Transacted::Done => return answer(&vote),
            // Another vote of the patient's on this topic landed first: read it again.
            Transacted::ConditionsFailed(_) => continue,
            Transacted::Contention => break,
        }
    }
    Err(ApiError::Conflict(
        "Other votes were being saved at the same moment; try again.".into(),
    ))
}

fn answer(vote: &Vote) -> Result<Response<Body>, ApiError> {
    json(
        StatusCode::OK,
        &Voted {
            topic_id: vote.topic_id.clone(),
            helpful: vote.helpful,
            at: vote.at,
        },
    )
}
